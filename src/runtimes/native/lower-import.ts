/**
 * Adds a function import to a module at the binary level. An imported function takes the index
 * after the existing function imports, so every defined function moves up by one: the export,
 * start, element and global sections and every `call` / `return_call` / `ref.func` in the code
 * are renumbered (lower-code-walk.ts); nothing else is re-encoded. The `name` custom section is
 * dropped (its function indices would be stale); other custom sections stay.
 *
 * An import the module already has (same module, name and type) is reused as is: no
 * renumbering at all (WASI commands that already write with `fd_write`).
 */
import { uleb } from '../../wasm/leb.ts';
import { isNameSection, readSections, withEntries } from '../../wasm/sections.ts';
import { readU32, renumberCode, renumberedSection } from './lower-renumber.ts';

export interface FunctionImport {
  module: string;
  name: string;
  params: number[];
  results: number[];
}

export interface ImportAdded {
  bytes: Uint8Array;
  /** The function index of the import. */
  index: number;
  /** Old function index → new one (identity when the import was reused). */
  map: (f: number) => number;
}

interface Section {
  id: number;
  body: Uint8Array;
}

function sections(bytes: Uint8Array): Section[] {
  return readSections(bytes).map((s) => ({ id: s.id, body: bytes.subarray(s.start, s.end) }));
}

const utf8 = new TextEncoder();
const name = (s: string): number[] => {
  const b = utf8.encode(s);
  return [...uleb(b.length), ...b];
};
const vec = (entries: number[][]): number[] => [...uleb(entries.length), ...entries.flat()];

/** Skips a limits / table type / global type etc. of an import descriptor; returns the new pos. */
function skipImportDesc(b: Uint8Array, kind: number, pos: number): number {
  const skipLimits = (p: number): number => {
    const flags = b[p++]!;
    p = readU32(b, p)[1];
    if (flags & 0x01) p = readU32(b, p)[1];
    if (flags & 0x08) p = readU32(b, p)[1];
    return p;
  };
  switch (kind) {
    case 0x00:
      return readU32(b, pos)[1];
    case 0x01: {
      const t = b[pos++]!;
      if (t === 0x63 || t === 0x64) pos = readU32(b, pos)[1];
      return skipLimits(pos);
    }
    case 0x02:
      return skipLimits(pos);
    case 0x03: {
      const t = b[pos++]!;
      if (t === 0x63 || t === 0x64) pos = readU32(b, pos)[1];
      return pos + 1;
    }
    case 0x04:
      return readU32(b, pos + 1)[1];
    default:
      throw new Error(`lower-import: unknown import kind ${kind}`);
  }
}

interface ImportEntry {
  module: string;
  name: string;
  kind: number;
  /** Type index of a function import. */
  type?: number;
}

function readImports(body: Uint8Array): ImportEntry[] {
  const dec = new TextDecoder();
  const out: ImportEntry[] = [];
  let [n, pos] = readU32(body, 0);
  const str = (): string => {
    const [len, at] = readU32(body, pos);
    pos = at + len;
    return dec.decode(body.subarray(at, at + len));
  };
  for (; n > 0; n--) {
    const module = str();
    const field = str();
    const kind = body[pos++]!;
    const entry: ImportEntry = { module, name: field, kind };
    if (kind === 0x00) entry.type = readU32(body, pos)[0];
    pos = skipImportDesc(body, kind, pos);
    out.push(entry);
  }
  return out;
}

/** Function types of the type section as [params, results] value-type codes (undefined: not a plain func type). */
function readFuncTypes(body: Uint8Array): Array<[number[], number[]] | undefined> {
  const out: Array<[number[], number[]] | undefined> = [];
  let [n, pos] = readU32(body, 0);
  const types = (): number[] | undefined => {
    const [count, at] = readU32(body, pos);
    pos = at;
    const ts: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = body[pos++]!;
      if (t === 0x63 || t === 0x64) return undefined;
      ts.push(t);
    }
    return ts;
  };
  for (; n > 0; n--) {
    if (body[pos] !== 0x60) return [...out, undefined]; // rec groups / GC types: stop, never reuse them
    pos++;
    const p = types();
    const r = p && types();
    if (!p || !r) return [...out, undefined];
    out.push([p, r]);
  }
  return out;
}

const sameTypes = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Returns `bytes` with function import `imp` added (or reused); throws UnknownInstruction for code it cannot walk. */
export function addFunctionImport(bytes: Uint8Array, imp: FunctionImport): ImportAdded {
  const secs = sections(bytes);
  const typeSec = secs.find((s) => s.id === 1);
  const importSec = secs.find((s) => s.id === 2);
  const funcTypes = typeSec ? readFuncTypes(typeSec.body) : [];
  const imports = importSec ? readImports(importSec.body) : [];
  const funcImports = imports.filter((i) => i.kind === 0x00);
  const reuse = funcImports.findIndex((i) => {
    const t = i.type !== undefined ? funcTypes[i.type] : undefined;
    return i.module === imp.module && i.name === imp.name && t !== undefined && sameTypes(t[0], imp.params) && sameTypes(t[1], imp.results);
  });
  if (reuse >= 0) return { bytes, index: reuse, map: (f) => f };

  const at = funcImports.length;
  const map = (f: number): number => (f >= at ? f + 1 : f);
  const typeCount = typeSec ? readU32(typeSec.body, 0)[0] : 0;
  const newType = [0x60, ...vec(imp.params.map((t) => [t])), ...vec(imp.results.map((t) => [t]))];
  const newImport = [...name(imp.module), ...name(imp.name), 0x00, ...uleb(typeCount)];

  const out: number[] = [...bytes.subarray(0, 8)];
  const emit = (id: number, body: ArrayLike<number>): void => {
    out.push(id, ...uleb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  };
  let typeDone = false;
  let importDone = false;
  for (const s of secs) {
    // the type section comes first and the import section right after it (custom sections aside)
    if (s.id !== 0 && s.id !== 1 && !typeDone) {
      emit(1, withEntries(undefined, [newType]));
      typeDone = true;
    }
    if (s.id !== 0 && s.id !== 1 && s.id !== 2 && !importDone) {
      emit(2, withEntries(undefined, [newImport]));
      importDone = true;
    }
    switch (s.id) {
      case 0:
        if (!isNameSection(s.body)) emit(0, s.body);
        break;
      case 1:
        emit(1, withEntries(s.body, [newType]));
        typeDone = true;
        break;
      case 2:
        emit(2, withEntries(s.body, [newImport]));
        importDone = true;
        break;
      case 10:
        emit(10, renumberCode(s.body, map));
        break;
      default:
        emit(s.id, renumberedSection(s.id, s.body, map) ?? s.body);
    }
  }
  if (!typeDone) emit(1, withEntries(undefined, [newType]));
  if (!importDone) emit(2, withEntries(undefined, [newImport]));
  return { bytes: Uint8Array.from(out), index: at, map };
}

/** The module names of a module's imports, in order. */
export function importModules(bytes: Uint8Array): string[] {
  const s = sections(bytes).find((x) => x.id === 2);
  return s ? readImports(s.body).map((i) => i.module) : [];
}
