/**
 * `add-locals`: unused locals of every numeric type appended to one function's declarations
 * (after its own, so no local index changes). Functions on a call cycle are left alone: a larger
 * frame would move the depth where a bounded recursion exhausts the stack.
 */
import fc from 'fast-check';
import { Reader } from '../../wasm/binary-reader.ts';
import { readLocals } from '../../wasm/instructions.ts';
import { uleb } from '../../wasm/leb.ts';
import { writeCode } from '../code-entries.ts';
import type { NumType } from '../numeric-ops.ts';
import { NUM_TYPES, TYPE_CODE } from '../numeric-ops.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

export interface AddLocalsParams {
  fn: number;
  count: number;
  /** The locals go in one group per type, in this order, the count shared out among them. */
  types: NumType[];
}

export const addLocalsTransform: Transform<AddLocalsParams> = {
  name: 'add-locals',
  description: "declare unused locals (up to 255, every numeric type) after a function's own",
  arbitrary: fc.record({
    fn: fc.nat(),
    count: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(64, 200, 255)),
    types: fc.array(fc.constantFrom(...NUM_TYPES), { minLength: 1, maxLength: 4 }),
  }),
  apply({ facts }, p) {
    const candidates = facts.growable();
    if (candidates.length === 0) return { skip: 'no defined function off the call cycles' };
    const f = pick(candidates, p.fn);
    const e = facts.body(f);
    const b = facts.bytes;
    const r = new Reader(b, e.start, e.end);
    const { groups } = readLocals(r);
    const firstGroup = new Reader(b, e.start, e.end);
    firstGroup.u32();
    const share = (i: number): number => Math.floor(p.count / p.types.length) + (i < p.count % p.types.length ? 1 : 0);
    const added = p.types.map((t, i) => [share(i), t] as const).filter(([n]) => n > 0);
    const body = [...uleb(groups + added.length), ...b.subarray(firstGroup.pos, r.pos), ...added.flatMap(([n, t]) => [...uleb(n), TYPE_CODE[t]]), ...b.subarray(r.pos, e.end)];
    return { bytes: writeCode(b, new Map([[f - facts.imported, body]])), features: [] };
  },
};
