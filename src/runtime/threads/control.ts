/**
 * The shared state of one wasi-threads *process* under `--threads real` (DESIGN §5 "Threads"; the
 * default, `--threads sched`, runs every thread in one worker: ./sched/): one SharedArrayBuffer
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
 * The parts: the memory map (control-layout.ts), lock + kill flag + end record
 * (control-block.ts), the futex queue, progress rule and virtual clock (control-waits.ts), and
 * stdin + output log (control-stdio.ts). This file is the thread lifecycle and the one API the
 * workers, the pool and the supervisor use.
 *
 * Plain TypeScript over Atomics: no imports of binaryen or the pool, loadable anywhere.
 */
import type { Outcome } from '../../outcome.ts';
import { ControlBlock } from './control-block.ts';
import { CONTROL_BYTES, MAX_THREADS, slot, T_DONE, T_RUNNING, TO_STATE, W_KILL, W_LIMIT, W_LIVE, W_NEXT_TID } from './control-layout.ts';
import { SharedStdio } from './control-stdio.ts';
import { ThreadWaits } from './control-waits.ts';
import { KILLED } from './thread-killed.ts';

export { CONTROL_BYTES, MAX_THREADS, T_BLOCKED, T_DONE, T_RUNNING, T_STUCK, T_TIMED, T_UNUSED, THREAD_OUTPUT_BYTES } from './control-layout.ts';
export { KILLED, ThreadKilled } from './thread-killed.ts';

/** Default per-case limit on spawned threads (a case may lower it with `wasi.threadLimit`). */
export const DEFAULT_THREAD_LIMIT = 16;
/** `thread-spawn`'s error: -EAGAIN (WASI errno 6), as wasi-libc's pthread_create maps it. */
export const SPAWN_EAGAIN = -6;

export class ProcessControl {
  private readonly block: ControlBlock;
  private readonly waits: ThreadWaits;
  private readonly stdio: SharedStdio;

  constructor(readonly sab: SharedArrayBuffer) {
    this.block = new ControlBlock(sab);
    this.waits = new ThreadWaits(this.block);
    this.stdio = new SharedStdio(this.block);
  }

  /** A fresh process: main (tid 0) running, next tid 1. */
  static create(threadLimit = DEFAULT_THREAD_LIMIT): ProcessControl {
    const p = new ProcessControl(new SharedArrayBuffer(CONTROL_BYTES));
    const w = p.words;
    w[W_NEXT_TID] = 1;
    w[W_LIMIT] = Math.max(0, Math.min(MAX_THREADS - 1, threadLimit));
    w[slot(0, TO_STATE)] = T_RUNNING;
    return p;
  }

  /** The header and thread table (Int32 words). */
  get words(): Int32Array {
    return this.block.words;
  }

  lock(): void {
    this.block.lock();
  }

  unlock(): void {
    this.block.unlock();
  }

  // --- process-wide state ------------------------------------------------------------------------

  get killed(): boolean {
    return this.block.killed;
  }

  /** The end record, once some thread ended the process. */
  end(): Outcome | undefined {
    return this.block.end();
  }

  /**
   * Ends the process with `outcome` unless it already ended (first termination wins), kills
   * every thread, and returns the outcome that stands.
   */
  terminate(outcome: Outcome): Outcome {
    this.lock();
    try {
      this.block.terminateLocked(outcome);
    } finally {
      this.unlock();
    }
    return this.end()!;
  }

  // --- spawning and finishing --------------------------------------------------------------------

  /** Reserves a tid for `thread-spawn`; SPAWN_EAGAIN past the limit. The new thread counts as running. */
  reserveThread(): number {
    this.lock();
    try {
      if (this.killed) return -1;
      const w = this.words;
      const tid = w[W_NEXT_TID]!;
      if (tid > w[W_LIMIT]!) return SPAWN_EAGAIN;
      w[W_NEXT_TID] = tid + 1;
      w[slot(tid, TO_STATE)] = T_RUNNING;
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
      if (w[slot(tid, TO_STATE)] === T_DONE) return;
      w[slot(tid, TO_STATE)] = T_DONE;
      Atomics.sub(w, W_LIVE, 1);
      if (!this.killed) this.waits.progressCheck();
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

  /** The cancellation point at every loop header of instrumented code. */
  poll(): void {
    if (Atomics.load(this.words, W_KILL) !== 0) throw KILLED;
  }

  /** Thread state (tests, diagnostics). */
  state(tid: number): number {
    return Atomics.load(this.words, slot(tid, TO_STATE));
  }

  // --- blocking and time (control-waits.ts) ------------------------------------------------------

  /** `memory.atomic.wait32/64` of thread `tid`: 0 woken, 1 not equal, 2 timed out; throws KILLED once the process ended. */
  wait(tid: number, ea: number, matches: () => boolean, timeoutNs: bigint): number {
    return this.waits.wait(tid, ea, matches, timeoutNs);
  }

  /** `memory.atomic.notify`: wakes up to `count` waiters on `ea`, oldest first; returns how many. */
  notify(ea: number, count: number): number {
    return this.waits.notify(ea, count);
  }

  /** Blocks thread `tid` until the process ends (a read that can never complete). Always throws KILLED. */
  blockForever(tid: number): never {
    return this.waits.blockForever(tid);
  }

  /** Virtual time of the process in ns (advanced by finite waits that time out). */
  get virtualNs(): number {
    return this.waits.virtualNs;
  }

  clockNs(): bigint {
    return this.waits.clockNs();
  }

  setClock(ns: bigint): void {
    this.waits.setClock(ns);
  }

  sleepUntil(tid: number, ns: bigint): void {
    this.waits.sleepUntil(tid, ns);
  }

  // --- stdin and output (control-stdio.ts) -------------------------------------------------------

  takeStdin(length: number, want: number): [number, number] {
    return this.stdio.takeStdin(length, want);
  }

  write(fd: number, data: Uint8Array): void {
    this.stdio.write(fd, data);
  }

  output(fd: number): Uint8Array {
    return this.stdio.output(fd);
  }

  get droppedOutput(): number {
    return this.stdio.dropped;
  }
}
