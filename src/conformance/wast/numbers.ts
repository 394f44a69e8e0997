/**
 * Numeric literals of the text format, decoded exactly: integers to two's-complement bits and
 * floats to IEEE bit patterns with round-to-nearest-even done in BigInt arithmetic (JS
 * `Math.fround(Number(s))` rounds twice and gets f32 halfway cases wrong, which the spec tests
 * check on purpose).
 */

export type FloatType = 'f32' | 'f64';

interface FloatFormat {
  /** Explicit mantissa bits. */
  m: number;
  /** Exponent bias. */
  bias: number;
  /** Total width. */
  width: number;
}

const FORMATS: Record<FloatType, FloatFormat> = {
  f32: { m: 23, bias: 127, width: 32 },
  f64: { m: 52, bias: 1023, width: 64 },
};

/** Why a literal is not a number of the wanted type (the caller adds the position). */
export class LiteralError extends Error {}

function digits(text: string, hex: boolean): string {
  const re = hex ? /^[0-9a-fA-F](_?[0-9a-fA-F])*$/ : /^[0-9](_?[0-9])*$/;
  if (!re.test(text)) throw new LiteralError(`malformed ${hex ? 'hexadecimal' : 'decimal'} digits "${text}"`);
  return text.replaceAll('_', '');
}

/**
 * An integer literal as unsigned bits of `width` (32 or 64). Accepts the signed and the
 * unsigned range, as the text format does (`-1` and `0xffffffff` are the same i32).
 */
export function parseIntBits(text: string, width: 8 | 16 | 32 | 64): bigint {
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const hex = s.startsWith('0x');
  const mag = BigInt(hex ? `0x${digits(s.slice(2), true)}` : digits(s, false));
  const limit = 1n << BigInt(width);
  if (neg ? mag > limit / 2n : mag >= limit) throw new LiteralError(`integer constant out of range for i${width}: ${text}`);
  return BigInt.asUintN(width, neg ? -mag : mag);
}

/** Signed decimal text of unsigned bits. */
export function signedText(bits: bigint, width: 32 | 64): string {
  return BigInt.asIntN(width, bits).toString();
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Rounds num/den (> 0) to the nearest representable magnitude; returns the bits without sign. */
function roundRational(num: bigint, den: bigint, f: FloatFormat): bigint {
  const emin = 1 - f.bias;
  // e = floor(log2(num/den))
  let e = bitLength(num) - bitLength(den);
  if (e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den) e--;
  const q = Math.max(e, emin) - f.m; // exponent of the last mantissa bit
  let n = num;
  let d = den;
  if (q >= 0) d <<= BigInt(q);
  else n <<= BigInt(-q);
  let mant = n / d;
  const rem = n - mant * d;
  if (rem * 2n > d || (rem * 2n === d && (mant & 1n) === 1n)) mant++;
  const infBits = BigInt((1 << (f.width - 1 - f.m)) - 1) << BigInt(f.m);
  if (e < emin) return mant; // subnormal (a carry into 2^m is exactly the smallest normal)
  const bits = (BigInt(e + f.bias) << BigInt(f.m)) + (mant - (1n << BigInt(f.m)));
  return bits >= infBits ? infBits : bits;
}

/** The exponent part of a float literal (sign, digits with `_`), clamped far beyond any float's range. */
function exponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const neg = text.startsWith('-');
  const value = Number(digits(text.replace(/^[+-]/, ''), false));
  return Math.min(value, 100_000) * (neg ? -1 : 1);
}

export type FloatLiteral =
  | { kind: 'bits'; bits: bigint }
  | { kind: 'nan-pattern'; nan: 'canonical' | 'arithmetic' };

/**
 * A float literal (`1.5`, `-0x1.8p3`, `inf`, `nan`, `nan:0x200000`, `1e-45`) as bits of `type`.
 * `nan:canonical` / `nan:arithmetic` only when `patterns` is set (assert_return results).
 */
export function parseFloatLiteral(text: string, type: FloatType, patterns = false): FloatLiteral {
  const f = FORMATS[type];
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const signBit = neg ? 1n << BigInt(f.width - 1) : 0n;
  const expAll = BigInt((1 << (f.width - 1 - f.m)) - 1) << BigInt(f.m);
  if (s === 'nan:canonical' || s === 'nan:arithmetic') {
    if (!patterns || neg) throw new LiteralError(`${text} is only allowed as an expected result`);
    return { kind: 'nan-pattern', nan: s === 'nan:canonical' ? 'canonical' : 'arithmetic' };
  }
  if (s === 'inf') return { kind: 'bits', bits: signBit | expAll };
  if (s === 'nan') return { kind: 'bits', bits: signBit | expAll | (1n << BigInt(f.m - 1)) };
  if (s.startsWith('nan:0x')) {
    const payload = BigInt(`0x${digits(s.slice(6), true)}`);
    if (payload === 0n || payload >= 1n << BigInt(f.m)) throw new LiteralError(`NaN payload out of range for ${type}: ${text}`);
    return { kind: 'bits', bits: signBit | expAll | payload };
  }
  let num: bigint;
  let den = 1n;
  if (s.startsWith('0x')) {
    const m = /^0x([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?[0-9_]+))?$/.exec(s);
    if (!m || m[1] === '') throw new LiteralError(`malformed ${type} literal "${text}"`);
    const int = digits(m[1]!, true);
    const frac = m[2] ? digits(m[2], true) : '';
    const exp = exponent(m[3]) - 4 * frac.length;
    num = BigInt(`0x${int}${frac}`);
    if (exp >= 0) num <<= BigInt(exp);
    else den <<= BigInt(-exp);
  } else {
    const m = /^([0-9_]+)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/.exec(s);
    if (!m) throw new LiteralError(`malformed ${type} literal "${text}"`);
    const int = digits(m[1]!, false);
    const frac = m[2] ? digits(m[2], false) : '';
    const exp = exponent(m[3]) - frac.length;
    num = BigInt(`${int}${frac}`);
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den = 10n ** BigInt(-exp);
  }
  if (num === 0n) return { kind: 'bits', bits: signBit };
  const mag = roundRational(num, den, f);
  if (mag === expAll) throw new LiteralError(`constant out of range for ${type}: ${text}`);
  return { kind: 'bits', bits: signBit | mag };
}

/** Whether float bits are a NaN. */
export function isNanBits(type: FloatType, bits: bigint): boolean {
  const f = FORMATS[type];
  const expAll = BigInt((1 << (f.width - 1 - f.m)) - 1) << BigInt(f.m);
  return (bits & expAll) === expAll && (bits & ((1n << BigInt(f.m)) - 1n)) !== 0n;
}

/** NaN class checks on bits, as the spec defines them (sign ignored). */
export function isCanonicalNan(type: FloatType, bits: bigint): boolean {
  return type === 'f32'
    ? (bits & 0x7fffffffn) === 0x7fc00000n
    : (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
}
export function isArithmeticNan(type: FloatType, bits: bigint): boolean {
  return isNanBits(type, bits) && (type === 'f32' ? (bits & 0x00400000n) !== 0n : (bits & 0x0008000000000000n) !== 0n);
}
