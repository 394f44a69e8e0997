/**
 * Reads the state of an instance out of a wizer snapshot. When wizer's init function returns, it
 * writes a module whose memory sections (minimum = the pages the instance had), active data
 * segments and global initialisers ARE the instance's memory and globals after the call
 * (measured on wizer 10.0.0 / 11.0.3, see profiles/wasmtime-wizer.json). So "memory after the
 * step" is: zeros of the memory's current size, overlaid with the active segments in order; "a
 * global after the step" is its constant initialiser.
 *
 * Only what wizer writes needs to be understood: constant initialisers (`*.const`, `global.get`,
 * extended-const arithmetic), active segments with constant offsets. Imported memories and
 * globals never occur: wizer refuses them.
 */
import type { WasmValue } from '../../outcome.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { Reader, SignatureError, readTableType, readValType } from '../../wasm/binary-reader.ts';
import { bitsToValue } from './probe-plan.ts';

export interface SnapshotMemory {
  /** Current size in bytes (minimum pages × page size). */
  byteLength: number;
  is64: boolean;
}

interface ActiveSegment {
  memory: number;
  offset: number;
  bytes: Uint8Array;
}

export interface SnapshotGlobal {
  type: SigType;
  /** Two's complement / IEEE bits; undefined for a type that has no integer bits (references, v128). */
  bits: bigint | undefined;
}

export interface Snapshot {
  memories: SnapshotMemory[];
  globals: SnapshotGlobal[];
  exports: Map<string, { kind: number; index: number }>;
  /** Data segments by index: passive ones with their bytes, active ones as `undefined`. */
  passiveData: Array<Uint8Array | undefined>;
  active: ActiveSegment[];
}

const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;

/** Signed LEB128 as a bigint (i32/i64 constants). */
function sleb(r: Reader): bigint {
  let result = 0n;
  let shift = 0n;
  let byte: number;
  do {
    byte = r.byte();
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (byte & 0x40) result -= 1n << shift;
  return result;
}

function littleEndian(r: Reader, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v |= BigInt(r.byte()) << BigInt(8 * i);
  return v;
}

/**
 * Evaluates a constant expression to integer bits; `undefined` for one whose value has no bits
 * (ref.null, ref.func, v128): those globals are reported missing, never guessed.
 */
function constExpr(r: Reader, globals: readonly SnapshotGlobal[]): bigint | undefined {
  const stack: Array<bigint | undefined> = [];
  const binary = (width: 32 | 64, f: (a: bigint, b: bigint) => bigint): void => {
    const b = stack.pop();
    const a = stack.pop();
    stack.push(a === undefined || b === undefined ? undefined : BigInt.asUintN(width, f(a, b)));
  };
  for (;;) {
    const op = r.byte();
    switch (op) {
      case 0x0b:
        return stack.pop();
      case 0x41:
        stack.push(BigInt.asUintN(32, sleb(r)));
        break;
      case 0x42:
        stack.push(BigInt.asUintN(64, sleb(r)));
        break;
      case 0x43:
        stack.push(littleEndian(r, 4));
        break;
      case 0x44:
        stack.push(littleEndian(r, 8));
        break;
      case 0x23:
        stack.push(globals[r.u32()]?.bits);
        break;
      case 0x6a:
        binary(32, (a, b) => a + b);
        break;
      case 0x6b:
        binary(32, (a, b) => a - b);
        break;
      case 0x6c:
        binary(32, (a, b) => a * b);
        break;
      case 0x7c:
        binary(64, (a, b) => a + b);
        break;
      case 0x7d:
        binary(64, (a, b) => a - b);
        break;
      case 0x7e:
        binary(64, (a, b) => a * b);
        break;
      case 0xd0:
        r.s33();
        stack.push(undefined);
        break;
      case 0xd2:
        r.u32();
        stack.push(undefined);
        break;
      case 0xfd:
        r.u32();
        r.skip(16);
        stack.push(undefined);
        break;
      default:
        throw new SignatureError(`snapshot: unexpected opcode 0x${op.toString(16)} in a constant expression`);
    }
  }
}

function memoryType(r: Reader): SnapshotMemory {
  const flags = r.byte();
  const is64 = (flags & 0x04) !== 0;
  const min = is64 ? Number(sleb(r)) : r.u32();
  if (flags & 0x01) {
    if (is64) sleb(r);
    else r.u32();
  }
  const pageSize = flags & 0x08 ? 2 ** r.u32() : 65536;
  return { byteLength: min * pageSize, is64 };
}

/** Parses a snapshot module (or any module: then it is the state right after instantiation, start aside). */
export function readSnapshot(bytes: Uint8Array): Snapshot {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new SignatureError('snapshot: not a wasm binary (bad magic)');
  const snap: Snapshot = { memories: [], globals: [], exports: new Map(), passiveData: [], active: [] };
  const top = new Reader(bytes, 8, bytes.length);
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const at = top.pos;
    top.skip(size);
    const r = new Reader(bytes, at, at + size);
    switch (id) {
      case 2:
        for (let n = r.u32(); n > 0; n--) {
          r.name();
          r.name();
          const kind = r.byte();
          if (kind === 0x00) r.u32();
          else if (kind === 0x01) readTableType(r);
          else if (kind === 0x02) snap.memories.push(memoryType(r));
          else if (kind === 0x03) {
            snap.globals.push({ type: readValType(r), bits: undefined });
            r.byte();
          } else if (kind === 0x04) {
            r.byte();
            r.u32();
          }
        }
        break;
      case 5:
        for (let n = r.u32(); n > 0; n--) snap.memories.push(memoryType(r));
        break;
      case 6:
        for (let n = r.u32(); n > 0; n--) {
          const type = readValType(r);
          r.byte(); // mutability
          snap.globals.push({ type, bits: constExpr(r, snap.globals) });
        }
        break;
      case 7:
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = r.byte();
          snap.exports.set(name, { kind, index: r.u32() });
        }
        break;
      case 11:
        for (let n = r.u32(); n > 0; n--) {
          const flags = r.u32();
          if (flags === 1) {
            const len = r.u32();
            snap.passiveData.push(bytes.slice(r.pos, r.pos + len));
            r.skip(len);
            continue;
          }
          const memory = flags === 2 ? r.u32() : 0;
          const offset = constExpr(r, snap.globals);
          const len = r.u32();
          if (offset === undefined) throw new SignatureError('snapshot: a data segment offset is not a constant');
          snap.active.push({ memory, offset: Number(offset), bytes: bytes.subarray(r.pos, r.pos + len) });
          snap.passiveData.push(undefined);
          r.skip(len);
        }
        break;
      default:
        break;
    }
  }
  return snap;
}

/** The memory expectations look at: the exported `memory`, else memory 0 (Expectation.memory). */
export function inspectedMemory(snap: Snapshot): number | undefined {
  const e = snap.exports.get('memory');
  const index = e?.kind === KIND_MEMORY ? e.index : 0;
  return snap.memories[index] === undefined ? undefined : index;
}

/**
 * `length` bytes of memory `index` from `offset`, cut off at the memory's end (as the reference
 * runtime reports a region that runs past it); empty when there is no such memory.
 */
export function memoryBytes(snap: Snapshot, index: number, offset: number, length: number): Uint8Array {
  const mem = snap.memories[index];
  if (!mem || offset >= mem.byteLength) return new Uint8Array(0);
  const end = Math.min(mem.byteLength, offset + length);
  const out = new Uint8Array(end - offset);
  for (const seg of snap.active) {
    if (seg.memory !== index) continue;
    const from = Math.max(seg.offset, offset);
    const to = Math.min(seg.offset + seg.bytes.length, end);
    if (from < to) out.set(seg.bytes.subarray(from - seg.offset, to - seg.offset), from - offset);
  }
  return out;
}

/** The value of an exported global, exact to the bit (floats by their bits); undefined when absent or unreadable. */
export function exportedGlobal(snap: Snapshot, name: string): WasmValue | undefined {
  const e = snap.exports.get(name);
  if (e?.kind !== KIND_GLOBAL) return undefined;
  return globalValue(snap, e.index);
}

/** Raw bits of an exported integer global (the probe plan's result globals). */
export function exportedGlobalBits(snap: Snapshot, name: string): bigint | undefined {
  const e = snap.exports.get(name);
  return e?.kind === KIND_GLOBAL ? snap.globals[e.index]?.bits : undefined;
}

function globalValue(snap: Snapshot, index: number): WasmValue | undefined {
  const g = snap.globals[index];
  if (!g || g.bits === undefined) return undefined;
  if (g.type !== 'i32' && g.type !== 'i64' && g.type !== 'f32' && g.type !== 'f64') return undefined;
  return bitsToValue(g.type, g.bits);
}
