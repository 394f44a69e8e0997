/**
 * `reorder`: the defined functions in another order, every function index remapped
 * (src/mutate/remap.ts). Never the identity: a runtime that resolved an index through a stale or
 * wrong table (calls, element segments, exports, the start function) would call the wrong function.
 */
import fc from 'fast-check';
import { createRng } from '../../random.ts';
import { permuteFunctions } from '../remap.ts';
import type { Transform } from '../transform.ts';

/** A permutation of 0…n-1 other than the identity (n ≥ 2), from `seed`. */
export function shuffledOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const next = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  // the identity would be no mutation at all: rotate instead
  return order.every((v, i) => v === i) ? order.map((_, i) => (i + 1) % n) : order;
}

export const reorderTransform: Transform<{ shuffle: number }> = {
  name: 'reorder',
  description: 'permute the defined functions, remapping every function index (calls, ref.func, element segments, exports, start, names)',
  arbitrary: fc.record({ shuffle: fc.nat() }),
  apply({ facts }, p) {
    if (facts.bodies.length < 2) return { skip: 'fewer than two defined functions' };
    return { bytes: permuteFunctions(facts.bytes, shuffledOrder(facts.bodies.length, p.shuffle)), features: [] };
  },
};
