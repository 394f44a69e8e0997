/**
 * `outline-call`: a new function computing a pure expression (no trap, no state) is appended, and
 * called at any instruction boundary of an existing function, its result dropped. Appending keeps
 * every function index; the call adds one frame, so functions on a call cycle are left alone.
 */
import fc from 'fast-check';
import { uleb } from '../../wasm/leb.ts';
import { boundaries, insertCode } from '../insert-code.ts';
import type { NumType } from '../numeric-ops.ts';
import { NUM_TYPES, TYPE_CODE } from '../numeric-ops.ts';
import type { Shape } from '../pure-expr.ts';
import { encodePure, shapeArbitrary } from '../pure-expr.ts';
import { appendFunctions } from '../append-functions.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

export interface OutlineCallParams {
  fn: number;
  at: number;
  type: NumType;
  shape: Shape;
}

export const outlineCallTransform: Transform<OutlineCallParams> = {
  name: 'outline-call',
  description: 'append a function computing a pure expression and call it (result dropped) anywhere in an existing function',
  arbitrary: fc.record({ fn: fc.nat(), at: fc.nat(), type: fc.constantFrom(...NUM_TYPES), shape: shapeArbitrary() }),
  apply({ facts }, p) {
    const candidates = facts.growable();
    if (candidates.length === 0) return { skip: 'no defined function off the call cycles' };
    const f = pick(candidates, p.fn);
    const at = pick(boundaries(facts.bytes, facts.body(f)), p.at).at;
    const called = insertCode(facts, f, at, [0x10, ...uleb(facts.funcCount), 0x1a]);
    const bytes = appendFunctions(called, [[[], [TYPE_CODE[p.type]]]], [{ type: facts.layout.typeCount, locals: [], body: [...encodePure(p.shape, p.type), 0x0b] }]);
    return { bytes, features: [] };
  },
};
