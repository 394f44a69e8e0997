/**
 * `passive-segments`: passive data and element segments no instruction uses, after the existing
 * ones (segment indices unchanged; a data count section, if any, counts the new ones). A passive
 * element segment names existing functions, so they become declared references. Bulk memory.
 */
import fc from 'fast-check';
import { readU32, uleb } from '../../wasm/leb.ts';
import { appendEntries, readSections, replaceSection, sectionCount } from '../../wasm/sections.ts';
import type { Transform } from '../transform.ts';

export interface PassiveSegmentsParams {
  data: number[][];
  /** One list of function picks (n mod function count) per element segment. */
  elements: number[][];
}

function withDataCount(bytes: Uint8Array): Uint8Array {
  const count = readSections(bytes).find((s) => s.id === 12);
  if (!count) return bytes;
  const declared = readU32(bytes, count.start)[0];
  const actual = sectionCount(bytes, 11);
  return declared === actual ? bytes : replaceSection(bytes, 12, uleb(actual));
}

export const passiveSegmentsTransform: Transform<PassiveSegmentsParams> = {
  name: 'passive-segments',
  description: 'add unused passive data and element segments (bulk-memory)',
  arbitrary: fc
    .record({
      data: fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }), { maxLength: 3 }),
      elements: fc.array(fc.array(fc.nat(), { maxLength: 6 }), { maxLength: 3 }),
    })
    .filter((p) => p.data.length + p.elements.length > 0),
  apply({ facts }, p) {
    let bytes = facts.bytes;
    if (p.data.length > 0) bytes = withDataCount(appendEntries(bytes, 11, p.data.map((d) => [0x01, ...uleb(d.length), ...d])));
    const n = facts.funcCount;
    const elements = p.elements.map((picks) => {
      const funcs = n === 0 ? [] : picks.map((k) => k % n);
      return [0x01, 0x00, ...uleb(funcs.length), ...funcs.flatMap((f) => uleb(f))];
    });
    if (elements.length > 0) bytes = appendEntries(bytes, 9, elements);
    return { bytes, features: ['bulk-memory'] };
  },
};
