/**
 * The low-level wasm binary reader: a cursor over a byte range, value types, type-section entries,
 * limits and table types. Every parser of module structure here reads through it (layout.ts for
 * index spaces and signatures, the wizer snapshot reader for values).
 */
import type { FuncSig, SigType } from './signatures.ts';
import type { ValueType } from '../outcome.ts';

export class SignatureError extends Error {
  constructor(message: string) {
    super(`signatures: ${message}`);
    this.name = 'SignatureError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** A cursor over a byte range of a wasm binary (shared by the layout reader, src/wasm/layout.ts). */
export class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    pos: number,
    readonly end: number,
  ) {
    this.pos = pos;
  }
  byte(): number {
    if (this.pos >= this.end) throw new SignatureError(`unexpected end at byte ${this.pos}`);
    return this.b[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new SignatureError('LEB128 too long');
    }
  }
  /** Signed LEB128 up to 33 bits (heap types); returned as a JS number. */
  s33(): number {
    let result = 0;
    let shift = 0;
    let x: number;
    do {
      x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      shift += 7;
      if (shift > 35) throw new SignatureError('LEB128 too long');
    } while (x & 0x80);
    if (x & 0x40) result -= 2 ** shift;
    return result;
  }
  skip(n: number): void {
    this.pos += n;
    if (this.pos > this.end) throw new SignatureError('section overruns its size');
  }
  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    // import and export names are short and ASCII in nearly every module: decoded here they
    // are the same string, without a call into the TextDecoder (a hot path of every wrap)
    let ascii = '';
    for (let i = start; i < start + len; i++) {
      const c = this.b[i]!;
      if (c >= 0x80 || len > 64) return utf8.decode(this.b.subarray(start, start + len));
      ascii += String.fromCharCode(c);
    }
    return ascii;
  }
  /**
   * Skips the immediates of `op` (already read) when it is one of the instructions constant
   * expressions share with code and that encode alike in both (`*.const`, global.get, ref.func,
   * ref.null); false for any other opcode. The code walker (instructions.ts) reads these through it.
   */
  constantImmediates(op: number): boolean {
    switch (op) {
      case 0x41: // i32.const
      case 0x42: // i64.const
        this.s33Long();
        return true;
      case 0x43:
        this.skip(4);
        return true;
      case 0x44:
        this.skip(8);
        return true;
      case 0x23: // global.get
      case 0xd2: // ref.func
        this.u32();
        return true;
      case 0xd0: // ref.null ht
        this.s33();
        return true;
      default:
        return false;
    }
  }
  /** Skips a constant expression (global initialisers): up to and including `end` (0x0b). */
  skipConstExpr(): void {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (this.constantImmediates(op)) continue;
      if (op === 0xfd) {
        // v128.const
        this.u32();
        this.skip(16);
      } else if (op === 0xfb) {
        // GC constant instructions: struct.new/array.new(_default/_fixed), ref.i31, any/extern convert
        const sub = this.u32();
        if (sub === 0x08) {
          this.u32();
          this.u32(); // array.new_fixed type len
        } else if (sub <= 0x07) this.u32();
      }
      // else extended-const arithmetic (i32/i64 add/sub/mul) and anything else without immediates
    }
  }
  /** A signed LEB of any length (i64.const immediates); value unused. */
  s33Long(): void {
    let x: number;
    do x = this.byte();
    while (x & 0x80);
  }
}

const NUM_TYPES: Record<number, ValueType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

export function readValType(r: Reader): SigType {
  const code = r.byte();
  const t = NUM_TYPES[code];
  if (t) return t;
  if (code === 0x63 || code === 0x64) {
    // (ref null ht) / (ref ht): func / extern heap types keep their JS-boundary meaning
    const ht = r.s33();
    const nullable = code === 0x63;
    if (nullable && ht === -0x10) return 'funcref';
    if (nullable && ht === -0x11) return 'externref';
    return `other:ref${nullable ? ' null' : ''} ${ht}`;
  }
  // GC shorthand reference types (anyref 0x6e, eqref 0x6d, …): no JS-boundary conversion here
  if (code >= 0x65 && code <= 0x74) return `other:0x${code.toString(16)}`;
  throw new SignatureError(`unknown value type 0x${code.toString(16)} at byte ${r.pos - 1}`);
}

function readFuncType(r: Reader): FuncSig {
  const params: SigType[] = [];
  const results: SigType[] = [];
  for (let n = r.u32(); n > 0; n--) params.push(readValType(r));
  for (let n = r.u32(); n > 0; n--) results.push(readValType(r));
  return { params, results };
}

/** One entry of the type section: a function type, or a non-function (GC struct/array) placeholder. */
export function readSubType(r: Reader, types: Array<FuncSig | undefined>): void {
  let form = r.byte();
  if (form === 0x50 || form === 0x4f) {
    // sub / sub final: supertypes then the composite type
    for (let n = r.u32(); n > 0; n--) r.u32();
    form = r.byte();
  }
  switch (form) {
    case 0x60:
      types.push(readFuncType(r));
      return;
    case 0x5f: // struct: fields (valtype/packed, mutability)
      for (let n = r.u32(); n > 0; n--) {
        readStorageType(r);
        r.byte();
      }
      types.push(undefined);
      return;
    case 0x5e: // array
      readStorageType(r);
      r.byte();
      types.push(undefined);
      return;
    default:
      throw new SignatureError(`unknown type form 0x${form.toString(16)}`);
  }
}

/** Every entry of a type section (the reader at its start), GC rec groups counting each subtype: appended to `types`. */
export function readTypeSection(r: Reader, types: Array<FuncSig | undefined>): void {
  for (let n = r.u32(); n > 0; n--) {
    if (r.b[r.pos] === 0x4e) {
      r.byte();
      for (let m = r.u32(); m > 0; m--) readSubType(r, types);
    } else readSubType(r, types);
  }
}

function readStorageType(r: Reader): void {
  const b = r.b[r.pos];
  if (b === 0x78 || b === 0x77) {
    r.byte(); // i8 / i16 packed
    return;
  }
  readValType(r);
}

/** Skips a memory's or table's limits (memory64 and custom page sizes included). */
export function readLimits(r: Reader): void {
  const flags = r.byte();
  const is64 = (flags & 0x04) !== 0;
  if (is64) r.s33Long();
  else r.u32();
  if (flags & 0x01) {
    if (is64) r.s33Long();
    else r.u32();
  }
  if (flags & 0x08) r.u32(); // custom page size log2
}

export function readTableType(r: Reader): void {
  readValType(r);
  readLimits(r);
}

/** Skips an import's description of `kind` (already read): type index, table type, limits, global type or tag. */
export function skipImportDescription(r: Reader, kind: number): void {
  if (kind === 0x00) r.u32();
  else if (kind === 0x01) readTableType(r);
  else if (kind === 0x02) readLimits(r);
  else if (kind === 0x03) {
    readValType(r);
    r.byte();
  } else if (kind === 0x04) {
    r.byte();
    r.u32();
  } else throw new SignatureError(`unknown import kind 0x${kind.toString(16)}`);
}
