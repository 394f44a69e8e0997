/**
 * The shared state of one wasi-threads *process* (DESIGN §5 "Threads"): one SharedArrayBuffer
 * that every thread of the case (the pooled worker running main, the pooled workers running
 * spawned threads) and the supervisor map. It holds the thread table, the host-side futex
 * queue that the rewritten `memory.atomic.wait/notify` go through, the process's end record
 * (first termination wins), the shared stdin position and the output log.
 *
 * Why the host owns the waits: a guest wait rewritten into a host call (src/wasm/instrument/
 * threads.ts) tells the host exactly which thread is blocked on what. Under the process lock
 * every transition (block, finish) re-checks "is any live thread able to run?":
 *   - some thread is RUNNING (executing wasm, or spawned but not started): nothing to do;
 *   - none is, but some are in a *finite* wait: virtual time jumps to the earliest deadline and
 *     that waiter times out (a finite wait always wakes, so it is never a deadlock);
 *   - none is and none can time out: every live thread is blocked forever → `deadlock`, at
 *     once. A runaway thread is RUNNING forever, so it never looks like a deadlock: the
 *     watchdog reports it as `timeout`.
 * Termination (trap, proc_exit, return from `_start`, deadlock) sets the kill flag and wakes
 * every blocked thread; running threads see the flag at their next loop header (the `poll`
 * hook) and unwind, so pooled workers are reused instead of terminated.
 *
 * Plain TypeScript over Atomics: no imports of binaryen or the pool, loadable anywhere.
 */
import type { Outcome } from '../../outcome.ts';

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
const E_NONE = 0;
const E_SET = 1;

// Int32 word indices of the header.
const W_LOCK = 0;
const W_KILL = 1;
const W_END = 2;
const W_NEXT_TID = 3;
const W_LIMIT = 4;
const W_LIVE = 5;
const W_STDIN_POS = 6;
const W_SEQ = 7;
const W_OUT_LEN = 8;
const W_OUT_DROPPED = 9;
const W_END_LEN = 10;
const HEADER_WORDS = 16;

/** Most threads one process can ever have (main included); spawns past a case's limit fail first. */
export const MAX_THREADS = 64;
/** Per thread: state, addr, wake, result, seq, (pad ×3). */
const T_WORDS = 8;
const TO_STATE = 0;
const TO_ADDR = 1;
const TO_WAKE = 2;
const TO_RESULT = 3;
const TO_SEQ = 4;

const TABLE_BYTES = MAX_THREADS * T_WORDS * 4;
const TABLE_OFF = HEADER_WORDS * 4;
/** Float64: virtual clock (ns) at [0], then one deadline per thread. */
const TIME_OFF = TABLE_OFF + TABLE_BYTES;
const TIME_BYTES = (1 + MAX_THREADS) * 8;
const END_OFF = TIME_OFF + TIME_BYTES;
const END_BYTES = 2048;
const OUT_OFF = END_OFF + END_BYTES;
/** Output log capacity per process (stdout + stderr of all threads, in order of arrival). */
export const THREAD_OUTPUT_BYTES = 1 << 20;
export const CONTROL_BYTES = OUT_OFF + THREAD_OUTPUT_BYTES;

/** Default per-case limit on spawned threads (a case may lower it with `wasi.threadLimit`). */
export const DEFAULT_THREAD_LIMIT = 16;
/** `thread-spawn`'s error: -EAGAIN (WASI errno 6), as wasi-libc's pthread_create maps it. */
export const SPAWN_EAGAIN = -6;

/** Thrown inside a thread whose process has ended: unwinds wasm without being a trap. */
export class ThreadKilled {
  readonly killed = true;
}
export const KILLED = new ThreadKilled();

const enc = new TextEncoder();
const dec = new TextDecoder();

export class ProcessControl {
  readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly bytes: Uint8Array;

  constructor(readonly sab: SharedArrayBuffer) {
    this.words = new Int32Array(sab, 0, (TABLE_OFF + TABLE_BYTES) / 4);
    this.times = new Float64Array(sab, TIME_OFF, 1 + MAX_THREADS);
    this.bytes = new Uint8Array(sab);
  }

  /** A fresh process: main (tid 0) running, next tid 1. */
  static create(threadLimit = DEFAULT_THREAD_LIMIT): ProcessControl {
    const p = new ProcessControl(new SharedArrayBuffer(CONTROL_BYTES));
    p.words[W_NEXT_TID] = 1;
    p.words[W_LIMIT] = Math.max(0, Math.min(MAX_THREADS - 1, threadLimit));
    p.words[TABLE_OFF / 4 + TO_STATE] = T_RUNNING;
    return p;
  }

  private t(tid: number, field: number): number {
    return TABLE_OFF / 4 + tid * T_WORDS + field;
  }

  // --- lock (a three-state futex mutex; critical sections are a few dozen loads) -----------------

  lock(): void {
    const w = this.words;
    let c = Atomics.compareExchange(w, W_LOCK, 0, 1);
    if (c === 0) return;
    do {
      if (c === 2 || Atomics.compareExchange(w, W_LOCK, 1, 2) !== 0) Atomics.wait(w, W_LOCK, 2);
    } while ((c = Atomics.compareExchange(w, W_LOCK, 0, 2)) !== 0);
  }

  unlock(): void {
    if (Atomics.sub(this.words, W_LOCK, 1) !== 1) {
      Atomics.store(this.words, W_LOCK, 0);
      Atomics.notify(this.words, W_LOCK, 1);
    }
  }

  // --- process-wide state ------------------------------------------------------------------------

  get killed(): boolean {
    return Atomics.load(this.words, W_KILL) !== 0;
  }

  /** The end record, once some thread ended the process. */
  end(): Outcome | undefined {
    if (Atomics.load(this.words, W_END) === E_NONE) return undefined;
    const len = Atomics.load(this.words, W_END_LEN);
    return JSON.parse(dec.decode(this.bytes.slice(END_OFF, END_OFF + len))) as Outcome;
  }

  /**
   * Ends the process with `outcome` unless it already ended (first termination wins), kills
   * every thread, and returns the outcome that stands.
   */
  terminate(outcome: Outcome): Outcome {
    this.lock();
    try {
      this.terminateLocked(outcome);
    } finally {
      this.unlock();
    }
    return this.end()!;
  }

  private terminateLocked(outcome: Outcome): void {
    const w = this.words;
    if (w[W_END] === E_NONE) {
      let text = enc.encode(JSON.stringify(outcome));
      if (text.length > END_BYTES) text = enc.encode(JSON.stringify({ ...outcome, message: '' }));
      this.bytes.set(text.subarray(0, END_BYTES), END_OFF);
      w[W_END_LEN] = Math.min(text.length, END_BYTES);
      Atomics.store(w, W_END, E_SET);
    }
    Atomics.store(w, W_KILL, 1);
    const n = w[W_NEXT_TID]!;
    for (let tid = 0; tid < n; tid++) {
      const s = w[this.t(tid, TO_STATE)]!;
      if (s === T_BLOCKED || s === T_TIMED || s === T_STUCK) this.wake(tid, 2);
    }
  }

  /** Sets the wake word of a blocked thread and wakes it (lock held). */
  private wake(tid: number, result: number): void {
    const w = this.words;
    w[this.t(tid, TO_STATE)] = T_RUNNING;
    w[this.t(tid, TO_RESULT)] = result;
    Atomics.store(w, this.t(tid, TO_WAKE), 1);
    Atomics.notify(w, this.t(tid, TO_WAKE));
  }

  // --- spawning ----------------------------------------------------------------------------------

  /** Reserves a tid for `thread-spawn`; SPAWN_EAGAIN past the limit. The new thread counts as running. */
  reserveThread(): number {
    this.lock();
    try {
      if (this.killed) return -1;
      const w = this.words;
      const tid = w[W_NEXT_TID]!;
      if (tid > w[W_LIMIT]!) return SPAWN_EAGAIN;
      w[W_NEXT_TID] = tid + 1;
      w[this.t(tid, TO_STATE)] = T_RUNNING;
      Atomics.add(w, W_LIVE, 1);
      return tid;
    } finally {
      this.unlock();
    }
  }

  /** Spawned threads (not main) that have not finished. */
  get live(): number {
    return Atomics.load(this.words, W_LIVE);
  }

  /** A spawned thread is done (returned, unwound, or never started). */
  finish(tid: number): void {
    this.lock();
    try {
      const w = this.words;
      if (w[this.t(tid, TO_STATE)] === T_DONE) return;
      w[this.t(tid, TO_STATE)] = T_DONE;
      Atomics.sub(w, W_LIVE, 1);
      if (!this.killed) this.progressCheck();
    } finally {
      this.unlock();
    }
    Atomics.notify(this.words, W_LIVE);
  }

  /** Waits (up to `ms`) until every spawned thread finished; true when they all did. */
  awaitThreads(ms: number): boolean {
    const deadline = performance.now() + ms;
    for (;;) {
      const live = Atomics.load(this.words, W_LIVE);
      if (live <= 0) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.words, W_LIVE, live, Math.min(left, 50));
    }
  }

  // --- blocking ----------------------------------------------------------------------------------

  /**
   * The progress rule (lock held, process alive): when no thread is RUNNING, the earliest finite
   * waiter times out (virtual time advances); when none is waiting finitely either, the process
   * is deadlocked.
   */
  private progressCheck(): void {
    const w = this.words;
    const n = w[W_NEXT_TID]!;
    let earliest = -1;
    let blocked = 0;
    for (let tid = 0; tid < n; tid++) {
      const s = w[this.t(tid, TO_STATE)]!;
      if (s === T_RUNNING) return;
      if (s === T_TIMED) {
        if (earliest < 0) earliest = tid;
        else {
          const d = this.times[1 + tid]!;
          const e = this.times[1 + earliest]!;
          if (d < e || (d === e && w[this.t(tid, TO_SEQ)]! < w[this.t(earliest, TO_SEQ)]!)) earliest = tid;
        }
      } else if (s === T_BLOCKED || s === T_STUCK) blocked++;
    }
    if (earliest >= 0) {
      this.times[0] = Math.max(this.times[0]!, this.times[1 + earliest]!);
      this.wake(earliest, 2);
      return;
    }
    if (blocked > 0) this.terminateLocked({ kind: 'deadlock' });
  }

  /**
   * `memory.atomic.wait32/64` for thread `tid` on effective address `ea`. `current` reads the
   * guest word atomically (done under the lock, so a notify between the check and the sleep is
   * never lost). Returns 0 (woken), 1 (not equal) or 2 (timed out); throws KILLED when the process
   * ended while waiting.
   */
  wait(tid: number, ea: number, matches: () => boolean, timeoutNs: bigint): number {
    const w = this.words;
    const wakeIdx = this.t(tid, TO_WAKE);
    this.lock();
    try {
      if (this.killed) throw KILLED;
      if (!matches()) return 1;
      if (timeoutNs === 0n) return 2;
      const finite = timeoutNs > 0n;
      w[this.t(tid, TO_STATE)] = finite ? T_TIMED : T_BLOCKED;
      w[this.t(tid, TO_ADDR)] = ea;
      w[this.t(tid, TO_SEQ)] = ++w[W_SEQ]!;
      w[wakeIdx] = 0;
      if (finite) this.times[1 + tid] = this.times[0]! + Number(timeoutNs);
      this.progressCheck();
    } finally {
      this.unlock();
    }
    // A finite wait also honours real time (a peer busy for longer than the timeout).
    const realMs = timeoutNs > 0n ? Number(timeoutNs) / 1e6 : undefined;
    const until = realMs === undefined ? Infinity : performance.now() + realMs;
    for (;;) {
      const left = until - performance.now();
      const r = Atomics.wait(w, wakeIdx, 0, left === Infinity ? undefined : Math.max(0, left));
      if (this.killed) throw KILLED;
      if (Atomics.load(w, wakeIdx) !== 0) return w[this.t(tid, TO_RESULT)]!;
      if (r === 'timed-out' && performance.now() >= until) {
        this.lock();
        try {
          if (w[wakeIdx] === 0) {
            w[this.t(tid, TO_STATE)] = T_RUNNING;
            return 2;
          }
          return w[this.t(tid, TO_RESULT)]!;
        } finally {
          this.unlock();
        }
      }
    }
  }

  /** `memory.atomic.notify`: wakes up to `count` waiters on `ea`, oldest first; returns how many. */
  notify(ea: number, count: number): number {
    const w = this.words;
    this.lock();
    try {
      let woken = 0;
      const n = w[W_NEXT_TID]!;
      while (woken < count) {
        let best = -1;
        for (let tid = 0; tid < n; tid++) {
          const s = w[this.t(tid, TO_STATE)]!;
          if ((s === T_BLOCKED || s === T_TIMED) && w[this.t(tid, TO_ADDR)] === ea && (best < 0 || w[this.t(tid, TO_SEQ)]! < w[this.t(best, TO_SEQ)]!)) best = tid;
        }
        if (best < 0) break;
        this.wake(best, 0);
        woken++;
      }
      return woken;
    } finally {
      this.unlock();
    }
  }

  /** Blocks thread `tid` until the process ends (a read that can never complete). Always throws KILLED. */
  blockForever(tid: number): never {
    const w = this.words;
    const wakeIdx = this.t(tid, TO_WAKE);
    this.lock();
    try {
      if (!this.killed) {
        w[this.t(tid, TO_STATE)] = T_STUCK;
        w[wakeIdx] = 0;
        this.progressCheck();
      }
    } finally {
      this.unlock();
    }
    while (!this.killed) Atomics.wait(w, wakeIdx, 0);
    throw KILLED;
  }

  /** The cancellation point at every loop header of instrumented code. */
  poll(): void {
    if (Atomics.load(this.words, W_KILL) !== 0) throw KILLED;
  }

  /** Thread state (tests, diagnostics). */
  state(tid: number): number {
    return Atomics.load(this.words, this.t(tid, TO_STATE));
  }

  /** Virtual time of the process in ns (advanced by finite waits that time out). */
  get virtualNs(): number {
    return this.times[0]!;
  }

  /** The process's one virtual clock as WASI reads it (ns since the process started). */
  clockNs(): bigint {
    return BigInt(Math.round(this.times[0]!));
  }

  /** Moves the process clock forward to `ns` (a clock read's tick); never back. */
  setClock(ns: bigint): void {
    this.lock();
    try {
      this.times[0] = Math.max(this.times[0]!, Number(ns));
    } finally {
      this.unlock();
    }
  }

  /**
   * A poll_oneoff sleep of thread `tid` until virtual `ns`: a finite wait nobody can notify (its
   * address is negative), so it ends when the process clock reaches `ns` (every thread blocked)
   * or its real-time bound passes; either way the clock is at `ns` afterwards.
   */
  sleepUntil(tid: number, ns: bigint): void {
    const left = ns - this.clockNs();
    if (left > 0n) this.wait(tid, -1 - tid, () => true, left);
    this.setClock(ns);
  }

  // --- stdin and output --------------------------------------------------------------------------

  /** Claims up to `want` bytes of stdin from `length` available; returns the start offset and count. */
  takeStdin(length: number, want: number): [number, number] {
    this.lock();
    try {
      const pos = this.words[W_STDIN_POS]!;
      const take = Math.max(0, Math.min(want, length - pos));
      this.words[W_STDIN_POS] = pos + take;
      return [pos, take];
    } finally {
      this.unlock();
    }
  }

  /** Appends one write (fd 1 or 2) to the process's output log, in order of arrival. */
  write(fd: number, data: Uint8Array): void {
    this.lock();
    try {
      const w = this.words;
      const used = w[W_OUT_LEN]!;
      const room = THREAD_OUTPUT_BYTES - used - 5;
      if (room <= 0) {
        w[W_OUT_DROPPED] = w[W_OUT_DROPPED]! + data.length;
        return;
      }
      const n = Math.min(room, data.length);
      if (n < data.length) w[W_OUT_DROPPED] = w[W_OUT_DROPPED]! + data.length - n;
      const at = OUT_OFF + used;
      this.bytes[at] = fd;
      new DataView(this.sab, at + 1, 4).setUint32(0, n, true);
      this.bytes.set(data.subarray(0, n), at + 5);
      w[W_OUT_LEN] = used + 5 + n;
    } finally {
      this.unlock();
    }
  }

  /** Everything written to `fd` so far, concatenated in order of arrival. */
  output(fd: number): Uint8Array {
    const used = Atomics.load(this.words, W_OUT_LEN);
    const parts: Uint8Array[] = [];
    let total = 0;
    const dv = new DataView(this.sab, OUT_OFF, THREAD_OUTPUT_BYTES);
    for (let p = 0; p < used; ) {
      const f = this.bytes[OUT_OFF + p]!;
      const n = dv.getUint32(p + 1, true);
      if (f === fd) {
        parts.push(this.bytes.slice(OUT_OFF + p + 5, OUT_OFF + p + 5 + n));
        total += n;
      }
      p += 5 + n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const x of parts) {
      out.set(x, at);
      at += x.length;
    }
    return out;
  }

  get droppedOutput(): number {
    return Atomics.load(this.words, W_OUT_DROPPED);
  }
}
