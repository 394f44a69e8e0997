/**
 * Non-saturating float → int truncation sites. The trap kind follows from the input exactly:
 * NaN ⇒ invalid conversion, a value whose truncation does not fit ⇒ integer overflow. Fixed
 * details name the edge (canonical NaNs, infinities, the first value out of range, a far one);
 * the `drawn` detail takes the input from generators/values.ts (f32Bits / f64Bits: payloads,
 * infinities, ±2^31, 2^32, 2^63, max finite, random bits) and, when the draw would not raise this
 * site's trap, bends its bits into the site's class (forces a NaN, or the sign and exponent of an
 * out-of-range value). Every case tags `value:trunc-input` with the class of the input it emitted.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { floatBits } from '../../src/wasm/builder.ts';
import type { TruncOp } from '../trunc-ops.ts';
import { TRUNC_OPS } from '../trunc-ops.ts';
import type { SiteCtx, SiteDef } from './site.ts';

type Side = 'nan' | 'above' | 'below';

export const TRUNC_INPUT_CLASSES = ['canonical-nan', 'nan-payload', 'infinity', 'first-out-of-range', 'far-out-of-range'] as const;

const F32_MAX = 3.4028234663852886e38;

/** The float formats' bit layouts. */
const FORMAT = {
  f32: { bits: 32n, mantissa: 23n, bias: 127n },
  f64: { bits: 64n, mantissa: 52n, bias: 1023n },
} as const;

function layout(from: 'f32' | 'f64'): { mantissa: bigint; expMax: bigint; bias: bigint; sign: bigint; quiet: bigint } {
  const f = FORMAT[from];
  const expBits = f.bits - 1n - f.mantissa;
  return { mantissa: f.mantissa, expMax: (1n << expBits) - 1n, bias: f.bias, sign: 1n << (f.bits - 1n), quiet: 1n << (f.mantissa - 1n) };
}

/** The float value of raw bits. */
function valueOf(from: 'f32' | 'f64', bits: bigint): number {
  if (from === 'f32') return new Float32Array(new Uint32Array([Number(bits)]).buffer)[0]!;
  return new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
}

/** Just outside the range, per op: the first value whose truncation does not fit. */
export function truncOutOfRange(op: TruncOp, side: 'above' | 'below'): number {
  const bits = op.to === 'i32' ? 32 : 64;
  if (side === 'above') return op.signed ? 2 ** (bits - 1) : 2 ** bits;
  if (!op.signed) return -1;
  // The next representable value below -2^(bits-1).
  // (f64 → i32 has sub-integer precision there: -2^31 - 0.5 still truncates into range, so step by 1.)
  const ulp = 2 ** (bits - 1 - (op.from === 'f32' ? 23 : 52));
  return -(2 ** (bits - 1)) - Math.max(ulp, 1);
}

/** Which trap truncating `v` raises: NaN, above or below the range, or none. Exact on doubles. */
export function truncTrap(op: TruncOp, v: number): Side | undefined {
  if (Number.isNaN(v)) return 'nan';
  const width = op.to === 'i32' ? 32 : 64;
  if (v >= (op.signed ? 2 ** (width - 1) : 2 ** width)) return 'above';
  if (Math.trunc(v) < (op.signed ? -(2 ** (width - 1)) : 0)) return 'below';
  return undefined;
}

function inputClass(op: TruncOp, side: Side, bits: bigint): string {
  const v = valueOf(op.from, bits);
  if (truncTrap(op, v) !== side) throw new Error(`core-traps: ${op.name} input ${v} (bits ${bits}) does not raise the ${side} trap`);
  const l = layout(op.from);
  if (Number.isNaN(v)) return (bits & ((1n << l.mantissa) - 1n)) === l.quiet ? 'canonical-nan' : 'nan-payload';
  if (!Number.isFinite(v)) return 'infinity';
  return v === truncOutOfRange(op, side as 'above' | 'below') ? 'first-out-of-range' : 'far-out-of-range';
}

function bitsOf(from: 'f32' | 'f64', v: number): bigint {
  if (from === 'f32') return BigInt(new Uint32Array(new Float32Array([v]).buffer)[0]!);
  return new BigUint64Array(new Float64Array([v]).buffer)[0]!;
}

/**
 * The drawn bits bent into `side`'s class: a NaN keeps the payload (or gets the quiet bit); an
 * out-of-range value keeps the mantissa and gets the side's sign and an exponent at or above the
 * range's; infinity stays infinity. If the result still fits (a signed below-range value within
 * one of −2^(n−1)), the first out-of-range value is used.
 */
function bend(op: TruncOp, side: Side, bits: bigint): bigint {
  if (truncTrap(op, valueOf(op.from, bits)) === side) return bits;
  const l = layout(op.from);
  const mantissaMask = (1n << l.mantissa) - 1n;
  const expField = l.expMax << l.mantissa;
  if (side === 'nan') return bits | expField | ((bits & mantissaMask) === 0n ? l.quiet : 0n);
  const sign = side === 'below' ? l.sign : 0n;
  const exp = (bits & expField) >> l.mantissa;
  let out: bigint;
  if (exp === l.expMax) out = sign | expField;
  else {
    const limit = side === 'below' && !op.signed ? 0n : BigInt((op.to === 'i32' ? 32 : 64) - (op.signed ? 1 : 0));
    const lowest = l.bias + limit;
    out = sign | ((lowest + (exp % (l.expMax - lowest))) << l.mantissa) | (bits & mantissaMask);
  }
  return truncTrap(op, valueOf(op.from, out)) === side ? out : bitsOf(op.from, truncOutOfRange(op, side));
}

/** The input bits of a fixed detail. */
function fixedBits(op: TruncOp, detail: string, a: number, b: number, variant: number): bigint {
  const l = layout(op.from);
  const qnan = (l.expMax << l.mantissa) | l.quiet;
  switch (detail) {
    case 'nan':
      return qnan;
    case '-nan':
      return l.sign | qnan;
    case 'nan-payload': {
      const payload = op.from === 'f32' ? BigInt(a & 0x7fffff) : (BigInt(a & 0xfffff) << 32n) | BigInt(b >>> 0);
      return (l.expMax << l.mantissa) | (payload || 1n) | ((op.from === 'f32' ? b & 1 : variant & 8) ? l.sign : 0n);
    }
    case 'inf':
    case '-inf':
      return (detail === 'inf' ? 0n : l.sign) | (l.expMax << l.mantissa);
    case 'just-above':
    case 'just-below':
      return bitsOf(op.from, truncOutOfRange(op, detail === 'just-above' ? 'above' : 'below'));
    default: {
      const far = op.from === 'f32' ? F32_MAX : 1e300;
      return bitsOf(op.from, detail === 'far-above' ? far : -far);
    }
  }
}

function inputBits(op: TruncOp, side: Side, ctx: SiteCtx): bigint {
  const { p, detail } = ctx;
  if (detail !== 'drawn') return fixedBits(op, detail, p.a, p.b, p.variant);
  const drawn = op.from === 'f32' ? BigInt(p.ops.f32.value >>> 0) : BigInt(p.ops.f64.value);
  return bend(op, side, drawn);
}

function truncExpr(m: BModule, op: TruncOp, x: Expr): Expr {
  const unops = (m[op.to] as unknown as Record<string, Record<string, (x: Expr) => Expr>>)[op.signed ? 'trunc_s' : 'trunc_u']!;
  return unops[op.from]!(x);
}

const DETAILS: Record<Side, readonly string[]> = {
  nan: ['nan', '-nan', 'nan-payload', 'drawn'],
  above: ['just-above', 'inf', 'far-above', 'drawn'],
  below: ['just-below', '-inf', 'far-below', 'drawn'],
};

export const TRUNCATION_SITES: SiteDef[] = TRUNC_OPS.flatMap((op) =>
  (['nan', 'above', 'below'] as const).map(
    (side): SiteDef => ({
      key: `${op.name}/${side}`,
      site: op.name,
      group: side === 'nan' ? 'trunc-nan' : 'trunc-range',
      trap: side === 'nan' ? 'invalid conversion to integer' : 'integer overflow',
      features: [],
      details: DETAILS[side],
      build: (ctx) => {
        const bits = inputBits(op, side, ctx);
        ctx.values['value:trunc-input'] = inputClass(op, side, bits);
        return { expr: truncExpr(ctx.m, op, floatBits(ctx.m, op.from, bits)), type: op.to };
      },
    }),
  ),
);
