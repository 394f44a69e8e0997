/**
 * Every transform by name, and the plan a mutation follows: one to three transforms, each with
 * its own plain-data parameters, applied in order (fast-check draws and shrinks it).
 */
import fc from 'fast-check';
import type { Transform, TransformName } from './transform.ts';
import { TRANSFORM_NAMES } from './transform.ts';
import { addFunctionsTransform } from './transforms/add-functions.ts';
import { addLocalsTransform } from './transforms/add-locals.ts';
import { addMemoryTransform } from './transforms/add-memory.ts';
import { addTableTransform } from './transforms/add-table.ts';
import { contextTransform } from './transforms/context.ts';
import { deadCodeTransform } from './transforms/dead-code.ts';
import { deepNestingTransform } from './transforms/deep-nesting.ts';
import { outlineCallTransform } from './transforms/outline-call.ts';
import { outlineSubexprTransform } from './transforms/outline-subexpr.ts';
import { passiveSegmentsTransform } from './transforms/passive-segments.ts';
import { reorderTransform } from './transforms/reorder.ts';
import { startTransform } from './transforms/start.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TRANSFORMS: Record<TransformName, Transform<any>> = {
  context: contextTransform,
  'dead-code': deadCodeTransform,
  'outline-call': outlineCallTransform,
  'outline-subexpr': outlineSubexprTransform,
  reorder: reorderTransform,
  'add-functions': addFunctionsTransform,
  'add-locals': addLocalsTransform,
  'add-memory': addMemoryTransform,
  'add-table': addTableTransform,
  'passive-segments': passiveSegmentsTransform,
  start: startTransform,
  'deep-nesting': deepNestingTransform,
};

if (Object.keys(TRANSFORMS).join() !== TRANSFORM_NAMES.join()) throw new Error('mutate: TRANSFORMS and TRANSFORM_NAMES disagree');

export interface PlanStep {
  t: TransformName;
  p: unknown;
}

/** Plans over `names` (default: every transform): 1–3 steps, a transform may repeat. */
export function planArbitrary(names: readonly TransformName[] = TRANSFORM_NAMES): fc.Arbitrary<PlanStep[]> {
  if (names.length === 0) throw new Error('mutate: a plan needs at least one transform');
  const step = fc.oneof(...names.map((t) => fc.record({ t: fc.constant(t), p: TRANSFORMS[t].arbitrary as fc.Arbitrary<unknown> })));
  return fc.array(step, { minLength: 1, maxLength: 3 });
}
