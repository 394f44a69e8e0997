/**
 * A `timeout` that load could have caused is never a verdict of the first run alone (DESIGN §6: a
 * watchdog is not part of an expectation). A case whose run observed one is run again ALONE
 * (holding every native process slot, so no other native child of this trapcheck competes for the
 * cores) with CONFIRM_SCALE times the budget, and that run's observation is the case's. A case that
 * really hangs hangs again and stays a timeout; one that only met a loaded machine passes as it
 * does at load 0. `raw.firstRunTimedOut` keeps what happened, for reports.
 *
 * One firing needs no second run: `blocked` (cpu-watchdog.ts), a child whose every thread slept,
 * using no CPU, for 1.5 s past its budget. Load cannot cause that (a starved thread is runnable),
 * so the run is already the verdict; and re-running a deadlocked thread case alone for twice its
 * budget would stop every native runtime for ~15 s each time (measured in session 7's thread
 * campaign: iwasm's deadlock cases, ~50 per 1,000 cases and build, serialised the campaign).
 */
import type { Observation } from '../../observation.ts';
import { recordFirings } from './cpu-watchdog.ts';
import { withAllProcessSlots, withProcessSlot } from './process-slots.ts';

/** Budget multiplier of the confirming run. */
export const CONFIRM_SCALE = 2;

export function hasTimeout(o: Observation): boolean {
  return o.steps.some((s) => s.outcome.kind === 'timeout');
}

/**
 * Runs a case (`run(budgetScale)`) in one slot, and once more alone with a larger budget when the
 * first run timed out. `slotPerProcess`: `run` takes a slot for each process it starts itself
 * (wizer: a process per step), so the first run takes none here; inside the confirming run those
 * slots are already held.
 */
export async function runConfirmingTimeouts(run: (budgetScale: number) => Promise<Observation>, options: { slotPerProcess?: boolean } = {}): Promise<Observation> {
  const { value: first, firings } = await recordFirings(() => (options.slotPerProcess ? run(1) : withProcessSlot(() => run(1))));
  if (!hasTimeout(first)) return first;
  const step = first.steps.findIndex((s) => s.outcome.kind === 'timeout');
  if (firings.length && firings.every((f) => f.why === 'blocked')) return { ...first, raw: { ...first.raw, firstRunTimedOut: { step, confirmed: 'blocked' } } };
  const second = await withAllProcessSlots(() => run(CONFIRM_SCALE));
  return { ...second, raw: { ...second.raw, firstRunTimedOut: { step, confirmed: hasTimeout(second), budgetScale: CONFIRM_SCALE } } };
}
