/**
 * One case at a time, batches in arrival order: for adapters that drive a single child process
 * (jco, wasmer-sdk), where overlapping batches would interleave lines on one pipe.
 */
import type { Observation } from '../observation.ts';
import type { Case } from '../case.ts';

export function serialExecutor(runOne: (c: Case) => Promise<Observation>): (cases: readonly Case[]) => Promise<Observation[]> {
  let queue: Promise<unknown> = Promise.resolve();
  return (cases) => {
    const run = queue.then(async () => {
      const out: Observation[] = [];
      for (const c of cases) out.push(await runOne(c));
      return out;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
