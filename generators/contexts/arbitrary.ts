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
  /**
   * Something around the hole at a drawn depth: the depth bound drawn uniformly in 1 … maxDepth,
   * then trees drawn until one is more than the hole. The same draws as
   * `fc.noBias(fc.nat({ max: maxDepth - 1 })).chain((i) => contextArbitrary({ maxDepth: i + 1 }).filter(…))`,
   * without the combinators' cost. @default false
   */
  wrapped?: boolean;
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
    private readonly wrapped: boolean,
  ) {
    super();
  }

  private draw(mrng: fc.Random, maxDepth: number): ContextParams {
    const swarm = drawSwarm(mrng, this.allowed);
    const escape = mrng.nextBoolean() ? 'body' : 'function';
    return { swarm, escape, root: new SwarmDraw(mrng, new Set(swarm)).around(maxDepth) };
  }

  /** fast-check's bias factor is not used: the draw's lengths are biased toward short ones already (./draw.ts). */
  generate(mrng: fc.Random): fc.Value<ContextParams> {
    if (!this.wrapped) return new fc.Value(this.draw(mrng, this.maxDepth), undefined);
    const depth = 1 + mrng.nextInt(0, this.maxDepth - 1);
    for (;;) {
      const p = this.draw(mrng, depth);
      if (p.root.k !== 'hole') return new fc.Value(p, undefined);
    }
  }

  canShrinkWithoutContext(value: unknown): value is ContextParams {
    return isContextParams(value) && (!this.wrapped || value.root.k !== 'hole');
  }

  shrink(value: ContextParams): fc.Stream<fc.Value<ContextParams>> {
    const candidates = new fc.Stream(shrinkContext(value));
    return (this.wrapped ? candidates.filter((p) => p.root.k !== 'hole') : candidates).map((p) => new fc.Value(p, undefined));
  }
}

/** Context parameters: a swarm configuration and a tree built from the constructs it enables. */
export function contextArbitrary(constraints: ContextConstraints = {}): fc.Arbitrary<ContextParams> {
  const maxDepth = constraints.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new Error(`generators.contexts: \`maxDepth\` must be a non-negative integer, got ${maxDepth}`);
  if (constraints.wrapped === true && maxDepth < 1) throw new Error('generators.contexts: a `wrapped` context needs `maxDepth` ≥ 1');
  return new ContextArbitrary(maxDepth, constraints.constructs ?? CONSTRUCTS, constraints.wrapped === true);
}
