/**
 * Rewrites the function indices inside wasm code without re-encoding anything else: a function
 * body or a constant expression is copied instruction by instruction, and only the immediates
 * that name a function (`call`, `return_call`, `ref.func`) are replaced. Adding a function import
 * shifts every defined function's index (imports come first in the index space), and this is the
 * one rewrite that needs; the guest's code otherwise stays the bytes that were generated (a
 * round trip through binaryen re-encodes 12 of 300 generated code sections, measured on seed 1).
 *
 * The walker knows the immediates of every instruction of the features wazero 1.6 runs (MVP,
 * sign-ext, sat-conversions, multi-value, bulk memory, reference types, SIMD) plus atomics,
 * tail calls and typed function references; anything else (GC, exception handling) throws
 * `UnknownInstruction`, and the lowering reports the case unsupported with its opcode.
 */
import { uleb } from '../../wasm/leb.ts';

export class UnknownInstruction extends Error {
  override name = 'UnknownInstruction';
}

/** A byte cursor with the LEB128 readers the walker needs; copies what it reads into `out`. */
class Copier {
  pos: number;
  readonly out: number[] = [];
  constructor(
    private readonly b: Uint8Array,
    pos: number,
    private readonly end: number,
  ) {
    this.pos = pos;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  byte(): number {
    if (this.pos >= this.end) throw new UnknownInstruction(`code runs past its end at byte ${this.pos}`);
    const x = this.b[this.pos++]!;
    this.out.push(x);
    return x;
  }
  /** Reads a LEB128 (signed or not: only its length matters) and copies it. */
  leb(): void {
    while (this.byte() & 0x80);
  }
  /** Reads an unsigned LEB128 and copies it. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return result;
      shift += 7;
    }
  }
  /** Reads an unsigned LEB128 without copying it (the caller writes the replacement). */
  u32Uncopied(): number {
    const mark = this.out.length;
    const v = this.u32();
    this.out.length = mark;
    return v;
  }
  bytes(n: number): void {
    for (let i = 0; i < n; i++) this.byte();
  }
  /** A value type; reference types with a heap type (`ref null ht`) carry an s33. */
  valtype(): void {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.leb();
  }
  /** A block type: empty (0x40), a value type, or an s33 type index. */
  blocktype(): void {
    const t = this.b[this.pos]!;
    if (t === 0x63 || t === 0x64) this.valtype();
    else this.leb();
  }
  memarg(): void {
    const align = this.u32();
    if (align & 0x40) this.u32(); // multi-memory: a memory index follows
    this.leb(); // offset (u64 under memory64)
  }
}


/** SIMD sub-opcodes with a memarg (loads, stores, load-zero) and with a lane byte. */
function simdImmediates(c: Copier, sub: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) c.memarg();
  else if (sub === 12 || sub === 13) c.bytes(16); // v128.const, i8x16.shuffle
  else if (sub >= 21 && sub <= 34) c.bytes(1); // extract / replace lane
  else if (sub >= 84 && sub <= 91) {
    c.memarg(); // load / store lane
    c.bytes(1);
  }
}

function miscImmediates(c: Copier, sub: number): void {
  if (sub <= 7) return; // saturating truncations
  switch (sub) {
    case 8: // memory.init data mem
    case 10: // memory.copy mem mem
    case 12: // table.init elem table
    case 14: // table.copy table table
      c.u32();
      c.u32();
      return;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      c.u32();
      return;
    default:
      throw new UnknownInstruction(`instruction 0xfc ${sub}`);
  }
}

/** One instruction at the cursor: copies it, mapping function indices through `map`. */
function instruction(c: Copier, map: (f: number) => number): void {
  const op = c.byte();
  if (op >= 0x45 && op <= 0xc4) return; // numeric and sign-extension operators: no immediates
  if (op >= 0x28 && op <= 0x3e) return c.memarg(); // loads and stores
  switch (op) {
    case 0x00: // unreachable
    case 0x01: // nop
    case 0x05: // else
    case 0x0b: // end
    case 0x0f: // return
    case 0x1a: // drop
    case 0x1b: // select
    case 0xd1: // ref.is_null
    case 0xd3: // ref.as_non_null
    case 0xd5: // ref.eq
      return;
    case 0x02: // block
    case 0x03: // loop
    case 0x04: // if
      return c.blocktype();
    case 0x0c: // br
    case 0x0d: // br_if
    case 0x14: // call_ref type
    case 0x15: // return_call_ref type
    case 0xd4: // br_on_null
    case 0xd6: // br_on_non_null
    case 0x20: // local.get
    case 0x21:
    case 0x22:
    case 0x23: // global.get
    case 0x24:
    case 0x25: // table.get
    case 0x26: // table.set
    case 0x3f: // memory.size mem
    case 0x40: // memory.grow mem
      c.u32();
      return;
    case 0x0e: {
      // br_table: labels then the default
      for (let n = c.u32(); n > 0; n--) c.u32();
      c.u32();
      return;
    }
    case 0x10: // call
    case 0x12: // return_call
    case 0xd2: // ref.func
      c.out.push(...uleb(map(c.u32Uncopied())));
      return;
    case 0x11: // call_indirect type table
    case 0x13: // return_call_indirect
      c.u32();
      c.u32();
      return;
    case 0x1c: // select t*
      for (let n = c.u32(); n > 0; n--) c.valtype();
      return;
    case 0x41: // i32.const
    case 0x42: // i64.const
      return c.leb();
    case 0x43:
      return c.bytes(4);
    case 0x44:
      return c.bytes(8);
    case 0xd0: // ref.null ht
      return c.leb();
    case 0xfc:
      return miscImmediates(c, c.u32());
    case 0xfd:
      return simdImmediates(c, c.u32());
    case 0xfe: {
      const sub = c.u32();
      if (sub === 0x03) c.bytes(1); // atomic.fence
      else c.memarg();
      return;
    }
    default:
      throw new UnknownInstruction(`instruction 0x${op.toString(16)}`);
  }
}

/**
 * A function body (`locals` vector then the code, without its size prefix) with its function
 * indices mapped through `map`. Throws UnknownInstruction on an opcode it does not know.
 */
export function rewriteBody(bytes: Uint8Array, start: number, end: number, map: (f: number) => number): number[] {
  const c = new Copier(bytes, start, end);
  for (let n = c.u32(); n > 0; n--) {
    c.u32();
    c.valtype();
  }
  while (!c.done) instruction(c, map);
  return c.out;
}

/**
 * A constant expression starting at `start`, up to and including its final `end`: the copied
 * bytes and the position after it. Nested `end`s only occur inside blocks, which constant
 * expressions cannot contain, so the first `end` at depth 0 closes it.
 */
export function rewriteConstExpr(bytes: Uint8Array, start: number, map: (f: number) => number): { out: number[]; next: number } {
  const c = new Copier(bytes, start, bytes.length);
  for (;;) {
    const before = c.pos;
    instruction(c, map);
    if (bytes[before] === 0x0b) return { out: c.out, next: c.pos };
  }
}
