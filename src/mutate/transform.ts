/**
 * The contract of a meaning-preserving transform (issue #18 §4, EMI style): plain-data parameters
 * drawn by fast-check, and a pure `apply` that rewrites one module so that every observation a case
 * makes of it stays identical, or says why it does not apply to this module. `apply` may throw
 * UnknownInstruction (code the walker cannot read); the caller counts that as a skip.
 */
import type fc from 'fast-check';
import type { Feature } from '../features.ts';
import type { ModuleFacts } from './module-facts.ts';

export const TRANSFORM_NAMES = [
  'context',
  'dead-code',
  'outline-call',
  'outline-subexpr',
  'reorder',
  'add-functions',
  'add-locals',
  'add-memory',
  'add-table',
  'passive-segments',
  'start',
  'deep-nesting',
] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

/** What the case around the module allows (decided once per case, src/mutate/case-facts.ts). */
export interface CaseConstraints {
  /** A step reads linear memory (`memory` expectations): no memory may be added. */
  readsMemory: boolean;
}

export interface TransformInput {
  facts: ModuleFacts;
  constraints: CaseConstraints;
}

export type TransformResult = { bytes: Uint8Array; features: Feature[] } | { skip: string };

export interface Transform<P> {
  name: TransformName;
  /** One line for `--help` and the README. */
  description: string;
  arbitrary: fc.Arbitrary<P>;
  apply(input: TransformInput, params: P): TransformResult;
}

/** `list[n mod length]`: how plain-data parameters choose among what a module offers. */
export function pick<T>(list: readonly T[], n: number): T {
  const v = list[Math.abs(n) % list.length];
  if (v === undefined) throw new Error('mutate: pick from an empty list');
  return v;
}
