/**
 * Meaning-preserving mutation (issue #18 §4): `mutateCase` rewrites a case's modules with
 * EMI-style transforms that keep every observation, so the case keeps its expectation.
 */
export type { Mutation, MutateOptions } from './mutate-case.ts';
export { drawPlan, mutateCase } from './mutate-case.ts';
export type { TransformName } from './transform.ts';
export { TRANSFORM_NAMES } from './transform.ts';
export { TRANSFORMS } from './registry.ts';
