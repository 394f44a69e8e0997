/**
 * Which functions may be on a recursive call path: those in a cycle of the call graph. Mutations
 * that add locals, frames or operand-stack height to a function leave these alone, so a bounded
 * recursion that must not exhaust the stack keeps its margin on every runtime (issue #18: stack
 * depth is an implementation detail the expectation must not depend on).
 *
 * The graph is conservative: an indirect call (`call_indirect`, `call_ref`, their tail forms) may
 * reach every address-taken function (in an element segment, a global initialiser or a
 * `ref.func`), and a call to an import that is not WASI may re-enter any exported function.
 */
import { Reader } from '../wasm/binary-reader.ts';
import { indexImmediate, instructions, readLocals } from '../wasm/instructions.ts';
import type { ModuleLayout } from '../wasm/layout.ts';
import { readSections } from '../wasm/sections.ts';
import type { CodeEntry } from './code-entries.ts';
import { mapElementFunctions } from './elements.ts';

const DIRECT = new Set([0x10, 0x12]);
const INDIRECT = new Set([0x11, 0x13, 0x14, 0x15]);
const WASI_MODULES = new Set(['wasi_snapshot_preview1', 'wasi_unstable', 'wasi']);

interface Calls {
  direct: Set<number>;
  indirect: boolean;
}

function bodyCalls(bytes: Uint8Array, e: CodeEntry, addressTaken: Set<number>): Calls {
  const r = new Reader(bytes, e.start, e.end);
  readLocals(r);
  const calls: Calls = { direct: new Set(), indirect: false };
  for (const ins of instructions(bytes, r.pos, e.end)) {
    if (DIRECT.has(ins.op)) calls.direct.add(indexImmediate(bytes, ins));
    else if (INDIRECT.has(ins.op)) calls.indirect = true;
    else if (ins.op === 0xd2) addressTaken.add(indexImmediate(bytes, ins));
  }
  return calls;
}

/** Function indices (in the whole index space) of the defined functions that lie on a call cycle. */
export function recursiveFunctions(bytes: Uint8Array, layout: ModuleLayout, bodies: readonly CodeEntry[]): Set<number> {
  const funcImports = layout.imports.filter((i) => i.kind === 'func');
  const imported = funcImports.length;
  const addressTaken = new Set<number>();
  const elements = readSections(bytes).find((s) => s.id === 9);
  if (elements) mapElementFunctions(bytes.subarray(elements.start, elements.end), (f) => (addressTaken.add(f), f));
  // a global initialiser's ref.func: conservatively, any function a global could hold is taken
  if (layout.globals.some((g) => g.type === 'funcref' || g.type.startsWith('other:'))) for (let f = 0; f < layout.funcs.length; f++) addressTaken.add(f);
  const calls = bodies.map((e) => bodyCalls(bytes, e, addressTaken));
  const exported = [...layout.exports.values()].filter((x) => x.kind === 'func').map((x) => x.index);
  const successors = (f: number): Iterable<number> => {
    if (f < imported) return WASI_MODULES.has(funcImports[f]!.module) ? [] : exported;
    const c = calls[f - imported]!;
    return c.indirect ? [...c.direct, ...addressTaken] : c.direct;
  };
  const out = new Set<number>();
  for (let f = imported; f < layout.funcs.length; f++) {
    const seen = new Set<number>();
    const stack = [...successors(f)];
    while (stack.length > 0) {
      const g = stack.pop()!;
      if (g === f) {
        out.add(f);
        break;
      }
      if (seen.has(g)) continue;
      seen.add(g);
      for (const h of successors(g)) stack.push(h);
    }
  }
  return out;
}
