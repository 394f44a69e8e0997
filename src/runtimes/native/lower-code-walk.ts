/**
 * Rewrites the function indices inside wasm code without re-encoding anything else: a function
 * body or a constant expression is copied instruction by instruction, and only the immediates
 * that name a function (`call`, `return_call`, `ref.func`) are replaced. Adding a function import
 * shifts every defined function's index (imports come first in the index space), and this is the
 * one rewrite that needs; the guest's code otherwise stays the bytes that were generated (a
 * round trip through binaryen re-encodes 12 of 300 generated code sections, measured on seed 1).
 *
 * Instruction boundaries come from the one code walker, src/wasm/instructions.ts: it knows every
 * instruction of the features wazero 1.6 runs (MVP, sign-ext, sat-conversions, multi-value, bulk
 * memory, reference types, SIMD) plus atomics, tail calls and typed function references; anything
 * else (GC, exception handling) throws `UnknownInstruction`, and the lowering reports the case
 * unsupported with its opcode.
 */
import type { Instruction } from '../../wasm/instructions.ts';
import { CodeReader, indexImmediate, instructions, readInstruction, readLocals } from '../../wasm/instructions.ts';
import { uleb } from '../../wasm/leb.ts';

/** Opcodes whose immediate is a function index: call, return_call, ref.func. */
const NAMES_A_FUNCTION = new Set([0x10, 0x12, 0xd2]);

/** Appends instruction `ins` of `bytes` to `out`, its function index (if it has one) mapped through `map`. */
function copyInstruction(bytes: Uint8Array, ins: Instruction, out: number[], map: (f: number) => number): void {
  if (NAMES_A_FUNCTION.has(ins.op)) {
    out.push(ins.op, ...uleb(map(indexImmediate(bytes, ins))));
    return;
  }
  for (let i = ins.start; i < ins.end; i++) out.push(bytes[i]!);
}

/**
 * A function body (`locals` vector then the code, without its size prefix) with its function
 * indices mapped through `map`. Throws UnknownInstruction on an opcode it does not know.
 */
export function rewriteBody(bytes: Uint8Array, start: number, end: number, map: (f: number) => number): number[] {
  const r = new CodeReader(bytes, start, end);
  readLocals(r);
  const out = Array.from(bytes.subarray(start, r.pos));
  for (const ins of instructions(bytes, r.pos, end)) copyInstruction(bytes, ins, out, map);
  return out;
}

/**
 * A constant expression starting at `start`, up to and including its final `end`: the copied
 * bytes and the position after it. Nested `end`s only occur inside blocks, which constant
 * expressions cannot contain, so the first `end` at depth 0 closes it.
 */
export function rewriteConstExpr(bytes: Uint8Array, start: number, map: (f: number) => number): { out: number[]; next: number } {
  const r = new CodeReader(bytes, start, bytes.length);
  const out: number[] = [];
  for (;;) {
    const ins = readInstruction(r);
    copyInstruction(bytes, ins, out, map);
    if (ins.op === 0x0b) return { out, next: r.pos };
  }
}
