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
 */
import type { CampaignState } from './state.ts';

export interface Retirement {
  /** Shard position from which the runtime ran no more cases. */
  position: number;
  /** Busy milliseconds when it was retired. */
  usedMs: number;
}

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

  /** Charges one batch, in flight from `start` to `end`; true when this retires `runtime` from `position` on. */
  charge(runtime: string, start: number, end: number, position: number): boolean {
    const used = (this.state.runtimeMs ??= {});
    const from = Math.max(start, this.lastEnd.get(runtime) ?? -Infinity);
    if (end > from) used[runtime] = (used[runtime] ?? 0) + (end - from);
    this.lastEnd.set(runtime, Math.max(end, this.lastEnd.get(runtime) ?? -Infinity));
    if (this.limitMs === null || !this.active(runtime) || (used[runtime] ?? 0) < this.limitMs) return false;
    (this.state.retired ??= {})[runtime] = { position, usedMs: Math.round(used[runtime]!) };
    return true;
  }
}
