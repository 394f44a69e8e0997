/**
 * Appends function types, functions, globals and exports to a module at the binary level.
 * New entries go after every existing one, so no index the module already uses changes and its
 * own code is not re-encoded: the bytes a runtime is tested on stay the bytes that were
 * generated. (A round trip through binaryen would re-encode every body, lower block parameters
 * and may drop dead code: exactly the code a runtime bug may live in.)
 */

import { ByteParts } from './concat-bytes.ts';
import { pushUleb, readU32, uleb } from './leb.ts';
import { encodeName, readSections, SECTION_ORDER } from './sections.ts';

export { sleb, uleb } from './leb.ts';

/** Value type codes of the binary format. */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;

export interface NewFunction {
  /** Index of the function's type (an existing one or one of `types` below: typeCount + i). */
  type: number;
  /** Declared locals, one value type code each. */
  locals: number[];
  /** The body's instructions, `end` (0x0b) included. */
  body: number[];
}

export interface NewGlobal {
  valtype: number;
  mutable: boolean;
  /** Constant initialiser, `end` included. */
  init: number[];
}

export interface Additions {
  /** Function types appended to the type section: [params, results] as value type codes. */
  types: Array<[number[], number[]]>;
  functions: NewFunction[];
  globals: NewGlobal[];
  exports: Array<{ name: string; kind: 'func' | 'global'; index: number }>;
}

/** What happens to one vector section: its entries replaced, and encoded entries appended. */
export interface SectionEdit {
  /** The section's new entries (count, then their bytes as parts), in place of its own. */
  replace?: { count: number; parts: Array<ArrayLike<number>> };
  /** Encoded entries appended after the existing (or replacing) ones. */
  entries: Array<ArrayLike<number>>;
}

/** A function type: `0x60`, then the parameter and result value type codes, each a vector. */
export function encodeType([params, results]: [number[], number[]]): number[] {
  const out = [0x60];
  pushUleb(out, params.length);
  for (const p of params) out.push(p);
  pushUleb(out, results.length);
  for (const r of results) out.push(r);
  return out;
}

function encodeExport(e: Additions['exports'][number]): number[] {
  const out = encodeName(e.name);
  out.push(e.kind === 'func' ? 0x00 : 0x03);
  pushUleb(out, e.index);
  return out;
}

/** A code section entry: size, locals (one group per local), body. */
function encodeFunction(f: NewFunction): number[] {
  const inner = uleb(f.locals.length);
  for (const t of f.locals) inner.push(1, t);
  const out = uleb(inner.length + f.body.length);
  for (const b of inner) out.push(b);
  for (const b of f.body) out.push(b);
  return out;
}

/** The edits `a` makes: new entries of each section id, encoded (sections with none left out). */
export function additionEdits(a: Additions): Map<number, SectionEdit> {
  const m = new Map<number, SectionEdit>();
  const add = (id: number, entries: number[][]): void => {
    if (entries.length > 0) m.set(id, { entries });
  };
  add(1, a.types.map(encodeType));
  add(3, a.functions.map((f) => uleb(f.type)));
  add(6, a.globals.map((g) => [g.valtype, g.mutable ? 1 : 0, ...g.init]));
  add(7, a.exports.map(encodeExport));
  add(10, a.functions.map(encodeFunction));
  return m;
}

/** Appends section `id` whose contents are `parts` (`length` bytes in all, its size encoded minimally) to `out`. */
function addSection(out: ByteParts, id: number, parts: ReadonlyArray<ArrayLike<number>>, length: number): void {
  const header = [id];
  pushUleb(header, length);
  out.add(header);
  for (const p of parts) out.add(p);
}

/**
 * Returns a new module: `bytes` with `edits` applied (sections an edit names but the module lacks
 * are created in their place). Every section is written anew, its size re-encoded minimally
 * (unlike sections.ts's single-section edits, which keep the other sections' bytes as they are);
 * an edited section's count is re-encoded too. Built in one pass straight into the result.
 */
export function editSections(bytes: Uint8Array, edits: ReadonlyMap<number, SectionEdit>): Uint8Array {
  const pending = new Map(edits);
  const out = new ByteParts();
  out.add(bytes.subarray(0, 8));
  const emit = (id: number, edit: SectionEdit, existing?: Uint8Array): void => {
    let count = edit.entries.length;
    let own: Array<ArrayLike<number>> = [];
    if (edit.replace) {
      count += edit.replace.count;
      own = edit.replace.parts;
    } else if (existing) {
      const [n, rest] = readU32(existing, 0);
      count += n;
      own = [existing.subarray(rest)];
    }
    const contents = new ByteParts();
    contents.add(uleb(count));
    for (const p of own) contents.add(p);
    for (const e of edit.entries) contents.add(e);
    addSection(out, id, contents.list, contents.length);
  };
  const flushBefore = (rank: number): void => {
    for (let i = 0; i < rank && i < SECTION_ORDER.length; i++) {
      const id = SECTION_ORDER[i]!;
      const edit = pending.get(id);
      if (edit && edit.entries.length > 0) emit(id, edit);
      pending.delete(id);
    }
  };
  for (const { id, start, end } of readSections(bytes)) {
    const body = bytes.subarray(start, end);
    const edit = id === 0 ? undefined : pending.get(id);
    if (id !== 0) flushBefore(SECTION_ORDER.indexOf(id));
    if (edit && (edit.replace || edit.entries.length > 0)) {
      pending.delete(id);
      emit(id, edit, body);
      continue;
    }
    addSection(out, id, [body], body.length);
  }
  flushBefore(SECTION_ORDER.length);
  return out.bytes();
}

/**
 * Returns a new module: `bytes` with `additions` appended. Every section is written anew (its
 * size re-encoded), unlike sections.ts's single-section edits, which keep the other sections'
 * bytes as they are.
 */
export function appendToModule(bytes: Uint8Array, additions: Additions): Uint8Array {
  return editSections(bytes, additionEdits(additions));
}
