/**
 * The one pipeline every command runs cases through (run, replay, fuzz; spec judges per
 * assertion from the same recovering execution): skip what the runtime cannot run, execute the
 * rest with crash recovery and fresh WASI preopens, judge each observation against its case.
 */
import type { Case } from '../case.ts';
import { withFreshPreopens } from '../conformance/wasi-preopens.ts';
import type { Verdict } from '../judge.ts';
import { judge } from '../judge.ts';
import type { Observation } from '../observation.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { missingCapability } from '../runtimes/adapter.ts';
import type { RecoveringTarget } from './recovering.ts';
import { executeRecovering } from './recovering.ts';

export interface Judged {
  verdict: Verdict;
  /** What the runtime reported (absent for a skip: nothing ran). */
  observation?: Observation;
}

/** A runtime as a target of its own (no restart: a failure is retried on the same runtime), or the target as given. */
export function recoveringTarget(r: Runtime | RecoveringTarget): RecoveringTarget {
  return 'executeAll' in r ? { runtime: () => r } : r;
}

/**
 * Observations of `cases` on the target's runtime, one per case, in order. A runtime that
 * throws is restarted (when the target can) and costs its case a `crash` observation.
 */
export function observeCases(target: RecoveringTarget, cases: readonly Case[]): Promise<Observation[]> {
  // preopened directories: a fresh copy per case and attempt, never the user's folder (wasi-preopens.ts)
  return executeRecovering({ runtime: () => withFreshPreopens(target.runtime()), ...(target.restart ? { restart: () => target.restart!() } : {}) }, cases);
}

/** One judged verdict per case, in order: `skip` for what the runtime cannot run, else the judge's. */
export async function judgeCases(target: RecoveringTarget, cases: readonly Case[]): Promise<Judged[]> {
  const runtime = target.runtime();
  const runnable: Case[] = [];
  const skipped = cases.map((c): Judged | undefined => {
    const missing = missingCapability(c, runtime.capabilities);
    if (missing === undefined) {
      runnable.push(c);
      return undefined;
    }
    return { verdict: { verdict: 'skip', reason: `unsupported: ${missing}` } };
  });
  const observations = await observeCases(target, runnable);
  // judge with the profile of the runtime that ran the cases (a restart keeps its spec)
  const profile = target.runtime().profile;
  let next = 0;
  return skipped.map((s, i) => {
    if (s) return s;
    const observation = observations[next++]!;
    return { verdict: judge(cases[i]!, observation, profile), observation };
  });
}
