/**
 * Shared by runtimes that run a case as one process (CLIs, @wasmer/sdk): the case's single
 * outcome (how the process ended) is placed on its last step, the instantiate before a
 * `start` returns, and the whole captured output is observed at the end. A process runtime
 * cannot show output before `_start`: an earlier step observes none (a command writes nothing
 * before `_start` unless its start section did, and start-section cases are a single step).
 */
import type { Case } from '../case.ts';
import { expectsStream } from '../case.ts';
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome, TrapKind } from '../outcome.ts';
import { TRAP_KINDS } from '../outcome.ts';

export function commandObservation(c: Case, end: Outcome, stdout: string, stderr: string, raw: Record<string, unknown>): Observation {
  const steps: StepObservation[] = c.steps.map((step, i) => {
    const last = i === c.steps.length - 1;
    const obs: StepObservation = { outcome: last ? end : { kind: 'return', values: [] } };
    if (expectsStream(step.expect, 'stdout')) obs.stdout = last ? stdout : '';
    if (expectsStream(step.expect, 'stderr')) obs.stderr = last ? stderr : '';
    return obs;
  });
  return { steps, stdout, stderr, raw };
}

/** A trap whose kind the runtime does not report (only a status): every kind is a candidate, so the verdict is at best imprecise. */
export function unknownTrap(message: string): Outcome {
  return { kind: 'trap', trap: [...TRAP_KINDS] as TrapKind[], message };
}
