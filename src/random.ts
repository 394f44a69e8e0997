/**
 * The only source of randomness in trapcheck (DESIGN §6). Everything is derived from an
 * explicit seed; nothing here reads a clock. Case i of a run gets its own seed, derived from
 * (run seed, family, i), so any single case replays without generating the ones before it.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

/** 32-bit FNV-1a, for mixing strings into seeds. */
function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 finaliser: spreads nearby inputs (seed 1, 2, 3 …) over the whole 32-bit space. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The seed of case `index` of `family` in a run seeded with `seed`. Pure. */
export function caseSeed(seed: number, family: string, index: number): number {
  return mix32(fnv1a(`${family}/${index}`, mix32(seed >>> 0)));
}

/**
 * Draws one value of `arb` for (seed, family, index): the single entry point generators use.
 * fast-check's own PRNG does the drawing, so its shrinkers apply to the same values.
 */
export function drawCase<T>(arb: Arbitrary<T>, seed: number, family: string, index: number): T {
  const [value] = fc.sample(arb, { seed: caseSeed(seed, family, index) | 0, numRuns: 1 });
  if (value === undefined) throw new Error(`random.drawCase: no value drawn for ${family}#${index}`);
  return value;
}

/** Deterministic PRNG for host-side randomness (WASI random_get): xorshift32 seeded by a case seed. */
export function createRng(seed: number): () => number {
  let s = mix32(seed) || 0x6d2b79f5;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}
