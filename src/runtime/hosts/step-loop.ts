/**
 * The step loop every executor shares (the synchronous CaseRun, the scheduler's stack-switching
 * path, the JSPI executor of the deno / bun driver): the case's steps in order, up to
 * `maxSteps`, each announced to `onStep` (the watchdog's progress), and a harness error, never a
 * wasm event, reported as that step's `crash` and the end of the case.
 */
import type { Step } from '../../case.ts';
import type { StepObservation } from '../../observation.ts';
import type { ExecOptions, RunnableCase } from './types.ts';

/** What a step that threw (a harness bug) observes. */
export function harnessCrash(e: unknown): StepObservation {
  return { outcome: { kind: 'crash', detail: `harness error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` } };
}

export function runSteps(c: RunnableCase, options: ExecOptions, step: (s: Step) => StepObservation): StepObservation[] {
  const steps: StepObservation[] = [];
  const n = Math.min(c.steps.length, options.maxSteps ?? Infinity);
  for (let i = 0; i < n; i++) {
    options.onStep?.(i);
    try {
      steps.push(step(c.steps[i]!));
    } catch (e) {
      steps.push(harnessCrash(e));
      break;
    }
  }
  return steps;
}

/** `runSteps` for executors whose steps settle asynchronously. */
export async function runStepsAsync(c: RunnableCase, options: ExecOptions, step: (s: Step) => Promise<StepObservation>): Promise<StepObservation[]> {
  const steps: StepObservation[] = [];
  const n = Math.min(c.steps.length, options.maxSteps ?? Infinity);
  for (let i = 0; i < n; i++) {
    options.onStep?.(i);
    try {
      steps.push(await step(c.steps[i]!));
    } catch (e) {
      steps.push(harnessCrash(e));
      break;
    }
  }
  return steps;
}
