/**
 * The binary half of the binaryen.js invoke bypass (./binaryen-invoke-bypass.ts): binaryen.js is built with
 * emscripten's JS exception handling, so every C++ call that may throw leaves wasm for a JS
 * `invoke_*` trampoline (`stackSave(); try { table.get(i)(…) } catch (e) { stackRestore(sp); if
 * (!(e is a C++ exception)) throw e; setThrew(1, 0) }`) and comes back. This file builds the same
 * trampolines in wasm, with the exception-handling instructions V8 has shipped since 9.5, so those
 * calls never leave wasm:
 *
 * - `rewriteForSharedState` turns binaryen's table 0 and global 0 (its stack pointer: emscripten's
 *   `stackSave` is `global.get 0`) from definitions into imports. Imports come first in their index
 *   spaces and binaryen imports no table or global, so every index stays what it was; every other
 *   byte of the module is kept.
 * - `encodeInvokeHelper` encodes a module with one function per trampoline: save the stack
 *   pointer, `call_indirect` through the shared table, and on a C++ exception (the `cxx` tag the
 *   JS side throws C++ exceptions as) restore it and call setThrew(1, 0); on any other exception
 *   restore it and rethrow. Exactly what the JS trampolines do.
 * - `findSetThrew` finds emscripten's setThrew among the exports by its body, which the helper
 *   calls (through JS: only on the rare exception path).
 *
 * Anything unexpected throws a BypassUnavailable naming it; the caller then loads binaryen
 * unchanged (./binaryen-invoke-bypass.ts records why).
 */
import { encodeType, VALTYPE } from './append.ts';
import { Reader } from './binary-reader.ts';
import { concatBytes } from './concat-bytes.ts';
import type { ModuleLayout } from './layout.ts';
import { readLayout } from './layout.ts';
import { readU32, uleb } from './leb.ts';
import { encodeName, encodeSection, readSections, SECTION_ORDER } from './sections.ts';
import type { FuncSig, SigType } from './signatures.ts';

export class BypassUnavailable extends Error {
  constructor(reason: string) {
    super(`binaryen invoke bypass unavailable: ${reason}`);
    this.name = 'BypassUnavailable';
  }
}

/** Binaryen's module with its table and stack pointer imported from `t` (`table`, `sp`). */
export interface SharedStateModule {
  bytes: Uint8Array;
  table: { initial: number; maximum: number | undefined };
  stackPointerInit: number;
}

const SECTION = { import: 2, table: 4, global: 6 } as const;

/** An import from `t` (the state binaryen's module and the helper share): its name, then its descriptor. */
const sharedImport = (name: string, descriptor: ArrayLike<number>): number[] => [...encodeName('t'), ...encodeName(name), ...Array.from(descriptor)];
/** The stack pointer's descriptor: a mutable i32 global. */
const STACK_POINTER = [0x03, 0x7f, 0x01];

/** `layout`: the module's, when the caller has read it already (binaryen's is ~10 MB). */
export function rewriteForSharedState(bytes: Uint8Array, layout: ModuleLayout = readLayout(bytes)): SharedStateModule {
  if (layout.imports.some((i) => i.kind === 'table' || i.kind === 'global')) throw new BypassUnavailable('binaryen already imports a table or global');
  const sections = readSections(bytes);
  const imports = sections.find((s) => s.id === SECTION.import);
  const tables = sections.find((s) => s.id === SECTION.table);
  const globals = sections.find((s) => s.id === SECTION.global);
  if (!tables || !globals) throw new BypassUnavailable('no table or global section');

  const t = new Reader(bytes, tables.start, tables.end);
  if (t.u32() !== 1 || t.byte() !== 0x70) throw new BypassUnavailable('not one funcref table');
  const tableTypeStart = t.pos - 1;
  const flags = t.byte();
  if (flags !== 0 && flags !== 1) throw new BypassUnavailable(`table limits flags ${flags}`);
  const initial = t.u32();
  const maximum = flags === 1 ? t.u32() : undefined;
  const tableType = bytes.subarray(tableTypeStart, t.pos);

  const g = new Reader(bytes, globals.start, globals.end);
  const globalCount = g.u32();
  // emscripten's stack pointer: (global (mut i32) (i32.const N))
  if (g.byte() !== 0x7f || g.byte() !== 0x01 || g.byte() !== 0x41) throw new BypassUnavailable('global 0 is not a mutable i32 set by i32.const');
  const spStart = g.pos;
  g.s33Long();
  const stackPointerInit = new Reader(bytes, spStart, g.pos).s33();
  if (g.byte() !== 0x0b) throw new BypassUnavailable('global 0 has a longer initialiser');
  const restGlobals = bytes.subarray(g.pos, globals.end);

  const [importCount, importsAt] = imports ? readU32(bytes, imports.start) : [0, 0];
  const importSection = encodeSection(
    SECTION.import,
    concatBytes([
      uleb(importCount + 2),
      imports ? bytes.subarray(importsAt, imports.end) : [],
      sharedImport('table', [0x01, ...tableType]),
      sharedImport('sp', STACK_POINTER),
    ]),
  );
  const parts: ArrayLike<number>[] = [bytes.subarray(0, 8)];
  let importsWritten = false;
  const rank = (id: number): number => SECTION_ORDER.indexOf(id);
  for (const s of sections) {
    // the import section goes where it was, or (a module without imports) before the first later section
    if (!importsWritten && (s.id === SECTION.import || (s.id !== 0 && rank(s.id) > rank(SECTION.import)))) {
      parts.push(importSection);
      importsWritten = true;
    }
    if (s.id === SECTION.import || s.id === SECTION.table) continue;
    if (s.id === SECTION.global) {
      if (globalCount > 1) parts.push(encodeSection(SECTION.global, concatBytes([uleb(globalCount - 1), restGlobals])));
    } else parts.push(bytes.subarray(s.header, s.end));
  }
  return { bytes: concatBytes(parts), table: { initial, maximum }, stackPointerInit };
}

const ZERO: Partial<Record<SigType, number[]>> = {
  i32: [0x41, 0x00],
  i64: [0x42, 0x00],
  f32: [0x43, 0, 0, 0, 0],
  f64: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
};

function valtype(t: SigType): number {
  const code = (VALTYPE as Partial<Record<SigType, number>>)[t];
  if (code === undefined) throw new BypassUnavailable(`trampoline value type ${t}`);
  return code;
}

function funcType(params: readonly SigType[], results: readonly SigType[]): number[] {
  return encodeType([params.map(valtype), results.map(valtype)]);
}

/**
 * The helper module: for each trampoline (export name = binaryen's import name, `sig` = the
 * import's type: table index first, then the callee's arguments) a wasm function doing what the
 * JS trampoline does. Imports from `t`: table, sp, the `cxx` tag, and `setThrew` (i32, i32).
 */
export function encodeInvokeHelper(trampolines: ReadonlyMap<string, FuncSig>, table: SharedStateModule['table']): Uint8Array {
  const types: number[][] = [funcType([], []), funcType(['i32', 'i32'], [])];
  const typeIndex = (t: number[]): number => {
    const key = t.join(',');
    const at = types.findIndex((x) => x.join(',') === key);
    if (at >= 0) return at;
    types.push(t);
    return types.length - 1;
  };
  const funcs: Array<{ name: string; type: number; body: number[] }> = [];
  for (const [name, sig] of trampolines) {
    if (sig.params[0] !== 'i32' || sig.results.length > 1) throw new BypassUnavailable(`trampoline ${name} has type ${JSON.stringify(sig)}`);
    const args = sig.params.slice(1);
    const result = sig.results[0];
    const callee = typeIndex(funcType(args, sig.results));
    const spLocal = sig.params.length;
    const body: number[] = [0x01, 0x01, 0x7f]; // one local: the saved stack pointer
    body.push(0x23, 0x00, 0x21, ...uleb(spLocal)); // global.get sp; local.set
    body.push(0x06, result === undefined ? 0x40 : valtype(result)); // try (result?)
    for (let i = 1; i <= args.length; i++) body.push(0x20, ...uleb(i));
    body.push(0x20, 0x00, 0x11, ...uleb(callee), 0x00); // local.get idx; call_indirect callee table 0
    body.push(0x07, 0x00); // catch cxx
    body.push(0x20, ...uleb(spLocal), 0x24, 0x00); // restore the stack pointer
    body.push(0x41, 0x01, 0x41, 0x00, 0x10, 0x00); // setThrew(1, 0): the landing pad reads it
    if (result !== undefined) body.push(...ZERO[result]!); // the caller ignores the value when it threw
    body.push(0x19); // catch_all: not a C++ exception
    body.push(0x20, ...uleb(spLocal), 0x24, 0x00, 0x09, 0x00); // restore; rethrow
    body.push(0x0b, 0x0b);
    funcs.push({ name, type: typeIndex(funcType(sig.params, sig.results)), body });
  }
  const limits = table.maximum === undefined ? [0x00, ...uleb(table.initial)] : [0x01, ...uleb(table.initial), ...uleb(table.maximum)];
  const importEntries = [
    sharedImport('table', [0x01, 0x70, ...limits]),
    sharedImport('sp', STACK_POINTER),
    sharedImport('cxx', [0x04, 0x00, 0x00]),
    sharedImport('setThrew', [0x00, 0x01]),
  ];
  const vector = (entries: number[][]): number[] => [...uleb(entries.length), ...entries.flat()];
  return concatBytes([
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    encodeSection(1, vector(types)),
    encodeSection(2, vector(importEntries)),
    encodeSection(3, vector(funcs.map((f) => uleb(f.type)))),
    encodeSection(7, vector(funcs.map((f, i) => [...encodeName(f.name), 0x00, ...uleb(i + 1)]))),
    encodeSection(10, vector(funcs.map((f) => [...uleb(f.body.length), ...f.body]))),
  ]);
}

/**
 * The export name of emscripten's setThrew: `(i32, i32) -> ()`, body
 * `if (__THREW__ == 0) { __threwValue = b; __THREW__ = a }` with __threwValue just after __THREW__.
 */
export function findSetThrew(bytes: Uint8Array, layout: ModuleLayout = readLayout(bytes)): string {
  const importedFuncs = layout.imports.filter((i) => i.kind === 'func').length;
  const code = readSections(bytes).find((s) => s.id === 10);
  if (!code) throw new BypassUnavailable('no code section');
  const wanted = new Map<number, string>();
  for (const [name, e] of layout.exports) {
    const sig = layout.funcs[e.index];
    if (e.kind === 'func' && e.index >= importedFuncs && sig?.params.join() === 'i32,i32' && sig.results.length === 0) wanted.set(e.index - importedFuncs, name);
  }
  const r = new Reader(bytes, code.start, code.end);
  const count = r.u32();
  for (let i = 0; i < count && wanted.size > 0; i++) {
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const name = wanted.get(i);
    if (name !== undefined && isSetThrewBody(bytes.subarray(start, start + size))) return name;
    wanted.delete(i);
  }
  throw new BypassUnavailable('setThrew not found among the exports');
}

function isSetThrewBody(body: Uint8Array): boolean {
  const r = new Reader(body, 0, body.length);
  const expect = (...xs: number[]): boolean => xs.every((x) => r.byte() === x);
  try {
    if (!expect(0x00, 0x41)) return false; // no locals; i32.const &__THREW__
    const threw = r.s33();
    if (!expect(0x28, 0x02, 0x00, 0x45, 0x04, 0x40, 0x41)) return false; // load; eqz; if; i32.const
    if (r.s33() !== threw + 4) return false;
    if (!expect(0x20, 0x01, 0x36, 0x02, 0x00, 0x41)) return false;
    if (r.s33() !== threw) return false;
    return expect(0x20, 0x00, 0x36, 0x02, 0x00, 0x0b, 0x0b) && r.pos === body.length;
  } catch {
    return false;
  }
}
