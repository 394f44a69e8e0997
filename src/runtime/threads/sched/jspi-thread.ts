/**
 * One wasm thread (main included) under the scheduler's stack-switching backend (./jspi-backend.ts).
 * Its hooks keep the Asyncify protocol of ./hooks.ts (switch away → set `pending`, return; resumed
 * → the same call again, which does what `pending` says), but here "return" parks the thread:
 * the import's JS wrapper (`suspendable`) hands the engine a promise instead of the junk value,
 * the engine suspends the thread's whole wasm stack on it, and when the backend resumes the
 * thread the wrapper calls the same hook again with `resumed()` true. Resuming with a kill (the
 * process ended while it was parked) throws KILLED at the suspension point instead, so the stack
 * unwinds (V8 never frees the stack of a suspended call that is simply dropped).
 */
import { KILLED } from '../control.ts';
import type { Pending, Runner } from './coroutine.ts';

type Fn = (...a: never[]) => unknown;

export class JspiThread implements Runner {
  atomic = false;
  pending: Pending | undefined;
  pinNow: bigint | undefined;
  /** Resumed with a kill: its end is not the scheduler's business any more. */
  killed = false;
  /** Frees what linking it took (./stack-switching.ts); once it has ended. */
  release: () => void = () => {};
  private reentering = false;
  /** Set by `park` during a hook: the promise that hook's import returns. */
  private parking: Promise<boolean> | undefined;
  private wake: ((kill: boolean) => void) | undefined;

  constructor(readonly tid: number) {}

  resumed(): boolean {
    if (!this.reentering) return false;
    this.reentering = false;
    return true;
  }

  /** Parked: suspended in a hook, waiting for `resume`. */
  get parked(): boolean {
    return this.wake !== undefined;
  }

  /** In a hook: the thread gives way; the hook's import suspends once the hook returns. */
  park(): void {
    this.parking = new Promise<boolean>((resolve) => (this.wake = resolve));
  }

  /** Continues a parked thread (in a microtask): re-enters its hook, or throws KILLED there. */
  resume(kill: boolean): void {
    const wake = this.wake!;
    this.wake = undefined;
    if (kill) this.killed = true;
    wake(kill);
  }

  /** The JS side of a suspending import: a call that parked returns the promise of its re-entry. */
  suspendable(hook: Fn): Fn {
    const call = (...args: never[]): unknown => {
      const value = hook(...args);
      const parking = this.parking;
      if (parking === undefined) return value;
      this.parking = undefined;
      return parking.then((kill) => {
        if (kill) throw KILLED;
        this.reentering = true;
        return call(...args);
      });
    };
    return call;
  }
}
