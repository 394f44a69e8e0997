/**
 * Runs the function holding the trap inside the case's transparent context
 * (generators/contexts/, issue #18). A context only adds code whose effect on the values passing
 * through is known (pure code on its own locals, blocks, branches carrying the values, identity
 * calls), so the trap stays the first observable event and every expectation stays exact.
 * Segment sites trap before any function runs: they keep the plain form.
 */
import type { Feature } from '../../src/features.ts';
import type { ContextParams } from '../contexts/index.ts';
import { wrapInContext } from '../contexts/index.ts';

export interface InContext {
  bytes: Uint8Array;
  /** `ctx:<construct>` tags plus `context` → `wrapped` / `none`. */
  tags: Record<string, string>;
  features: Feature[];
}

/** Whether `c` adds nothing (the plain form: no wrapping at all). */
export const isPlain = (c: ContextParams): boolean => c.root.k === 'hole' && c.swarm.length === 0;

export function applyContext(bytes: Uint8Array, siteFn: number | undefined, context: ContextParams): InContext {
  if (siteFn === undefined || isPlain(context)) return { bytes, tags: { context: 'none' }, features: [] };
  const wrapped = wrapInContext(bytes, siteFn, context);
  return { bytes: wrapped.bytes, tags: { context: 'wrapped', ...wrapped.tags }, features: wrapped.features };
}
