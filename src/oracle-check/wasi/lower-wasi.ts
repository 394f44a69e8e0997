/**
 * Lowers a WASI command's `wasi_snapshot_preview1` imports into defined functions (the shim of
 * shim-code.ts) at the binary level, so that wabt's wasm-interp, which has no WASI in the npm
 * build (`wasi support not compiled in`, measured on 1.0.39 and Debian's 1.0.32), runs it.
 *
 * The import section becomes one import, `host.print(i32, i32)` (wasm-interp `--host-print`).
 * Function indices move: host.print is 0, the module's defined functions follow in their order,
 * then one shim per former import. Calls, `return_call`, `ref.func`, exports, the start section,
 * element segments and global initialisers are renumbered (src/runtimes/native/lower-renumber.ts);
 * no other byte of the guest's code changes (no binaryen round trip: block parameters, dead code
 * and every encoding the generators chose reach the interpreter as generated). The `name`
 * section is dropped (its indices would be stale).
 *
 * Only what the shim implements is lowered: `proc_exit` and `fd_write` with their preview1
 * signatures. Any other import (another WASI function, a memory, a table, a global, another
 * module) makes the case not evaluable, with the import named.
 */
import { readU32 } from '../../wasm/leb.ts';
import type { NewFunction, SectionEdit } from '../../wasm/append.ts';
import { additionEdits, editSections, uleb } from '../../wasm/append.ts';
import { UnknownInstruction } from '../../wasm/instructions.ts';
import { readLayout } from '../../wasm/layout.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { isNameSection, readSections } from '../../wasm/sections.ts';
import { renumberCode, renumberElements, renumberExports, renumberGlobals } from '../../runtimes/native/lower-renumber.ts';
import { SHIMS } from './shim-code.ts';

export const WASI_MODULE = 'wasi_snapshot_preview1';
const VALTYPE: Partial<Record<SigType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
const utf8 = new TextEncoder();

export type Lowered = { bytes: Uint8Array; shims: string[] } | { unsupported: string };

const sameCodes = (a: readonly SigType[], b: readonly number[]): boolean => a.length === b.length && a.every((t, i) => VALTYPE[t] === b[i]);

function nameBytes(s: string): number[] {
  const b = utf8.encode(s);
  return [...uleb(b.length), ...b];
}

/** The entries of a renumbered vector section, without its count (editSections writes the count). */
function entriesOf(section: number[]): { count: number; parts: Array<ArrayLike<number>> } {
  const [count, at] = readU32(Uint8Array.from(section.slice(0, 5)), 0);
  return { count, parts: [section.slice(at)] };
}

/** `bytes` with its WASI imports lowered into the shim, or why it cannot be. */
export function lowerWasi(bytes: Uint8Array): Lowered {
  const layout = readLayout(bytes);
  const shims: string[] = [];
  for (const imp of layout.imports) {
    if (imp.kind !== 'func' || imp.module !== WASI_MODULE) return { unsupported: `import ${imp.module}.${imp.name} (${imp.kind}): the WASI shim links only ${WASI_MODULE} proc_exit and fd_write` };
    const shim = SHIMS[imp.name];
    const sig = layout.funcs[shims.length];
    if (!shim) return { unsupported: `WASI function ${imp.name}: the shim implements proc_exit and fd_write only` };
    if (!sig || !sameCodes(sig.params, shim.params) || !sameCodes(sig.results, shim.results)) return { unsupported: `WASI function ${imp.name} imported with another signature` };
    shims.push(imp.name);
  }
  if (shims.includes('fd_write')) {
    const memory = layout.exports.get('memory');
    if (!memory || memory.kind !== 'memory' || memory.index !== 0) return { unsupported: 'fd_write in a module whose memory 0 is not exported as `memory`' };
    if (layout.memories[0]?.is64) return { unsupported: 'fd_write on a memory64' };
  }
  const imported = shims.length;
  const defined = layout.funcs.length - imported;
  // host.print first, then the defined functions, then the shims in import order
  const map = (f: number): number => (f < imported ? 1 + defined + f : f - imported + 1);
  const printType = layout.typeCount;
  const edits = new Map<number, SectionEdit>();
  const functions: NewFunction[] = shims.map((name, i) => {
    const { locals, body } = SHIMS[name]!.code(0);
    return { type: printType + 1 + i, locals, body };
  });
  for (const [id, edit] of additionEdits({
    types: [[[0x7f, 0x7f], []], ...shims.map((n): [number[], number[]] => [SHIMS[n]!.params, SHIMS[n]!.results])],
    functions,
    globals: [],
    exports: [],
  }))
    edits.set(id, edit);
  // every import goes (a module without an import section gets one: an entry, not a replacement)
  edits.set(2, { replace: { count: 0, parts: [] }, entries: [[...nameBytes('host'), ...nameBytes('print'), 0x00, ...uleb(printType)]] });
  let named = false;
  try {
    for (const s of readSections(bytes)) {
      const body = bytes.subarray(s.start, s.end);
      const renumbered = s.id === 6 ? renumberGlobals(body, map) : s.id === 7 ? renumberExports(body, map) : s.id === 9 ? renumberElements(body, map) : s.id === 10 ? renumberCode(body, map) : undefined;
      if (renumbered) edits.set(s.id, { replace: entriesOf(renumbered), entries: edits.get(s.id)?.entries ?? [] });
      // the start section is one index, not a vector: its "count" is the index editSections writes
      if (s.id === 8) edits.set(8, { replace: { count: map(readU32(body, 0)[0]), parts: [] }, entries: [] });
      if (s.id === 0 && isNameSection(body)) named = true;
    }
  } catch (e) {
    if (e instanceof UnknownInstruction) return { unsupported: `code the lowering cannot walk (${e.message})` };
    throw e;
  }
  let out = editSections(bytes, edits);
  if (named) out = withoutNameSection(out);
  return { bytes: out, shims };
}

/** `bytes` without its `name` custom section (its function indices no longer hold). */
function withoutNameSection(bytes: Uint8Array): Uint8Array {
  const parts: number[] = [...bytes.subarray(0, 8)];
  for (const s of readSections(bytes)) {
    const body = bytes.subarray(s.start, s.end);
    if (s.id === 0 && isNameSection(body)) continue;
    parts.push(...bytes.subarray(s.header, s.end));
  }
  return Uint8Array.from(parts);
}
