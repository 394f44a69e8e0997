/**
 * `dead-code`: code control never reaches, inserted at any instruction boundary of a function:
 * after an unconditional `br`, a taken `br_if` or a `br_table`, or in the arm of an `if` whose
 * condition is the constant 0. It may trap, call, load and store (src/mutate/dead-ops.ts): a
 * runtime that ran it, or validated it wrongly, would show.
 */
import fc from 'fast-check';
import type { DeadOp } from '../dead-ops.ts';
import { deadOpsArbitrary, encodeDead } from '../dead-ops.ts';
import { boundaries, insertCode } from '../insert-code.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

const GUARDS = {
  br: [0x02, 0x40, 0x0c, 0x00],
  // the arm never taken starts with `unreachable`: to the validator it is reachable code
  'if-false': [0x41, 0x00, 0x04, 0x40, 0x00],
  br_if: [0x02, 0x40, 0x41, 0x01, 0x0d, 0x00, 0x00],
  br_table: [0x02, 0x40, 0x41, 0x05, 0x0e, 0x00, 0x00],
} as const;
type Guard = keyof typeof GUARDS;

export interface DeadCodeParams {
  fn: number;
  at: number;
  guard: Guard;
  ops: DeadOp[];
}

export const deadCodeTransform: Transform<DeadCodeParams> = {
  name: 'dead-code',
  description: 'insert never-executed code (traps, calls, loads, stores, branches) after br / br_if / br_table or in an if arm never taken',
  arbitrary: fc.record({ fn: fc.nat(), at: fc.nat(), guard: fc.constantFrom(...(Object.keys(GUARDS) as Guard[])), ops: deadOpsArbitrary() }),
  apply({ facts }, p) {
    const candidates = facts.growable();
    if (candidates.length === 0) return { skip: 'no defined function off the call cycles' };
    const f = pick(candidates, p.fn);
    const at = pick(boundaries(facts.bytes, facts.body(f)), p.at).at;
    const code = [...GUARDS[p.guard], ...encodeDead(p.ops, facts.layout, 0), 0x0b];
    return { bytes: insertCode(facts, f, at, code), features: [] };
  },
};
