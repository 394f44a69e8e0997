/**
 * Instruction boundaries in wasm code: where each instruction starts and ends, its opcode and
 * (for prefixed opcodes) its sub-opcode. The one table of immediates here serves every rewrite
 * that changes one kind of immediate and copies every other instruction's bytes as they are:
 * branch depths (src/wasm/wrap-body.ts) and function indices (the wazero lowering,
 * src/runtimes/native/lower-code-walk.ts).
 *
 * It knows the instructions of MVP, sign-ext, sat-conversions, multi-value, bulk memory,
 * reference types, SIMD, atomics, tail calls and typed function references, and throws
 * `UnknownInstruction` for anything else (GC, exception handling): the lowering reports such a
 * case unsupported with that opcode.
 */
import { Reader, readValType } from './binary-reader.ts';

export class UnknownInstruction extends Error {
  override name = 'UnknownInstruction';
}

/**
 * A Reader over code: running past the end is an UnknownInstruction (the code cannot be walked)
 * like an unknown opcode, not a SignatureError, so a walker's caller has one failure to catch.
 */
export class CodeReader extends Reader {
  override byte(): number {
    if (this.pos >= this.end) throw new UnknownInstruction(`code runs past its end at byte ${this.pos}`);
    return this.b[this.pos++]!;
  }
  override skip(n: number): void {
    if (this.pos + n > this.end) throw new UnknownInstruction(`code runs past its end at byte ${this.end}`);
    this.pos += n;
  }
}

export interface Instruction {
  op: number;
  /** The sub-opcode of a prefixed instruction (0xfc, 0xfd, 0xfe), else -1. */
  sub: number;
  /** Byte offsets of the instruction: [start, end). */
  start: number;
  end: number;
}

function blocktype(r: Reader): void {
  const t = r.b[r.pos];
  if (t === 0x63 || t === 0x64) readValType(r);
  else r.s33Long(); // 0x40, a one-byte value type, or an s33 type index
}

function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.u32(); // multi-memory: a memory index follows
  r.s33Long(); // offset (u64 under memory64)
}

function simdImmediates(r: Reader, sub: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
  else if (sub === 12 || sub === 13) r.skip(16); // v128.const, i8x16.shuffle
  else if (sub >= 21 && sub <= 34) r.skip(1); // extract / replace lane
  else if (sub >= 84 && sub <= 91) {
    memarg(r); // load / store lane
    r.skip(1);
  }
}

function miscImmediates(r: Reader, sub: number): void {
  if (sub <= 7) return; // saturating truncations
  if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
    r.u32(); // memory.init, memory.copy, table.init, table.copy: two indices
    r.u32();
  } else if (sub <= 17) r.u32(); // data.drop, memory.fill, elem.drop, table.grow/size/fill
  else throw new UnknownInstruction(`instruction 0xfc ${sub}`);
}

const NO_IMMEDIATE = new Set([0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b, 0xd1, 0xd3, 0xd5]);
/** One u32 immediate: br, br_if, call, return_call, call_ref, return_call_ref, br_on_(non_)null, local/table access, global.set, memory.size/grow. */
const ONE_INDEX = new Set([0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15, 0xd4, 0xd6, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x3f, 0x40]);

function prefixedImmediates(r: Reader, op: number, sub: number): void {
  if (op === 0xfc) miscImmediates(r, sub);
  else if (op === 0xfd) simdImmediates(r, sub);
  else if (sub === 0x03) r.skip(1); // 0xfe atomic.fence
  else memarg(r); // 0xfe atomic loads, stores, rmw, wait, notify
}

/** The immediates of the opcodes no range or table above covers; throws for an unknown opcode. */
function otherImmediates(r: Reader, op: number): void {
  switch (op) {
    case 0x0e: // br_table: labels then the default
      for (let n = r.u32(); n > 0; n--) r.u32();
      r.u32();
      return;
    case 0x11: // call_indirect / return_call_indirect: type, table
    case 0x13:
      r.u32();
      r.u32();
      return;
    case 0x1c: // select t*
      for (let n = r.u32(); n > 0; n--) readValType(r);
      return;
    default:
      throw new UnknownInstruction(`instruction 0x${op.toString(16)}`);
  }
}

/** Reads the instruction at the reader's position and leaves the reader after it. */
export function readInstruction(r: Reader): Instruction {
  const start = r.pos;
  const op = r.byte();
  let sub = -1;
  if ((op >= 0x45 && op <= 0xc4) || NO_IMMEDIATE.has(op)) {
    // numeric and sign-extension operators, control without immediates
  } else if (op >= 0x28 && op <= 0x3e) memarg(r);
  else if (op >= 0x02 && op <= 0x04) blocktype(r);
  else if (ONE_INDEX.has(op)) r.u32();
  else if (op >= 0xfc && op <= 0xfe) {
    sub = r.u32();
    prefixedImmediates(r, op, sub);
  } else if (!r.constantImmediates(op)) otherImmediates(r, op); // *.const, global.get, ref.func, ref.null
  return { op, sub, start, end: r.pos };
}

/** Reads a body's locals vector (the reader at the body's start): how many groups and how many locals it declares. */
export function readLocals(r: Reader): { groups: number; declared: number } {
  const groups = r.u32();
  let declared = 0;
  for (let n = groups; n > 0; n--) {
    declared += r.u32();
    readValType(r);
  }
  return { groups, declared };
}

/** Every instruction of the code in bytes [start, end), in order. */
export function* instructions(bytes: Uint8Array, start: number, end: number): Generator<Instruction> {
  const r = new CodeReader(bytes, start, end);
  while (r.pos < end) yield readInstruction(r);
}

/** Opcodes that open a label (closed by `end`). */
export function opensLabel(op: number): boolean {
  return op === 0x02 || op === 0x03 || op === 0x04;
}

/** Opcodes whose immediates are branch depths: br, br_if, br_table, br_on_null, br_on_non_null. */
export function isBranch(op: number): boolean {
  return op === 0x0c || op === 0x0d || op === 0x0e || op === 0xd4 || op === 0xd6;
}

/** The first immediate of an unprefixed instruction as a u32: a branch depth, a function, local or global index. */
export function indexImmediate(bytes: Uint8Array, ins: Instruction): number {
  return new CodeReader(bytes, ins.start + 1, ins.end).u32();
}

/** The label depths of a branch instruction (br_table: its labels, then the default). */
export function branchDepths(bytes: Uint8Array, ins: Instruction): number[] {
  if (ins.op !== 0x0e) return [indexImmediate(bytes, ins)];
  const r = new CodeReader(bytes, ins.start + 1, ins.end);
  const out: number[] = [];
  for (let n = r.u32(); n > 0; n--) out.push(r.u32());
  out.push(r.u32());
  return out;
}
