/**
 * Crash recovery shared by every command that executes cases (run, spec, replay, fuzz): a runtime
 * that throws (a harness crash, a dead child process) costs the cases it was running a `crash`
 * outcome, never the run. The batch is retried case by case so that one bad case does not take
 * its whole batch with it; the runtime is restarted, when the caller can, after each failure.
 */
import type { Case } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Runtime } from '../runtimes/adapter.ts';

export const crashObservation = (detail: string): Observation => ({ steps: [{ outcome: { kind: 'crash', detail } }], stdout: '', stderr: '' });

export interface RecoveringTarget {
  /** The runtime now (a restart may replace it). */
  runtime(): Runtime;
  /** Replaces a runtime that threw with a fresh one; absent: keep using it. */
  restart?(): Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One observation per case, in order, whatever the runtime throws. */
export async function executeRecovering(target: RecoveringTarget, cases: readonly Case[]): Promise<Observation[]> {
  if (!cases.length) return [];
  try {
    const obs = await target.runtime().executeAll(cases);
    if (obs.length === cases.length) return obs;
    throw new Error(`runtime returned ${obs.length} observations for ${cases.length} cases`);
  } catch {
    await target.restart?.().catch(() => undefined);
    const out: Observation[] = [];
    for (const c of cases) {
      try {
        const [o] = await target.runtime().executeAll([c]);
        out.push(o ?? crashObservation('runtime returned no observation'));
      } catch (e) {
        out.push(crashObservation(`runtime failed: ${message(e)}`));
        await target.restart?.().catch(() => undefined);
      }
    }
    return out;
  }
}
