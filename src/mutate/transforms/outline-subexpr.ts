/**
 * `outline-subexpr`: a pure subexpression already in a function (constants and non-trapping
 * numeric operators that together push exactly one value and consume nothing from before them) is
 * moved into a new appended function, and a `call` to it takes its place. Same instructions, same
 * value; one more frame, so functions on a call cycle are left alone.
 */
import fc from 'fast-check';
import { Reader } from '../../wasm/binary-reader.ts';
import type { Instruction } from '../../wasm/instructions.ts';
import { instructions, readLocals } from '../../wasm/instructions.ts';
import { uleb } from '../../wasm/leb.ts';
import { writeCode } from '../code-entries.ts';
import type { ModuleFacts } from '../module-facts.ts';
import type { NumType } from '../numeric-ops.ts';
import { CONST_OPCODE, SAFE_BY_OPCODE, TYPE_CODE } from '../numeric-ops.ts';
import { appendFunctions } from '../append-functions.ts';
import type { Transform } from '../transform.ts';
import { pick } from '../transform.ts';

interface Window {
  f: number;
  /** Byte offsets of the subexpression in the module. */
  start: number;
  end: number;
  type: NumType;
}

/** Most windows collected per module: enough choice, bounded work on big modules. */
const MAX_WINDOWS = 4096;

/** The pure subexpressions that start at instruction `s` of `list`. */
function windowsFrom(list: readonly Instruction[], s: number, f: number, out: Window[]): void {
  const stack: NumType[] = [];
  for (let j = s; j < list.length && out.length < MAX_WINDOWS; j++) {
    const ins = list[j]!;
    const constant = ins.sub === -1 ? CONST_OPCODE[ins.op] : undefined;
    const op = ins.sub === -1 ? SAFE_BY_OPCODE.get(ins.op) : undefined;
    if (constant) stack.push(constant);
    else if (op && stack.length >= op.from.length) {
      stack.length -= op.from.length;
      stack.push(op.to);
    } else return;
    if (stack.length === 1) out.push({ f, start: list[s]!.start, end: ins.end, type: stack[0]! });
  }
}

function pureWindows(facts: ModuleFacts, candidates: readonly number[]): Window[] {
  const out: Window[] = [];
  for (const f of candidates) {
    const e = facts.body(f);
    const r = new Reader(facts.bytes, e.start, e.end);
    readLocals(r);
    const list = [...instructions(facts.bytes, r.pos, e.end)];
    list.forEach((ins, s) => {
      if (ins.sub === -1 && CONST_OPCODE[ins.op]) windowsFrom(list, s, f, out);
    });
  }
  return out;
}

export const outlineSubexprTransform: Transform<{ pick: number }> = {
  name: 'outline-subexpr',
  description: 'move a pure subexpression (constants, non-trapping numeric operators) into an appended function and call it in its place',
  arbitrary: fc.record({ pick: fc.nat() }),
  apply({ facts }, p) {
    const windows = pureWindows(facts, facts.growable());
    if (windows.length === 0) return { skip: 'no pure subexpression off the call cycles' };
    const w = pick(windows, p.pick);
    const e = facts.body(w.f);
    const b = facts.bytes;
    const body = [...b.subarray(e.start, w.start), 0x10, ...uleb(facts.funcCount), ...b.subarray(w.end, e.end)];
    const bytes = appendFunctions(writeCode(b, new Map([[w.f - facts.imported, body]])), [[[], [TYPE_CODE[w.type]]]], [{ type: facts.layout.typeCount, locals: [], body: [...b.subarray(w.start, w.end), 0x0b] }]);
    return { bytes, features: [] };
  },
};
