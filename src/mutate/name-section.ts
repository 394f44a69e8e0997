/**
 * The `name` custom section with its function indices remapped: function names (subsection 1),
 * local names (2) and label names (3) are keyed by function index, and the spec wants each map in
 * increasing index order, so the entries are re-sorted after the remap. Other subsections (types,
 * tables, memories, globals, …) do not name functions and are copied as they are.
 */
import { Reader } from '../wasm/binary-reader.ts';
import { uleb } from '../wasm/leb.ts';

const FUNCTION_KEYED = new Set([1, 2, 3]);

/** Custom section contents: its name, and where the payload after the name starts. */
export function customSectionName(body: Uint8Array): { name: string; payload: number } {
  const r = new Reader(body, 0, body.length);
  const name = r.name();
  return { name, payload: r.pos };
}

/** One function-keyed map: vec(funcidx, rest), each entry's `rest` skipped by `skipRest`. */
function remapMap(b: Uint8Array, map: (f: number) => number, skipRest: (r: Reader) => void): number[] {
  const r = new Reader(b, 0, b.length);
  const entries: Array<{ index: number; rest: Uint8Array }> = [];
  for (let n = r.u32(); n > 0; n--) {
    const index = map(r.u32());
    const at = r.pos;
    skipRest(r);
    entries.push({ index, rest: b.subarray(at, r.pos) });
  }
  entries.sort((x, y) => x.index - y.index);
  return [...uleb(entries.length), ...entries.flatMap((e) => [...uleb(e.index), ...e.rest])];
}

const skipName = (r: Reader): void => void r.name();
const skipNameMap = (r: Reader): void => {
  for (let n = r.u32(); n > 0; n--) {
    r.u32();
    r.name();
  }
};

/** The `name` section's contents `body` (name included) with function indices mapped through `map`. */
export function remapNameSection(body: Uint8Array, map: (f: number) => number): number[] {
  const { payload } = customSectionName(body);
  const out = Array.from(body.subarray(0, payload));
  const r = new Reader(body, payload, body.length);
  while (r.pos < body.length) {
    const id = r.byte();
    const size = r.u32();
    const sub = body.subarray(r.pos, r.pos + size);
    r.skip(size);
    const content = FUNCTION_KEYED.has(id) ? remapMap(sub, map, id === 1 ? skipName : skipNameMap) : Array.from(sub);
    out.push(id, ...uleb(content.length), ...content);
  }
  return out;
}
