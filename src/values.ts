/**
 * Conversions between WasmValue (JSON-stable text) and the JS values the WebAssembly JS API
 * uses. The canonical float text is shared by expectations and observations, so equality of
 * text is equality of bits (except NaN classes, which the judge handles):
 *   - non-NaN: `String(x)` of the value as a JS number (exact for f64; an f32 widens exactly),
 *     with `-0` for negative zero and `inf` / `-inf` for infinities;
 *   - NaN: `nan:0x<bits>` with the raw bit pattern in lowercase hex (8 digits f32, 16 f64).
 */
import type { ValueType, WasmValue } from './outcome.ts';

const scratch = new DataView(new ArrayBuffer(8));

export function f32BitsToText(bits: number): string {
  scratch.setUint32(0, bits >>> 0);
  return floatText('f32', scratch.getFloat32(0), bits >>> 0);
}

export function f64BitsToText(bits: bigint): string {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits));
  return floatText('f64', scratch.getFloat64(0), BigInt.asUintN(64, bits));
}

function floatText(type: 'f32' | 'f64', x: number, bits: number | bigint): string {
  if (Number.isNaN(x)) return `nan:0x${bits.toString(16).padStart(type === 'f32' ? 8 : 16, '0')}`;
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** Text of a JS number observed as a wasm float result. NaN payloads are read from the number's bits. */
export function numberToText(type: 'f32' | 'f64', x: number): string {
  if (type === 'f64') {
    scratch.setFloat64(0, x);
    return f64BitsToText(scratch.getBigUint64(0));
  }
  scratch.setFloat32(0, x);
  return f32BitsToText(scratch.getUint32(0));
}

/** Parses canonical float text (or any JS number literal) to the JS number passed to wasm. */
export function textToNumber(type: 'f32' | 'f64', text: string): number {
  if (text.startsWith('nan:0x')) {
    const bits = BigInt(text.slice(4));
    if (type === 'f32') {
      scratch.setUint32(0, Number(bits));
      return scratch.getFloat32(0);
    }
    scratch.setBigUint64(0, bits);
    return scratch.getFloat64(0);
  }
  if (text === 'nan' || text.startsWith('nan:')) return NaN;
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  const x = Number(text);
  if (Number.isNaN(x)) throw new Error(`values: ${JSON.stringify(text)} is not a ${type} value`);
  return type === 'f32' ? Math.fround(x) : x;
}

/** The JS value to pass for a wasm parameter. References: `null`, or an index into `hostRefs`. */
export function toJs(v: WasmValue, hostRefs?: (index: number) => unknown): unknown {
  switch (v.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, BigInt(v.value)));
    case 'i64':
      return BigInt.asIntN(64, BigInt(v.value));
    case 'f32':
    case 'f64':
      return textToNumber(v.type, v.value);
    case 'funcref':
    case 'externref':
      if (v.value === 'null') return null;
      return hostRefs ? hostRefs(Number(v.value)) : Number(v.value);
    case 'v128':
      throw new Error('values: v128 cannot cross the JS boundary');
  }
}

/** The WasmValue for a JS result of wasm type `type`. */
export function fromJs(type: ValueType, x: unknown, refIndex?: (ref: unknown) => number): WasmValue {
  switch (type) {
    case 'i32':
      return { type, value: String((x as number) | 0) };
    case 'i64':
      return { type, value: BigInt.asIntN(64, x as bigint).toString() };
    case 'f32':
    case 'f64':
      return { type, value: numberToText(type, x as number) };
    case 'funcref':
    case 'externref':
      return { type, value: x === null ? 'null' : String(refIndex ? refIndex(x) : 0) };
    case 'v128':
      throw new Error('values: v128 cannot cross the JS boundary');
  }
}
