/**
 * The case's process as WASI sees it: the WASI host (created at the first WASI import), the
 * exit that ends it (every later step repeats it), captured stdout / stderr, `_start`, and the
 * guarded call every core invoke goes through. In a threads case the wasi-threads process is
 * attached here, because a trap or exit in any thread ends this same process.
 */
import type { Outcome } from '../../outcome.ts';
import type { Engine } from '../classify.ts';
import { WasiHost } from '../wasi/wasi.ts';
import { failureOutcome } from './failure.ts';
import type { CoreInstance, RunnableCase, ThreadedProcessLike } from './types.ts';

/** callGuarded's "no result": the step's outcome is in `lastFailure`. */
export const FAILED: unique symbol = Symbol('failed');

export class WasiProcess {
  wasi: WasiHost | undefined;
  /** Set once the process ended with proc_exit / `_start` returning: every later step repeats it. */
  exitOutcome: Outcome | undefined;
  /** The wasi-threads process of a `threads` case (attached at its first instantiate). */
  threaded: ThreadedProcessLike | undefined;
  /** Set when callGuarded returns FAILED. */
  lastFailure: Outcome | undefined;

  constructor(
    private readonly c: RunnableCase,
    readonly engine: Engine,
  ) {}

  /** The WASI host, created on first use. */
  host(): WasiHost {
    this.wasi ??= new WasiHost(this.c);
    return this.wasi;
  }

  /** The outcome every step repeats once the process ended (a thread may have ended it since the last step). */
  ended(): Outcome | undefined {
    if (this.threaded !== undefined && this.exitOutcome === undefined) this.exitOutcome = this.threaded.ended();
    return this.exitOutcome;
  }

  /** After guest code ran: its proc_exit as the exit outcome (even if the guest caught the sentinel), else undefined. */
  exitedByGuest(): Outcome | undefined {
    const wasi = this.wasi;
    return wasi?.exited ? this.exit(wasi.exit.code) : undefined;
  }

  exit(code: number): Outcome {
    this.exitOutcome = { kind: 'exit', code };
    return this.exitOutcome;
  }

  /** Turns anything thrown by wasm or the JS API into an Outcome (src/runtime/hosts/failure.ts). */
  failure(e: unknown): Outcome {
    return failureOutcome(this, e);
  }

  /**
   * The guarded call every invoke goes through: the call, a try/catch, and the exit check
   * (a guest may catch the proc_exit sentinel with wasm EH; the process still ended).
   * Returns the raw JS result, or FAILED with `lastFailure` set.
   */
  callGuarded(fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    let r: unknown;
    try {
      // the spread by arity is written out here, not in a helper: one call level less keeps the
      // guard and the JS-to-wasm call within what V8 inlines into a hot caller (guarded ÷ raw
      // call time, bench/guard-ratio-child.ts, median over 7 fresh processes: 1.17× with the
      // helper, 1.08–1.11× without, in three batches)
      switch (args.length) {
        case 0:
          r = fn();
          break;
        case 1:
          r = fn(args[0]);
          break;
        case 2:
          r = fn(args[0], args[1]);
          break;
        case 3:
          r = fn(args[0], args[1], args[2]);
          break;
        default:
          r = fn(...args);
      }
    } catch (e) {
      this.lastFailure = failureOutcome(this, e);
      return FAILED;
    }
    if (this.wasi !== undefined && this.wasi.exited) {
      this.lastFailure = this.threaded ? failureOutcome(this, this.wasi.exit) : this.exit(this.wasi.exit.code);
      return FAILED;
    }
    if (this.threaded !== undefined) {
      const end = this.threaded.ended();
      if (end) {
        this.exitOutcome = end;
        this.lastFailure = end;
        return FAILED;
      }
    }
    return r;
  }

  /** `_start` of a WASI command: returning normally is `exit 0`. */
  start(inst: CoreInstance | Outcome): Outcome {
    if (!('exports' in inst)) return inst;
    const fn = inst.exports['_start'];
    if (typeof fn !== 'function') return { kind: 'crash', detail: 'start: the instance exports no _start function' };
    try {
      (fn as () => unknown)();
    } catch (e) {
      return failureOutcome(this, e);
    }
    if (this.threaded !== undefined) {
      // WAMR PR#2529 semantics: returning from _start ends the process (exit 0) and every thread
      this.exitOutcome = this.wasi?.exited ? failureOutcome(this, this.wasi.exit) : this.threaded.mainReturned();
      return this.exitOutcome;
    }
    return this.exit(this.wasi?.exited ? this.wasi.exit.code : 0);
  }

  get stdout(): string {
    return this.wasi ? this.wasi.stdout.text() : '';
  }
  get stderr(): string {
    return this.wasi ? this.wasi.stderr.text() : '';
  }
  /** Output bytes past the capture limit (0 normally). */
  get droppedOutput(): number {
    return this.wasi ? this.wasi.stdout.dropped + this.wasi.stderr.dropped : 0;
  }
}
