/**
 * What the pool does with a job whose worker is gone (terminated by the watchdog, or dead). The
 * case the worker was on, per its progress word, observes the outcome at the step it was
 * running; every other case of the job runs again elsewhere (cases are deterministic). The
 * observations of the lost case's earlier steps died with the worker, so they are recovered by
 * re-running that case's prefix on a healthy worker.
 */
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import { unpackChunk } from './packed.ts';
import type { PoolCase } from './pool-case.ts';
import type { Job, JobQueue } from './pool-job.ts';
import { endJob } from './pool-job.ts';
import { P_CASE, P_JOB, P_STEP } from './progress.ts';
import type { Progress } from './progress.ts';

/** A job's worker is gone: blame the case it was on, queue the rest and the blamed case's prefix. */
export function requeueLostJob(queue: JobQueue, job: Job, progress: Progress, outcome: Outcome): void {
  const { words } = progress;
  const idx = Atomics.load(words, P_JOB) === job.id ? Atomics.load(words, P_CASE) : -1;
  const step = Atomics.load(words, P_STEP);
  if (idx < 0 || idx >= job.targets.length) {
    // died between cases (or before the first): nobody to blame; retry a few times
    if (++job.unattributed > 2) {
      endJob(job, outcome);
      return;
    }
    queue.unshift(job);
    return;
  }
  // the rest of the job runs again as plain cases (a lost packed job is unpacked here, once)
  const cases = job.cases ?? unpackChunk<PoolCase>(job.packed!);
  const rest: PoolCase[] = [];
  const restTargets: Array<(obs: Observation) => void> = [];
  cases.forEach((c, i) => {
    if (i === idx) return;
    rest.push(c);
    restTargets.push(job.targets[i]!);
  });
  if (rest.length > 0) {
    const again: Job = { id: queue.newId(), cases: rest, targets: restTargets, unattributed: job.unattributed };
    if (job.maxSteps !== undefined) again.maxSteps = job.maxSteps;
    queue.unshift(again);
  }
  recoverPrefix(queue, cases[idx]!, step, outcome, job.targets[idx]!);
}

/**
 * The observation of a case that ended with `outcome` at step `step`: steps 0..step-1 are
 * re-run (deterministic) to recover their observations, then `outcome` is appended. If the
 * re-run itself ends early, its own last outcome stands (each retry covers fewer steps).
 */
function recoverPrefix(queue: JobQueue, c: PoolCase, step: number, outcome: Outcome, target: (obs: Observation) => void): void {
  const finish = (steps: StepObservation[], stdout: string, stderr: string): void => {
    target({ steps: [...steps, { outcome }], stdout, stderr, raw: { ended: outcome.kind, atStep: step } });
  };
  if (step <= 0) {
    finish([], '', '');
    return;
  }
  const job: Job = {
    id: queue.newId(),
    cases: [c],
    maxSteps: step,
    unattributed: 0,
    targets: [
      (obs) => {
        const last = obs.steps[obs.steps.length - 1]?.outcome.kind;
        const endedEarly = obs.steps.length < step || last === 'timeout' || (last === 'crash' && obs.steps.length < step);
        if (endedEarly) target(obs);
        else finish(obs.steps, obs.stdout, obs.stderr);
      },
    ],
  };
  queue.unshift(job);
}
