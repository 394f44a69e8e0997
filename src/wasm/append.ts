/**
 * Appends function types, functions, globals and exports to a module at the binary level.
 * New entries go after every existing one, so no index the module already uses changes and its
 * own code is not re-encoded: the bytes a runtime is tested on stay the bytes that were
 * generated. (A round trip through binaryen would re-encode every body, lower block parameters
 * and may drop dead code: exactly the code a runtime bug may live in.)
 */

import { readU32, uleb } from './leb.ts';
import { readSections, SECTION_ORDER } from './sections.ts';

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

function vector(entries: number[][]): number[] {
  return [...uleb(entries.length), ...entries.flat()];
}

function encodeName(name: string): number[] {
  const b = new TextEncoder().encode(name);
  return [...uleb(b.length), ...b];
}

/** New entries of each section id, encoded. */
function newEntries(a: Additions): Map<number, number[][]> {
  const m = new Map<number, number[][]>();
  m.set(
    1,
    a.types.map(([p, r]) => [0x60, ...vector(p.map((x) => [x])), ...vector(r.map((x) => [x]))]),
  );
  m.set(3, a.functions.map((f) => uleb(f.type)));
  m.set(6, a.globals.map((g) => [g.valtype, g.mutable ? 1 : 0, ...g.init]));
  m.set(7, a.exports.map((e) => [...encodeName(e.name), e.kind === 'func' ? 0x00 : 0x03, ...uleb(e.index)]));
  m.set(
    10,
    a.functions.map((f) => {
      const body = [...vector(f.locals.map((t) => [1, t])), ...f.body];
      return [...uleb(body.length), ...body];
    }),
  );
  for (const [id, entries] of [...m]) if (entries.length === 0) m.delete(id);
  return m;
}

/**
 * Returns a new module: `bytes` with `additions` appended. Every section is written anew (its
 * size re-encoded), unlike sections.ts's single-section edits, which keep the other sections'
 * bytes as they are.
 */
export function appendToModule(bytes: Uint8Array, additions: Additions): Uint8Array {
  const pending = newEntries(additions);
  const out: number[] = [...bytes.subarray(0, 8)];
  const emit = (id: number, body: ArrayLike<number>): void => {
    out.push(id, ...uleb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  };
  const flushBefore = (rank: number): void => {
    for (const id of SECTION_ORDER) {
      if (SECTION_ORDER.indexOf(id) >= rank) break;
      const entries = pending.get(id);
      if (entries) {
        emit(id, vector(entries));
        pending.delete(id);
      }
    }
  };
  for (const { id, start, end } of readSections(bytes)) {
    const body = bytes.subarray(start, end);
    if (id === 0) {
      emit(id, body);
      continue;
    }
    flushBefore(SECTION_ORDER.indexOf(id));
    const entries = pending.get(id);
    if (!entries) {
      emit(id, body);
      continue;
    }
    pending.delete(id);
    const [count, rest] = readU32(body, 0);
    emit(id, [...uleb(count + entries.length), ...body.subarray(rest), ...entries.flat()]);
  }
  flushBefore(SECTION_ORDER.length);
  return Uint8Array.from(out);
}
