/**
 * One wasm thread under the scheduler's Asyncify backend (./asyncify-backend.ts; the
 * stack-switching one has ./jspi-thread.ts), and what every backend's thread is to its hooks
 * (`Runner`, `Pending`). Main (tid 0) runs on the worker's own stack, called by
 * the step executor: when it must give way, its hook runs the other threads inline and returns
 * once main is chosen again. Every spawned thread is an Asyncify coroutine (its own instance of
 * the instrumented module on the shared memory): when it must give way, its hook unwinds its
 * stack into host-side bytes (src/runtime/calls/asyncify-stack.ts lends the start of guest memory
 * and swaps the guest's bytes back: safe, since only one thread runs at a time), and resuming it
 * calls `wasi_thread_start` again, which rewinds to the hook.
 */
import { AsyncifyStack } from '../../calls/asyncify-stack.ts';
import type { WasmExports, WasmMemory } from '../../wasm-api.ts';

/** What a hook does once its coroutine was resumed (rewound into it). */
export type Pending =
  /** Parked before the operation: do it now, without another switch point. */
  | { kind: 'redo' }
  /** Parked in a blocking wait: return the wait's result. */
  | { kind: 'block' }
  /** Parked after the operation: return its value. */
  | { kind: 'value'; value: number }
  /** Parked in a poll_oneoff sleep: redo the call with the clock it saw when it parked. */
  | { kind: 'slept'; now: bigint };

/** A thread as its hooks see it. */
export interface Runner {
  readonly tid: number;
  /** Set while it cannot switch (a spawned thread's instantiation: no export call to unwind to). */
  atomic: boolean;
  pending: Pending | undefined;
  /** During the redo of a poll_oneoff: the virtual now the call first saw. */
  pinNow: bigint | undefined;
  /** In a hook: true when this call is the re-entry of a parked one (what `pending` says to do). */
  resumed(): boolean;
}

export class MainThread implements Runner {
  readonly tid = 0;
  atomic = false;
  pending: Pending | undefined;
  pinNow: bigint | undefined;

  resumed(): boolean {
    return false; // main never unwinds
  }
}

export class Coroutine implements Runner {
  atomic = false;
  stack: AsyncifyStack | undefined;
  pending: Pending | undefined;
  pinNow: bigint | undefined;
  private exports: WasmExports | undefined;
  private parked: Uint8Array | undefined;

  constructor(
    readonly tid: number,
    private readonly arg: number,
    private readonly memory: WasmMemory,
    /** Instantiates the thread's module (imports bound to this coroutine). */
    private readonly instantiate: (self: Coroutine) => WasmExports,
  ) {}

  /**
   * Runs the thread until it parks (true) or returns from `wasi_thread_start` (false); anything
   * it throws (trap, proc_exit sentinel, kill) propagates with Asyncify back to normal.
   */
  step(): boolean {
    if (!this.exports) {
      this.atomic = true;
      try {
        this.exports = this.instantiate(this);
      } finally {
        this.atomic = false;
      }
      this.stack = new AsyncifyStack(this.exports, () => this.memory);
    } else this.stack!.startRewind(this.parked!);
    this.parked = undefined;
    const start = this.exports['wasi_thread_start'];
    if (typeof start !== 'function') throw new ThreadSetupError('wasi-threads: the module exports no wasi_thread_start function');
    try {
      (start as (tid: number, arg: number) => unknown)(this.tid, this.arg);
    } catch (e) {
      this.stack!.abandon();
      throw e;
    }
    if (!this.stack!.unwinding) return false;
    this.parked = this.stack!.finishUnwind();
    return true;
  }

  /** In a hook: true when this call is the rewind of a parked one (Asyncify is back to normal after). */
  resumed(): boolean {
    if (!this.stack?.rewinding) return false;
    this.stack.finishRewind();
    return true;
  }
}

/** A spawned thread cannot start (no `wasi_thread_start`, an import it cannot get): the process crashes. */
export class ThreadSetupError extends Error {
  override name = 'ThreadSetupError';
}
