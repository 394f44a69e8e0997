/**
 * Expected results of `assert_return` (exact bits, NaN classes, v128 lanes with per-lane NaN
 * classes, references) matched against what a runtime observed, directly (WasmValue text) or
 * through a wrapper (integer bit patterns). Also the spec trap message → TrapKind mapping.
 */
import type { TrapKind, WasmValue } from '../../outcome.ts';
import { TRAP_KINDS } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../values.ts';
import type { FloatType } from './numbers.ts';
import { isArithmeticNan, isCanonicalNan } from './numbers.ts';
import type { Const, LanePattern, ResultPattern, V128Shape } from './script.ts';
import { bytesToLanes, LANES, lanesToBytes } from './script.ts';
import type { ResultLayout } from './wrapper.ts';

/** A value as observed, decoded to bits. */
export type Observed =
  | { type: 'i32' | 'i64' | 'f32' | 'f64'; bits: bigint }
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'funcref' | 'externref'; value: string };

const scratch = new DataView(new ArrayBuffer(8));

/** Bits of canonical float text (values.ts form: decimal, `-0`, `inf`, `nan:0x…`). */
export function floatTextBits(type: FloatType, text: string): bigint {
  if (text.startsWith('nan:0x')) return BigInt(text.slice(4));
  const x = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === '-0' ? -0 : Number(text);
  if (type === 'f32') {
    scratch.setFloat32(0, x);
    return BigInt(scratch.getUint32(0));
  }
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

/** Decodes a direct invoke result. */
export function fromWasmValue(v: WasmValue): Observed {
  switch (v.type) {
    case 'i32':
      return { type: 'i32', bits: BigInt.asUintN(32, BigInt(v.value)) };
    case 'i64':
      return { type: 'i64', bits: BigInt.asUintN(64, BigInt(v.value)) };
    case 'f32':
    case 'f64':
      return { type: v.type, bits: floatTextBits(v.type, v.value) };
    case 'funcref':
    case 'externref':
      return { type: v.type, value: v.value };
    case 'v128':
      throw new Error('v128 results are only observed through wrappers');
  }
}

/** Decodes a wrapper's flat integer results back into the original results. */
export function fromWrapperValues(values: readonly WasmValue[], layout: readonly ResultLayout[]): Observed[] {
  const out: Observed[] = [];
  let i = 0;
  const next = (): WasmValue => {
    const v = values[i++];
    if (!v) throw new Error(`wrapper returned ${values.length} value(s), fewer than its layout needs`);
    return v;
  };
  for (const l of layout) {
    switch (l) {
      case 'i32':
      case 'i64':
        out.push(fromWasmValue(next()));
        break;
      case 'f32-bits':
        out.push({ type: 'f32', bits: BigInt.asUintN(32, BigInt(next().value)) });
        break;
      case 'f64-bits':
        out.push({ type: 'f64', bits: BigInt.asUintN(64, BigInt(next().value)) });
        break;
      case 'v128-lanes': {
        const lo = BigInt(next().value);
        const hi = BigInt(next().value);
        out.push({ type: 'v128', bytes: lanesToBytes('i64x2', [lo, hi]) });
        break;
      }
      case 'ref':
        out.push(fromWasmValue(next()));
        break;
    }
  }
  return out;
}

function laneMatches(p: LanePattern, float: FloatType | undefined, bits: bigint): boolean {
  if ('nan' in p) return float !== undefined && (p.nan === 'canonical' ? isCanonicalNan(float, bits) : isArithmeticNan(float, bits));
  return p.bits === bits;
}

export function matches(p: ResultPattern, o: Observed): boolean {
  switch (p.type) {
    case 'either':
      return p.options.some((q) => matches(q, o));
    case 'i32':
    case 'i64':
    case 'f32':
    case 'f64':
      if (o.type !== p.type) return false;
      if ('nan' in p) return p.nan === 'canonical' ? isCanonicalNan(p.type, o.bits) : isArithmeticNan(p.type, o.bits);
      return o.bits === p.bits;
    case 'v128': {
      if (o.type !== 'v128') return false;
      const lanes = bytesToLanes(p.shape, o.bytes);
      const float = LANES[p.shape].float;
      return p.lanes.every((l, i) => laneMatches(l, float, lanes[i]!));
    }
    case 'ref.null':
      return (o.type === 'funcref' || o.type === 'externref') && o.value === 'null' && (p.heap === undefined || heapCompatible(p.heap, o.type));
    case 'ref.extern':
    case 'ref.host':
      return o.type === 'externref' && o.value !== 'null' && (p.index === undefined || o.value === String(p.index));
    case 'ref.func':
      return o.type === 'funcref' && o.value !== 'null';
    default:
      // GC reference kinds (struct, array, i31, eq, any, exn): never observable through this boundary
      return false;
  }
}

function heapCompatible(heap: string, type: 'funcref' | 'externref'): boolean {
  if (heap === 'func' || heap === 'nofunc') return type === 'funcref';
  if (heap === 'extern' || heap === 'noextern') return type === 'externref';
  return true;
}

function floatText(type: FloatType, bits: bigint): string {
  return type === 'f32' ? f32BitsToText(Number(bits)) : f64BitsToText(bits);
}

function laneText(shape: V128Shape, bits: bigint): string {
  const { float, width } = LANES[shape];
  return float ? floatText(float, bits) : BigInt.asIntN(width, bits).toString();
}

export function formatPattern(p: ResultPattern): string {
  switch (p.type) {
    case 'either':
      return `either(${p.options.map(formatPattern).join(' | ')})`;
    case 'i32':
    case 'i64':
      return `${p.type}:${BigInt.asIntN(p.type === 'i32' ? 32 : 64, p.bits)}`;
    case 'f32':
    case 'f64':
      return 'nan' in p ? `${p.type}:nan:${p.nan}` : `${p.type}:${floatText(p.type, p.bits)}`;
    case 'v128':
      return `v128:${p.shape}[${p.lanes.map((l) => ('nan' in l ? `nan:${l.nan}` : laneText(p.shape, l.bits))).join(' ')}]`;
    case 'ref.null':
      return p.heap ? `ref.null ${p.heap}` : 'ref.null';
    default:
      return p.index === undefined ? p.type : `${p.type} ${p.index}`;
  }
}

/** Observed value text; v128 is shown in the shape of the expected pattern when there is one. */
export function formatObserved(o: Observed, like?: ResultPattern): string {
  switch (o.type) {
    case 'i32':
    case 'i64':
      return `${o.type}:${BigInt.asIntN(o.type === 'i32' ? 32 : 64, o.bits)}`;
    case 'f32':
    case 'f64':
      return `${o.type}:${floatText(o.type, o.bits)}`;
    case 'v128': {
      let shape: V128Shape = 'i32x4';
      if (like?.type === 'v128') shape = like.shape;
      else if (like?.type === 'either') {
        const v = like.options.find((x) => x.type === 'v128');
        if (v?.type === 'v128') shape = v.shape;
      }
      return `v128:${shape}[${bytesToLanes(shape, o.bytes).map((b) => laneText(shape, b)).join(' ')}]`;
    }
    default:
      return o.value === 'null' ? `ref.null ${o.type === 'funcref' ? 'func' : 'extern'}` : `${o.type}:${o.value}`;
  }
}

export function formatConst(c: Const): string {
  switch (c.type) {
    case 'i32':
    case 'i64':
      return `${c.type}:${BigInt.asIntN(c.type === 'i32' ? 32 : 64, c.bits)}`;
    case 'f32':
    case 'f64':
      return `${c.type}:${floatText(c.type, c.bits)}`;
    case 'v128':
      return `v128:i32x4[${bytesToLanes('i32x4', c.bytes).map((b) => BigInt.asIntN(32, b)).join(' ')}]`;
    case 'ref.null':
      return `ref.null ${c.heap}`;
    default:
      return `${c.type} ${c.index}`;
  }
}

/** A pattern as an exact WasmValue, when it is one (for the Case's own expectation). */
export function patternAsValue(p: ResultPattern): WasmValue | undefined {
  switch (p.type) {
    case 'i32':
    case 'i64':
      return { type: p.type, value: BigInt.asIntN(p.type === 'i32' ? 32 : 64, p.bits).toString() };
    case 'f32':
    case 'f64':
      return 'nan' in p ? undefined : { type: p.type, value: floatText(p.type, p.bits) };
    case 'ref.null':
      if (p.heap === 'func' || p.heap === 'nofunc') return { type: 'funcref', value: 'null' };
      if (p.heap === 'extern' || p.heap === 'noextern') return { type: 'externref', value: 'null' };
      return undefined;
    case 'ref.extern':
      return p.index === undefined ? undefined : { type: 'externref', value: String(p.index) };
    default:
      return undefined;
  }
}

/** Whether a pattern (or a constant) involves a NaN, whose payload a JS number may not carry. */
export function patternHasNan(p: ResultPattern): boolean {
  switch (p.type) {
    case 'either':
      return p.options.some(patternHasNan);
    case 'f32':
    case 'f64':
      return 'nan' in p || isNan(p.type, p.bits);
    case 'v128':
      return true;
    default:
      return false;
  }
}

function isNan(type: FloatType, bits: bigint): boolean {
  return type === 'f32' ? (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n : (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n;
}

export function constHasNan(c: Const): boolean {
  return (c.type === 'f32' || c.type === 'f64') && isNan(c.type, c.bits);
}

/**
 * The TrapKinds a spec failure message stands for. The reference interpreter accepts an actual
 * message that *starts with* the expected text, so "uninitialized element 2" is the kind
 * "uninitialized element", and an expected text that is a prefix of several kinds accepts each.
 * Undefined: the message names no TrapKind (GC's "cast failure", "null array reference" …).
 */
export function trapKindsFor(message: string): TrapKind[] | undefined {
  const exact = TRAP_KINDS.filter((k) => message.startsWith(k));
  if (exact.length > 0) return [exact.reduce((a, b) => (b.length > a.length ? b : a))];
  const wider = TRAP_KINDS.filter((k) => message.length > 0 && k.startsWith(message));
  return wider.length > 0 ? wider : undefined;
}
