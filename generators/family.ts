/**
 * The contract every generator family follows (DESIGN §2 "Family", §6 determinism).
 *
 * A family is a fast-check arbitrary of plain-data parameters (so fast-check can shrink them)
 * plus a pure `build` that turns parameters into a Case with binaryen. Randomness comes only
 * from `drawCase` (src/random.ts); `build` itself never draws.
 */
import type fc from 'fast-check';
import type { Case, Provenance } from '../src/case.ts';

/** Where a case came from: the run seed and its path (the case index for a plain run). */
export interface Origin {
  seed: number;
  path: string;
}

export interface Family<P> {
  name: string;
  /** Bumped whenever the same params would build a different case (so old repro lines say so). */
  version: number;
  description: string;
  /**
   * Coverage the family declares: tag name → every value it can emit (e.g. trap → all kinds).
   * A family whose generator never emits a declared value fails its own test.
   */
  declares: Record<string, readonly string[]>;
  /** Plain-data parameters, shrinkable. */
  arbitrary: fc.Arbitrary<P>;
  /** Parameters → Case (binaryen → bytes). Pure: same params and origin ⇒ identical Case and bytes. */
  build(params: P, origin: Origin): Case;
}

/** `core-traps/42/7`: family, run seed, path. */
export function caseId(family: string, origin: Origin): string {
  return `${family}/${origin.seed}/${origin.path}`;
}

export function generatorProvenance(family: Family<unknown>, origin: Origin, params: unknown): Provenance {
  return { kind: 'generator', generator: family.name, version: family.version, seed: origin.seed, path: origin.path, params };
}
