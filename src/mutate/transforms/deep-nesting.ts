/**
 * `deep-nesting`: up to 200 nested empty blocks and loops at an instruction boundary, optionally
 * left by one `br` from the innermost. Pure: nothing runs but the branch. The cap counts the
 * nesting already there and stays under the smallest limit measured on the runtimes here:
 * wasm3 (head) refuses about 250 nested blocks at compile time ("compiling function overran its
 * stack height limit": its function stack height, d_m3MaxFunctionStackHeight); WAMR's classic
 * interpreter traps at 1020 with its default 64 KiB stack; V8, binaryen, wasm3 0.5.0, WAMR's fast
 * interpreter and wazero take 20,000.
 */
import fc from 'fast-check';
import { uleb } from '../../wasm/leb.ts';
import { createRng } from '../../random.ts';
import { boundaries, insertCode } from '../insert-code.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

/** Most labels open at any point after the insertion (what is there plus what is added). */
export const MAX_NESTING = 200;

export interface DeepNestingParams {
  fn: number;
  at: number;
  depth: number;
  /** Seed of the block / loop choice per level. */
  kinds: number;
  /** The innermost code is `br` to this label (mod depth; always a block), or null: it falls through every `end`. */
  exit: number | null;
}

export const deepNestingTransform: Transform<DeepNestingParams> = {
  name: 'deep-nesting',
  description: `insert up to ${MAX_NESTING} nested empty blocks / loops (total nesting ≤ ${MAX_NESTING}, under wasm3's compile-time limit)`,
  arbitrary: fc.record({
    fn: fc.nat(),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: MAX_NESTING }), fc.constantFrom(64, 128, MAX_NESTING)),
    kinds: fc.nat(),
    exit: fc.option(fc.nat(), { nil: null }),
  }),
  apply({ facts }, p) {
    const candidates = facts.growable();
    if (candidates.length === 0) return { skip: 'no defined function off the call cycles' };
    const f = pick(candidates, p.fn);
    const b = pick(boundaries(facts.bytes, facts.body(f)), p.at);
    const depth = Math.min(p.depth, MAX_NESTING - b.nesting);
    if (depth < 1) return { skip: `already nested ${MAX_NESTING} deep` };
    const next = createRng(p.kinds);
    const opcodes = Array.from({ length: depth }, () => (next() % 2 === 0 ? 0x02 : 0x03));
    const exit = p.exit === null ? undefined : p.exit % depth;
    // a `br` to a loop would start it again, forever: the level it leaves is a block
    if (exit !== undefined) opcodes[depth - 1 - exit] = 0x02;
    const code = opcodes.flatMap((op) => [op, 0x40]);
    if (exit !== undefined) code.push(0x0c, ...uleb(exit));
    for (let i = 0; i < depth; i++) code.push(0x0b);
    return { bytes: insertCode(facts, f, b.at, code), features: [] };
  },
};
