/**
 * Pure expressions: a plain-data tree shape (drawn by fast-check) encoded, type directed, into
 * code that pushes exactly one value of a requested type, never traps, touches no memory, global
 * or table and calls nothing. Leaves are constants, or a parameter of the function the code sits
 * in when one of the right type exists.
 */
import fc from 'fast-check';
import { uleb } from '../wasm/leb.ts';
import type { NumType } from './numeric-ops.ts';
import { constOf, opsProducing } from './numeric-ops.ts';

export type Shape = { v: number } | { op: number; a: Shape; b?: Shape };

const value = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer());

/** Trees of at most `depth` operator levels. */
export function shapeArbitrary(depth = 3): fc.Arbitrary<Shape> {
  const leaf: fc.Arbitrary<Shape> = value.map((v) => ({ v }));
  if (depth === 0) return leaf;
  const inner = shapeArbitrary(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 2 },
    { arbitrary: fc.record({ op: fc.nat(), a: inner }), weight: 1 },
    { arbitrary: fc.record({ op: fc.nat(), a: inner, b: inner }), weight: 2 },
  );
}

/** Code pushing one `t` computed from `s`; `params` are the value types of locals 0… it may read. */
export function encodePure(s: Shape, t: NumType, params: readonly NumType[] = []): number[] {
  if ('v' in s) {
    const readable = params.flatMap((p, i) => (p === t ? [i] : []));
    if (readable.length > 0 && Math.abs(s.v) % 3 === 0) return [0x20, ...uleb(readable[Math.abs(s.v) % readable.length]!)];
    return constOf(t, s.v);
  }
  const arity = s.b ? 2 : 1;
  const ops = opsProducing(t, false).filter((o) => o.from.length === arity);
  const o = ops[s.op % ops.length]!;
  const operands = s.b ? [s.a, s.b] : [s.a];
  return [...operands.flatMap((x, i) => encodePure(x, o.from[i]!, params)), o.op];
}
