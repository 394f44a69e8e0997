/**
 * The fast-check arbitrary of context parameters: drawn by ./draw.ts from fast-check's random
 * source (a swarm configuration, then a tree from the constructs it enables), shrunk by
 * ./shrink.ts. fast-check owns the seed, the replay path and the shrinking loop, as for every
 * other parameter; this class only tells it how to make and how to shrink one context.
 */
import fc from 'fast-check';
import type { Construct, ContextParams } from './params.ts';
import { CONSTRUCTS } from './params.ts';
import { drawSwarm, SwarmDraw } from './draw.ts';
import { shrinkContext } from './shrink.ts';

export interface ContextConstraints {
  /** Deepest nesting of `Around` nodes (wrappers around the body). @default 4 */
  maxDepth?: number;
  /** The constructs a swarm configuration may enable. @default every construct */
  constructs?: readonly Construct[];
}

const CONSTRUCT_SET: ReadonlySet<string> = new Set(CONSTRUCTS);

/** Values fast-check may hand over without their context (it asks before shrinking one). */
function isContextParams(v: unknown): v is ContextParams {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<ContextParams>;
  return (
    Array.isArray(p.swarm) &&
    p.swarm.every((c) => CONSTRUCT_SET.has(c)) &&
    (p.escape === 'function' || p.escape === 'body') &&
    typeof p.root === 'object' &&
    p.root !== null &&
    typeof p.root.k === 'string'
  );
}

class ContextArbitrary extends fc.Arbitrary<ContextParams> {
  constructor(
    private readonly maxDepth: number,
    private readonly allowed: readonly Construct[],
  ) {
    super();
  }

  /** fast-check's bias factor is not used: the draw's lengths are biased toward short ones already (./draw.ts). */
  generate(mrng: fc.Random): fc.Value<ContextParams> {
    const swarm = drawSwarm(mrng, this.allowed);
    const escape = mrng.nextBoolean() ? 'body' : 'function';
    const root = new SwarmDraw(mrng, new Set(swarm)).around(this.maxDepth);
    return new fc.Value({ swarm, escape, root }, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is ContextParams {
    return isContextParams(value);
  }

  shrink(value: ContextParams): fc.Stream<fc.Value<ContextParams>> {
    return new fc.Stream(shrinkContext(value)).map((p) => new fc.Value(p, undefined));
  }
}

/** Context parameters: a swarm configuration and a tree built from the constructs it enables. */
export function contextArbitrary(constraints: ContextConstraints = {}): fc.Arbitrary<ContextParams> {
  const maxDepth = constraints.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new Error(`generators.contexts: \`maxDepth\` must be a non-negative integer, got ${maxDepth}`);
  return new ContextArbitrary(maxDepth, constraints.constructs ?? CONSTRUCTS);
}
