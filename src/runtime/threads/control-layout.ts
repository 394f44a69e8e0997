/**
 * The memory map of a wasi-threads process's control block (control.ts): one SharedArrayBuffer
 * laid out as an Int32 header, the thread table, a Float64 clock area, the end record and the
 * output log. Every thread's worker and the supervisor map the same bytes, so these offsets are
 * the whole protocol between them.
 */

/** Thread states in the table. */
export const T_UNUSED = 0;
/** Executing wasm (or host code), or spawned and waiting for a worker: it can still make progress. */
export const T_RUNNING = 1;
/** In an infinite `memory.atomic.wait`: only a notify (or the kill) wakes it. */
export const T_BLOCKED = 2;
/** In a finite wait: it wakes by notify or when its (virtual or real) deadline passes. */
export const T_TIMED = 3;
/** Blocked for good outside the futex queue (fd_read on a stdin that never closes). */
export const T_STUCK = 4;
/** Returned from `wasi_thread_start` (or unwound after the kill). */
export const T_DONE = 5;

/** End kinds. */
export const E_NONE = 0;
export const E_SET = 1;

// Int32 word indices of the header.
export const W_LOCK = 0;
export const W_KILL = 1;
export const W_END = 2;
export const W_NEXT_TID = 3;
export const W_LIMIT = 4;
export const W_LIVE = 5;
export const W_STDIN_POS = 6;
export const W_SEQ = 7;
export const W_OUT_LEN = 8;
export const W_OUT_DROPPED = 9;
export const W_END_LEN = 10;
const HEADER_WORDS = 16;

/** Most threads one process can ever have (main included); spawns past a case's limit fail first. */
export const MAX_THREADS = 64;
/** Per thread: state, addr, wake, result, seq, (pad ×3). */
const T_WORDS = 8;
export const TO_STATE = 0;
export const TO_ADDR = 1;
export const TO_WAKE = 2;
export const TO_RESULT = 3;
export const TO_SEQ = 4;

const TABLE_BYTES = MAX_THREADS * T_WORDS * 4;
const TABLE_OFF = HEADER_WORDS * 4;
/** Int32 words mapped as `words`: the header and the thread table. */
export const WORDS = (TABLE_OFF + TABLE_BYTES) / 4;
/** Float64: virtual clock (ns) at [0], then one deadline per thread. */
export const TIME_OFF = TABLE_OFF + TABLE_BYTES;
const TIME_BYTES = (1 + MAX_THREADS) * 8;
export const END_OFF = TIME_OFF + TIME_BYTES;
export const END_BYTES = 2048;
export const OUT_OFF = END_OFF + END_BYTES;
/** Output log capacity per process (stdout + stderr of all threads, in order of arrival). */
export const THREAD_OUTPUT_BYTES = 1 << 20;
export const CONTROL_BYTES = OUT_OFF + THREAD_OUTPUT_BYTES;

/** Index in `words` of `field` of thread `tid`'s table row. */
export function slot(tid: number, field: number): number {
  return TABLE_OFF / 4 + tid * T_WORDS + field;
}
