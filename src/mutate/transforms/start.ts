/**
 * `start`: a start function that does nothing observable (a pure expression, dropped), inserted
 * anywhere in the function index space: appended, then moved to its place by a permutation that
 * remaps every index after it (src/mutate/remap.ts). Only for a module without a start function.
 */
import fc from 'fast-check';
import { concatBytes } from '../../wasm/concat-bytes.ts';
import { uleb } from '../../wasm/leb.ts';
import { readSections, SECTION_ORDER } from '../../wasm/sections.ts';
import type { Shape } from '../pure-expr.ts';
import { encodePure, shapeArbitrary } from '../pure-expr.ts';
import { permuteFunctions } from '../remap.ts';
import { appendFunctions } from '../append-functions.ts';
import type { Transform } from '../transform.ts';

/** `bytes` (which has no start section) with start function `f`. */
function withStart(bytes: Uint8Array, f: number): Uint8Array {
  const rank = SECTION_ORDER.indexOf(8);
  const next = readSections(bytes).find((s) => s.id !== 0 && SECTION_ORDER.indexOf(s.id) > rank);
  const at = next ? next.header : bytes.length;
  const contents = uleb(f);
  return concatBytes([bytes.subarray(0, at), [8, ...uleb(contents.length), ...contents], bytes.subarray(at)]);
}

export interface StartParams {
  /** Position among the defined functions (mod their count + 1). */
  at: number;
  shape: Shape;
}

export const startTransform: Transform<StartParams> = {
  name: 'start',
  description: 'add a no-op start function at any position of the function index space (every later index remapped)',
  arbitrary: fc.record({ at: fc.nat(), shape: shapeArbitrary(2) }),
  apply({ facts }, p) {
    if (facts.layout.start !== undefined) return { skip: 'the module has a start function' };
    const defined = facts.bodies.length;
    const appended = appendFunctions(facts.bytes, [[[], []]], [{ type: facts.layout.typeCount, locals: [], body: [...encodePure(p.shape, 'i32'), 0x1a, 0x0b] }]);
    const position = p.at % (defined + 1);
    const order = Array.from({ length: defined }, (_, i) => i);
    order.splice(position, 0, defined);
    return { bytes: withStart(permuteFunctions(appended, order), facts.imported + position), features: [] };
  },
};
