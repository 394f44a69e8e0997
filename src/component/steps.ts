/**
 * The step kinds that address a component case's store and instances (`call`, `resume`,
 * `cancel`, `refuel`, `post-return`): the one entry the step executor routes them through.
 */
import type { Step, StepOp } from '../case.ts';
import type { Outcome } from '../outcome.ts';
import type { ComponentInstance } from './instance.ts';
import type { ComponentStore } from './store.ts';

export const COMPONENT_STEP_OPS: ReadonlySet<StepOp> = new Set<StepOp>(['call', 'resume', 'cancel', 'refuel', 'post-return']);

export function runComponentStep(store: ComponentStore, instance: ComponentInstance | undefined, step: Step): Outcome {
  if (instance === undefined) return { kind: 'crash', detail: `${step.op}: the addressed instance is not a component instance` };
  switch (step.op) {
    case 'call':
      return instance.call(step.export, step.args ?? [], step.pauseAt, step.call);
    case 'resume': {
      const options: { value?: number; fuel?: number; pauseAt?: typeof step.pauseAt } = {};
      if (step.value !== undefined) options.value = step.value;
      if (step.fuel !== undefined) options.fuel = step.fuel;
      if (step.pauseAt !== undefined) options.pauseAt = step.pauseAt;
      return store.resume(step.call, options);
    }
    case 'cancel':
      return store.cancel(step.call);
    case 'refuel':
      return store.refuel(step.amount);
    case 'post-return':
      return instance.postReturn(step.export);
    default:
      return { kind: 'crash', detail: `step ${step.op} is not a component step` };
  }
}
