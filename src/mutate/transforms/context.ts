/**
 * `context`: one function's body runs inside a transparent context (generators/contexts/): random
 * well-typed blocks, loops, branches carrying the body's results, locals, selects and identity
 * calls around it, whose effect on the values passing through is known by construction.
 */
import fc from 'fast-check';
import type { ContextParams } from '../../../generators/contexts/index.ts';
import { contextArbitrary, UnsupportedContext, wrapInContext } from '../../../generators/contexts/index.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

export interface ContextTransformParams {
  fn: number;
  context: ContextParams;
}

export const contextTransform: Transform<ContextTransformParams> = {
  name: 'context',
  description: "wrap a function's body in a transparent context (blocks, branches with values, locals, select, identity calls)",
  arbitrary: fc.record({ fn: fc.nat(), context: contextArbitrary() }),
  apply({ facts }, p) {
    const candidates = facts.growable();
    if (candidates.length === 0) return { skip: 'no defined function off the call cycles' };
    try {
      const wrapped = wrapInContext(facts.bytes, pick(candidates, p.fn), p.context);
      return { bytes: wrapped.bytes, features: wrapped.features };
    } catch (e) {
      if (e instanceof UnsupportedContext) return { skip: 'results no context can carry' };
      throw e;
    }
  },
};
