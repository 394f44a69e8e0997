/**
 * Reordering the defined functions of a module: a permutation of the function index space (imports
 * stay first and keep their indices) applied everywhere an index names a function: the function
 * and code sections themselves, `call` / `return_call` / `ref.func` in every body, `ref.func` in
 * global initialisers, element segments of every encoding, exports, the start function and the
 * `name` section. Nothing else is re-encoded.
 */
import { Reader } from '../wasm/binary-reader.ts';
import { concatBytes } from '../wasm/concat-bytes.ts';
import { readLayout } from '../wasm/layout.ts';
import { readU32, uleb } from '../wasm/leb.ts';
import { readSections } from '../wasm/sections.ts';
import { renumberCode, renumberExports, renumberGlobals } from '../runtimes/native/lower-renumber.ts';
import { mapElementFunctions } from './elements.ts';
import { customSectionName, remapNameSection } from './name-section.ts';

export function importedFunctionCount(bytes: Uint8Array): number {
  return readLayout(bytes).imports.filter((i) => i.kind === 'func').length;
}

/** The function index map of `order` (new position i holds old defined function `order[i]`). */
export function indexMap(imported: number, order: readonly number[]): (f: number) => number {
  const position = new Array<number>(order.length);
  order.forEach((old, i) => (position[old] = i));
  if (position.some((p) => p === undefined) || new Set(order).size !== order.length) throw new Error(`mutate: ${JSON.stringify(order)} is not a permutation`);
  return (f) => (f < imported ? f : imported + position[f - imported]!);
}

function permuteVector(body: Uint8Array, order: readonly number[]): number[] {
  const r = new Reader(body, 0, body.length);
  const items: number[] = [];
  for (let n = r.u32(); n > 0; n--) items.push(r.u32());
  if (items.length !== order.length) throw new Error(`mutate: ${items.length} function declarations, ${order.length} in the permutation`);
  return [...uleb(order.length), ...order.flatMap((k) => uleb(items[k]!))];
}

function permuteCode(body: Uint8Array, order: readonly number[]): number[] {
  const [n, first] = readU32(body, 0);
  const entries: Uint8Array[] = [];
  let pos = first;
  for (let k = 0; k < n; k++) {
    const [size, at] = readU32(body, pos);
    entries.push(body.subarray(pos, at + size));
    pos = at + size;
  }
  return [...uleb(order.length), ...order.flatMap((k) => [...entries[k]!])];
}

/** `bytes` with its defined functions in the order `order` (old defined indices, by new position). */
export function permuteFunctions(bytes: Uint8Array, order: readonly number[]): Uint8Array {
  const map = indexMap(importedFunctionCount(bytes), order);
  const parts: Array<ArrayLike<number>> = [bytes.subarray(0, 8)];
  for (const { id, start, end } of readSections(bytes)) {
    const body = bytes.subarray(start, end);
    let out: ArrayLike<number>;
    switch (id) {
      case 0:
        out = customSectionName(body).name === 'name' ? remapNameSection(body, map) : body;
        break;
      case 3:
        out = permuteVector(body, order);
        break;
      case 6:
        out = renumberGlobals(body, map);
        break;
      case 7:
        out = renumberExports(body, map);
        break;
      case 8:
        out = uleb(map(readU32(body, 0)[0]));
        break;
      case 9:
        out = mapElementFunctions(body, map);
        break;
      case 10:
        out = permuteCode(Uint8Array.from(renumberCode(body, map)), order);
        break;
      default:
        out = body;
    }
    parts.push([id, ...uleb(out.length)], out);
  }
  return concatBytes(parts);
}
