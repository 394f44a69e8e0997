/**
 * Parking a process at a yield point with Asyncify (src/runtime/calls/asyncify-stack.ts): the
 * suspending import unwinds the wasm stack to the scheduler's `slice`, the stack is kept host-side,
 * and the next slice re-calls the entry export, which rewinds into the same import.
 */
import { SuspendUnsupported } from '../calls/asyncify-stack.ts';
import { ProcessUnsupported } from './errors.ts';
import type { Proc } from './proc.ts';

/** Called by an async import: park `p` (the import returns; the export call unwinds to `slice`). */
export function suspend(p: Proc, after: 'runnable' | 'blocked'): void {
  if (p.catchDepth > 0) throw new ProcessUnsupported('blocking inside lunatic::trap::catch');
  try {
    p.stack.startUnwind();
  } catch (e) {
    if (e instanceof SuspendUnsupported) throw new ProcessUnsupported('a process without linear memory cannot be suspended');
    throw e;
  }
  p.afterUnwind = after;
}

/** Before re-calling the entry export of a parked process. */
export function startRewind(p: Proc): void {
  p.stack.startRewind(p.parked!);
  p.parked = undefined;
}

/** In an async import: true when this call is the end of a rewind (the import then returns its deferred result). */
export function rewound(p: Proc): boolean {
  if (!p.stack.rewinding) return false;
  p.stack.finishRewind();
  return true;
}
