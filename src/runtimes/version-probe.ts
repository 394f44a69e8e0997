/**
 * Asking a binary what it is: run it once with a few arguments (`--version`), bounded in time and
 * output. Discovery runs this on every file it is pointed at, so the file may be anything: not a
 * runtime at all (`/usr/bin/yes` prints forever), or a script that never answers. The process
 * gets its own process group so a timeout kills the script and whatever it started (a plain kill
 * would leave a `sleep` holding the pipes open, and 'close' would wait for it).
 */
import { spawn } from 'node:child_process';

export interface ProbeOutput {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed or when it could not start. */
  code: number | null;
  timedOut: boolean;
  /** More output than any version text: the process was stopped early. */
  truncated: boolean;
  /** Why it could not start (EACCES, ENOENT, ENOEXEC...). */
  spawnError?: string;
  /** The time it was given. */
  budgetMs: number;
}

/** Long enough for gjs or a Go binary on a loaded 2-core machine, short enough to fail fast. */
export const PROBE_TIMEOUT_MS = 4_000;
const OUTPUT_CAP = 16_384;

export function probeBinary(binary: string, args: readonly string[], timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeOutput> {
  return new Promise((resolve) => {
    const out: ProbeOutput = { stdout: '', stderr: '', code: null, timedOut: false, truncated: false, budgetMs: timeoutMs };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(out);
    };
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LC_ALL: 'C' } });
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      // 'close' normally follows the kill; this bounds the wait if it does not
      setTimeout(finish, 500).unref();
    };
    const timer = setTimeout(() => {
      out.timedOut = true;
      stop();
    }, timeoutMs);
    const collect = (stream: 'stdout' | 'stderr') => (d: string) => {
      out[stream] += d;
      if (out[stream].length > OUTPUT_CAP && !out.truncated) {
        out.truncated = true;
        out[stream] = out[stream].slice(0, OUTPUT_CAP);
        stop();
      }
    };
    child.stdout.setEncoding('utf8').on('data', collect('stdout'));
    child.stderr.setEncoding('utf8').on('data', collect('stderr'));
    child.on('error', (e: NodeJS.ErrnoException) => {
      out.spawnError = e.code ?? e.message;
      finish();
    });
    child.on('close', (code) => {
      out.code = code;
      finish();
    });
  });
}

/** The first non-empty line a probe printed (stdout first), for one-line messages. */
export function firstLine(o: Pick<ProbeOutput, 'stdout' | 'stderr'>): string {
  const line = `${o.stdout}\n${o.stderr}`.split('\n').find((l) => l.trim() !== '');
  return line === undefined ? '' : line.trim().slice(0, 100);
}
