/**
 * The progress word a pooled worker shares with its supervisor: which job, which case of it
 * and which step are running, and when the case started (ms since the epoch, from
 * performance.timeOrigin + performance.now(), comparable across threads). The supervisor reads
 * it on a timer to find the exact case a hung worker is stuck on; the worker pays a few plain
 * stores per case.
 */
export const PROGRESS_BYTES = 32;

export const P_JOB = 0;
export const P_CASE = 1;
export const P_STEP = 2;

export interface Progress {
  words: Int32Array;
  /** [0]: start time of the running case. */
  times: Float64Array;
}

export function progressView(sab: SharedArrayBuffer): Progress {
  return { words: new Int32Array(sab, 0, 4), times: new Float64Array(sab, 16, 1) };
}

/** Wall-clock ms on a scale shared by all threads of the process (watchdog only). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
