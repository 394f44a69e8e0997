/**
 * `fuzz --budget-per-runtime DURATION` (issue #16 §6): every runtime gets the same wall time to
 * execute campaign cases. A runtime that has used its share is retired after the batch in flight:
 * later cases run on the others only, so one slow runtime (a process per case) no longer holds
 * every fast one to its pace. The campaign stops (`budget`) when every runtime is retired.
 *
 * Time is charged as busy time: the union of the intervals in which a runtime had a batch in
 * flight (two batches overlap while one commits), not their sum. Like `--time`, the budget
 * decides which cases run where, never a verdict; it is kept in the checkpoint, so a resumed
 * campaign keeps its retired runtimes retired and charges the rest from where they were.
 *
 * The state is charged as soon as a batch has run (the live campaign retires on it), but a
 * checkpoint holds only the charges of COMMITTED batches (`committedBudget`): a checkpoint is
 * written while the next batch may already have run, and `--resume` runs that batch again and
 * charges it again (before session 7 its busy time, and a retirement it caused, were counted
 * twice after a resume).
 */
import type { CampaignState } from './state.ts';

export interface Retirement {
  /** Shard position from which the runtime ran no more cases. */
  position: number;
  /** Busy milliseconds when it was retired. */
  usedMs: number;
}

/** One charge, by the shard position at which its batch ends (committed once nextPosition reaches it). */
interface Charge {
  runtime: string;
  ms: number;
  position: number;
  retired: boolean;
}

/** Charges not known to be committed yet, per campaign state. */
const ledgers = new WeakMap<CampaignState, Charge[]>();

export class RuntimeBudget {
  private readonly lastEnd = new Map<string, number>();

  constructor(
    private readonly limitMs: number | null,
    private readonly state: CampaignState,
  ) {}

  /** Whether `runtime` may still take new batches. */
  active(runtime: string): boolean {
    return !this.state.retired?.[runtime];
  }

  /** Charges one batch, in flight from `start` to `end`, ending at shard `position`; true when this retires `runtime` from `position` on. */
  charge(runtime: string, start: number, end: number, position: number): boolean {
    const used = (this.state.runtimeMs ??= {});
    const from = Math.max(start, this.lastEnd.get(runtime) ?? -Infinity);
    const ms = end > from ? end - from : 0;
    if (ms > 0) used[runtime] = (used[runtime] ?? 0) + ms;
    this.lastEnd.set(runtime, Math.max(end, this.lastEnd.get(runtime) ?? -Infinity));
    const charge: Charge = { runtime, ms, position, retired: false };
    const ledger = ledgers.get(this.state) ?? [];
    ledgers.set(this.state, [...ledger.filter((c) => c.position > this.state.nextPosition), charge]);
    if (this.limitMs === null || !this.active(runtime) || (used[runtime] ?? 0) < this.limitMs) return false;
    (this.state.retired ??= {})[runtime] = { position, usedMs: Math.round(used[runtime]!) };
    charge.retired = true;
    return true;
  }
}

/**
 * The budget fields of `state` as of its last committed batch (`state.nextPosition`): the busy
 * time and retirements of batches still in flight taken out. Other fields are shared, not copied.
 */
export function committedBudget(state: CampaignState): CampaignState {
  const inFlight = (ledgers.get(state) ?? []).filter((c) => c.position > state.nextPosition);
  if (!inFlight.length) return state;
  const runtimeMs = { ...state.runtimeMs };
  const retired = { ...state.retired };
  for (const c of inFlight) {
    if (runtimeMs[c.runtime] !== undefined) runtimeMs[c.runtime] = runtimeMs[c.runtime]! - c.ms;
    if (c.retired) delete retired[c.runtime];
  }
  const out: CampaignState = { ...state, runtimeMs };
  if (Object.keys(retired).length) out.retired = retired;
  else delete out.retired;
  return out;
}
