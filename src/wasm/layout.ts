/**
 * The index spaces of a module, read from its binary: which function index every export names
 * and its type, every global's type, every memory's address width, how many types the type
 * section defines, the imports and the start function. The one parser of module structure
 * (signatures.ts derives the JS host's view from it). Appending code to a module (src/wasm/append.ts) needs exactly this to refer to
 * the module's own functions, globals and memories without renumbering anything.
 */
import type { FuncSig, ImportSig, SigType } from './signatures.ts';
import { Reader, SignatureError, readLimits, readTableType, readTypeSection, readValType } from './binary-reader.ts';

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleLayout {
  /** Entries of the type section (a GC rec group counts each of its subtypes). */
  typeCount: number;
  /** Function index → its type (imports first, as in the index space). */
  funcs: Array<FuncSig | undefined>;
  globals: Array<{ type: SigType; mutable: boolean }>;
  /** Memory index → whether it is a memory64. */
  memories: Array<{ is64: boolean }>;
  exports: Map<string, { kind: ExternKind; index: number }>;
  imports: ImportSig[];
  /** Function index of the start function, if the module has one. */
  start?: number;
}

const KINDS: Record<number, ExternKind> = { 0: 'func', 1: 'table', 2: 'memory', 3: 'global', 4: 'tag' };

/** A memory's limits: only its address width matters here (readLimits skips the rest). */
function memoryLimits(r: Reader): { is64: boolean } {
  const is64 = (r.b[r.pos]! & 0x04) !== 0;
  readLimits(r);
  return { is64 };
}

/** A function import with its type. */
export interface FuncImport {
  module: string;
  name: string;
  sig: FuncSig;
}

/** A module's function imports with their types, in import order (imports come first in the function index space). */
export function funcImportsOf(layout: ModuleLayout): FuncImport[] {
  const out: FuncImport[] = [];
  for (const imp of layout.imports) if (imp.kind === 'func') out.push({ module: imp.module, name: imp.name, sig: layout.funcs[out.length]! });
  return out;
}

/** Reads a module's index spaces. Throws SignatureError on a malformed binary. */
export function readLayout(bytes: Uint8Array): ModuleLayout {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new SignatureError('not a wasm binary (bad magic)');
  const types: Array<FuncSig | undefined> = [];
  const funcTypeIndices: number[] = [];
  const layout: ModuleLayout = { typeCount: 0, funcs: [], globals: [], memories: [], exports: new Map(), imports: [] };
  const top = new Reader(bytes, 8, bytes.length);
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const at = top.pos;
    top.skip(size);
    const r = new Reader(bytes, at, at + size);
    switch (id) {
      case 1:
        readTypeSection(r, types);
        break;
      case 2:
        for (let n = r.u32(); n > 0; n--) {
          const module = r.name();
          const name = r.name();
          const kind = r.byte();
          const externKind = KINDS[kind];
          if (externKind) layout.imports.push({ module, name, kind: externKind });
          if (kind === 0x00) funcTypeIndices.push(r.u32());
          else if (kind === 0x01) readTableType(r);
          else if (kind === 0x02) layout.memories.push(memoryLimits(r));
          else if (kind === 0x03) layout.globals.push({ type: readValType(r), mutable: r.byte() === 1 });
          else if (kind === 0x04) {
            r.byte();
            r.u32();
          } else throw new SignatureError(`unknown import kind 0x${kind.toString(16)}`);
        }
        break;
      case 3:
        for (let n = r.u32(); n > 0; n--) funcTypeIndices.push(r.u32());
        break;
      case 5:
        for (let n = r.u32(); n > 0; n--) layout.memories.push(memoryLimits(r));
        break;
      case 6:
        for (let n = r.u32(); n > 0; n--) {
          const type = readValType(r);
          const mutable = r.byte() === 1;
          r.skipConstExpr();
          layout.globals.push({ type, mutable });
        }
        break;
      case 7:
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = KINDS[r.byte()];
          if (!kind) throw new SignatureError(`export ${JSON.stringify(name)}: unknown kind`);
          layout.exports.set(name, { kind, index: r.u32() });
        }
        break;
      case 8:
        layout.start = r.u32();
        break;
      default:
        break;
    }
  }
  layout.typeCount = types.length;
  layout.funcs = funcTypeIndices.map((t) => types[t]);
  return layout;
}
