/**
 * Values on the driver wire. The case format's float text (`0.1`, `-0`, `nan:0x7fc00001`) is
 * JavaScript's shortest round-trip printing, which a C or Go driver cannot reproduce exactly, so
 * the protocol carries floats as their raw bits instead: `0x` + 8 (f32) or 16 (f64) hex digits.
 * Integers are signed decimal text (i64 does not fit a JSON number). Both directions are exact:
 * NaN payloads, signalling NaNs and -0 survive.
 */
import type { ValueType, WasmValue } from '../../outcome.ts';
import { VALUE_TYPES } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../values.ts';
import type { WireValue } from './messages.ts';

/** A driver line that breaks the protocol: the message names what and where. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const scratch = new DataView(new ArrayBuffer(8));

function floatBits(type: 'f32' | 'f64', text: string): string {
  const digits = type === 'f32' ? 8 : 16;
  let bits: bigint;
  if (text.startsWith('nan:0x')) bits = BigInt(text.slice(4));
  else if (text === 'nan' || text.startsWith('nan:')) bits = type === 'f32' ? 0x7fc00000n : 0x7ff8000000000000n;
  else {
    const x = text === 'inf' || text === '+inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
    if (type === 'f32') {
      scratch.setFloat32(0, x);
      bits = BigInt(scratch.getUint32(0));
    } else {
      scratch.setFloat64(0, x);
      bits = scratch.getBigUint64(0);
    }
  }
  return `0x${bits.toString(16).padStart(digits, '0')}`;
}

/** A case value (argument) as the driver gets it. */
export function toWireValue(v: WasmValue): WireValue {
  switch (v.type) {
    case 'i32':
      return { type: v.type, value: BigInt.asIntN(32, BigInt(v.value)).toString() };
    case 'i64':
      return { type: v.type, value: BigInt.asIntN(64, BigInt(v.value)).toString() };
    case 'f32':
    case 'f64':
      return { type: v.type, value: floatBits(v.type, v.value) };
    default:
      return { type: v.type, value: v.value };
  }
}

const INT_RANGE: Record<'i32' | 'i64', [bigint, bigint]> = {
  i32: [-(1n << 31n), (1n << 31n) - 1n],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
};

/** A driver's value → the case format's WasmValue; throws ProtocolError naming `where` and the fault. */
export function fromWireValue(raw: unknown, where: string): WasmValue {
  if (typeof raw !== 'object' || raw === null) throw new ProtocolError(`${where}: a value must be an object {type, value}, got ${JSON.stringify(raw)}`);
  const { type, value } = raw as { type?: unknown; value?: unknown };
  if (typeof type !== 'string' || !(VALUE_TYPES as readonly string[]).includes(type)) throw new ProtocolError(`${where}: unknown value type ${JSON.stringify(type)}`);
  const t = type as ValueType;
  if (typeof value !== 'string') throw new ProtocolError(`${where}: ${t} value must be a string (${t === 'i32' || t === 'i64' ? 'signed decimal' : 'hex bits'}), got ${typeof value} ${JSON.stringify(value)}`);
  switch (t) {
    case 'i32':
    case 'i64': {
      if (!/^-?(0|[1-9]\d*)$/.test(value)) throw new ProtocolError(`${where}: ${t} value must be signed decimal text, got ${JSON.stringify(value)}`);
      const n = BigInt(value);
      const [lo, hi] = INT_RANGE[t];
      if (n < lo || n > hi) throw new ProtocolError(`${where}: ${t} value ${value} is out of range (signed decimal: ${lo}..${hi})`);
      return { type: t, value: n.toString() };
    }
    case 'f32':
    case 'f64': {
      const digits = t === 'f32' ? 8 : 16;
      if (!new RegExp(`^0x[0-9a-fA-F]{${digits}}$`).test(value)) throw new ProtocolError(`${where}: ${t} value must be its raw bits as 0x + ${digits} hex digits, got ${JSON.stringify(value)}`);
      return { type: t, value: t === 'f32' ? f32BitsToText(Number.parseInt(value.slice(2), 16)) : f64BitsToText(BigInt(value)) };
    }
    case 'funcref':
    case 'externref':
      if (value !== 'null' && !/^\d+$/.test(value)) throw new ProtocolError(`${where}: ${t} value must be "null" or an index, got ${JSON.stringify(value)}`);
      return { type: t, value };
    case 'v128':
      if (!/^0x[0-9a-fA-F]{32}$/.test(value)) throw new ProtocolError(`${where}: v128 value must be 0x + 32 hex digits, got ${JSON.stringify(value)}`);
      return { type: t, value: value.toLowerCase() };
  }
}
