/**
 * Transparent contexts around a generated site (issue #18): wasm-smith-class code around a
 * function's body whose effect on the values passing through is known by construction, so the
 * case's expected outcome stays exact. A family draws `contextArbitrary()` as part of its
 * parameters, wraps its site function with `wrapInContext` in `build`, and adds the returned tags
 * to `case.tags` (declaring CONTEXT_DECLARES).
 */
import type { Feature } from '../../src/features.ts';
import { FunctionSite } from '../../src/wasm/wrap-body.ts';
import { encodeContext } from './encode.ts';
import type { ContextParams } from './params.ts';
import { contextTags } from './tags.ts';

export type { Around, Carry, Construct, ContextParams, DeadOp, Pure } from './params.ts';
export { CONSTRUCTS, NO_CONTEXT } from './params.ts';
export type { ContextConstraints } from './arbitrary.ts';
export { contextArbitrary } from './arbitrary.ts';
export { CONTEXT_DECLARES, constructsOf, contextTags } from './tags.ts';
export { encodeContext } from './encode.ts';
export { UnsupportedContext } from './emitter.ts';

export interface Wrapped {
  bytes: Uint8Array;
  /** `ctx:<construct>` → `on` for every construct present. */
  tags: Record<string, string>;
  /** Wasm features the context adds (the case must declare them). */
  features: Feature[];
}

/** `bytes` with defined function `funcIndex` run inside the context `params`. Pure. */
export function wrapInContext(bytes: Uint8Array, funcIndex: number, params: ContextParams): Wrapped {
  // one read of the module serves both the context's encoding and the rewrite
  const site = new FunctionSite(bytes, funcIndex);
  const { context, features } = encodeContext(params, site.shape);
  return { bytes: site.wrap(context), tags: contextTags(params), features };
}
