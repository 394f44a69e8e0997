/**
 * `add-functions`: many functions nobody calls, appended after every existing one (no index
 * changes), each computing a pure expression over its parameters. Up to a thousand: module shapes
 * with large function index spaces (issue #18 §3).
 */
import fc from 'fast-check';
import type { NumType } from '../numeric-ops.ts';
import { NUM_TYPES, TYPE_CODE } from '../numeric-ops.ts';
import type { Shape } from '../pure-expr.ts';
import { encodePure, shapeArbitrary } from '../pure-expr.ts';
import { appendFunctions } from '../append-functions.ts';
import type { Transform } from '../transform.ts';

interface Template {
  params: NumType[];
  /** null: the function returns nothing (its expression is dropped). */
  result: NumType | null;
  shape: Shape;
}

export interface AddFunctionsParams {
  count: number;
  /** Function i is built from template i mod templates.length. */
  templates: Template[];
}

const numType = fc.constantFrom(...NUM_TYPES);

export const addFunctionsTransform: Transform<AddFunctionsParams> = {
  name: 'add-functions',
  description: 'append many uncalled functions (up to 1000) with pure bodies',
  arbitrary: fc.record({
    count: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(64, 255, 256, 1000)),
    templates: fc.array(fc.record({ params: fc.array(numType, { maxLength: 3 }), result: fc.option(numType, { nil: null }), shape: shapeArbitrary(2) }), { minLength: 1, maxLength: 4 }),
  }),
  apply({ facts }, p) {
    const types = p.templates.map((t): [number[], number[]] => [t.params.map((x) => TYPE_CODE[x]), t.result ? [TYPE_CODE[t.result]] : []]);
    const bodies = p.templates.map((t) => [...encodePure(t.shape, t.result ?? 'i32', t.params), ...(t.result ? [] : [0x1a]), 0x0b]);
    const functions = Array.from({ length: p.count }, (_, i) => ({ type: facts.layout.typeCount + (i % types.length), locals: [], body: bodies[i % bodies.length]! }));
    return { bytes: appendFunctions(facts.bytes, types, functions), features: [] };
  },
};
