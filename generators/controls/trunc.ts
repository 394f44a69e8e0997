/**
 * Float → int truncation that must not trap: the largest and smallest inputs that still fit
 * (bug-catalog #5, spec#1224: i32.trunc_f64_s(-2147483648.9) is -2147483648, not a trap), the
 * saturating conversions at NaN, ±inf and past the range, and both over interesting float bits
 * (values.ts): a saturating conversion of any bits has an exact result (NaN → 0, clamped at the
 * edges); a trapping one is given the drawn bits only when their truncation fits, else its edge.
 */
import fc from 'fast-check';
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { floatBits } from '../../src/wasm/builder.ts';
import type { TruncOp } from '../trunc-ops.ts';
import { TRUNC_OPS } from '../trunc-ops.ts';
import type { Drawn } from '../values.ts';
import { f32Bits, f64Bits, VALUE_CLASSES } from '../values.ts';
import type { ControlDef, ControlParams, UnOps } from './def.ts';
import { INT64_MIN, intValue, operand } from './def.ts';

/** The largest and smallest inputs whose truncation still fits, with the truncated value. */
const TRUNC_EDGES: Record<string, { max: [number, bigint]; min: [number, bigint] }> = {
  'i32.trunc_f64_s': { max: [2147483647.9, 2147483647n], min: [-2147483648.9, -2147483648n] },
  'i32.trunc_f32_s': { max: [2147483520, 2147483520n], min: [-2147483648, -2147483648n] },
  'i32.trunc_f64_u': { max: [4294967295.9, 4294967295n], min: [-0.9, 0n] },
  'i32.trunc_f32_u': { max: [4294967040, 4294967040n], min: [-0.9, 0n] },
  'i64.trunc_f64_s': { max: [9223372036854774784, 9223372036854774784n], min: [-9223372036854775808, INT64_MIN] },
  'i64.trunc_f32_s': { max: [9223371487098961920, 9223371487098961920n], min: [-9223372036854775808, INT64_MIN] },
  'i64.trunc_f64_u': { max: [18446744073709549568, 18446744073709549568n], min: [-0.9, 0n] },
  'i64.trunc_f32_u': { max: [18446742974197923840, 18446742974197923840n], min: [-0.9, 0n] },
};

const fconst = (m: BModule, from: 'f32' | 'f64', x: number): Expr => (from === 'f32' ? m.f32.const(x) : m.f64.const(x));

/** The bits of the canonical NaN of `type`, with the sign bit when `negative`. */
function canonicalNan(type: 'f32' | 'f64', negative: boolean): bigint {
  return type === 'f32' ? (negative ? 0xffc00000n : 0x7fc00000n) : negative ? 0xfff8000000000000n : 0x7ff8000000000000n;
}
const truncFn = (m: BModule, op: TruncOp, sat: boolean): ((x: Expr) => Expr) =>
  (m[op.to] as unknown as UnOps)[`trunc_${op.signed ? 's' : 'u'}${sat ? '_sat' : ''}`]![op.from]!;

/** The representable range of `op`'s result. */
function range(op: TruncOp): { min: bigint; max: bigint } {
  const bits = op.to === 'i32' ? 32 : 64;
  return op.signed ? { min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n } : { min: 0n, max: (1n << BigInt(bits)) - 1n };
}

const scratch = new DataView(new ArrayBuffer(8));
/** The float value of raw bits (exact: every f32 and f64 is a JS number). */
function bitsValue(from: 'f32' | 'f64', bits: bigint): number {
  if (from === 'f32') {
    scratch.setUint32(0, Number(BigInt.asUintN(32, bits)));
    return scratch.getFloat32(0);
  }
  scratch.setBigUint64(0, BigInt.asUintN(64, bits));
  return scratch.getFloat64(0);
}

/** The truncation of `x` toward zero, or undefined when it is NaN, infinite or out of `op`'s range. */
function truncated(op: TruncOp, x: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  const t = BigInt(Math.trunc(x));
  const { min, max } = range(op);
  return t < min || t > max ? undefined : t;
}

/** What trunc_sat gives for `x`: NaN → 0, otherwise the truncation clamped to the range. */
function saturated(op: TruncOp, x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  const { min, max } = range(op);
  if (x === Infinity) return max;
  if (x === -Infinity) return min;
  const t = BigInt(Math.trunc(x));
  return t < min ? min : t > max ? max : t;
}

/** Every class as often as the others: a control gets few draws in a run, and each class must show up. */
const UNIFORM = { classes: 'uniform' } as const;
const floatOperand = (from: 'f32' | 'f64'): fc.Arbitrary<{ f32?: Drawn<number>; f64?: Drawn<string> }> =>
  from === 'f32' ? fc.record({ f32: f32Bits(UNIFORM) }) : fc.record({ f64: f64Bits(UNIFORM) });
const drawnBits = (p: ControlParams, from: 'f32' | 'f64'): { bits: bigint; cls: string } => {
  const d = from === 'f32' ? operand(p, 'f32') : operand(p, 'f64');
  return { bits: BigInt(d.value), cls: d.class };
};

/** Every float class whose value fits some truncation (never NaN, ±inf, the largest finite). */
const FITTING = [...VALUE_CLASSES.float, ...VALUE_CLASSES.f32Only, ...VALUE_CLASSES.f64Only].filter(
  (c) => !['plus-inf', 'minus-inf', 'canonical-nan', 'nan-payload', 'max-finite'].includes(c),
);

function controlsOf(op: TruncOp): ControlDef[] {
  const edges = TRUNC_EDGES[op.name]!;
  const { min, max } = range(op);
  const satName = `${op.to}.trunc_sat_${op.from}_${op.signed ? 's' : 'u'}`;
  const sat: Feature[] = ['nontrapping-fptoint'];
  const bits = op.to === 'i32' ? 32 : 64;
  return [
    {
      key: `${op.name}/edge`,
      site: op.name,
      features: [],
      details: ['max', 'min'],
      build: ({ m, detail }) => {
        const [x, v] = detail === 'max' ? edges.max : edges.min;
        return { expr: truncFn(m, op, false)(fconst(m, op.from, x)), value: intValue(op.to, v) };
      },
    },
    {
      key: `${satName}/saturate`,
      site: satName,
      features: sat,
      details: ['nan', '-nan', 'inf', '-inf', 'above', 'below'],
      // its details are every saturating conversion's: 8 controls share them
      weight: 2,
      build: ({ m, detail, p }) => {
        // NaNs by their bits: a JS NaN's sign is not the program's to choose (V8 gave `-NaN` the
        // sign bit in its interpreter and dropped it in optimised code, so '-nan' built a
        // positive NaN once the build was hot, and the bytes of a case depended on what ran before)
        if (detail === 'nan' || detail === '-nan') {
          const nan = floatBits(m, op.from, canonicalNan(op.from, detail === '-nan'));
          return { expr: truncFn(m, op, true)(nan), value: intValue(op.to, 0n) };
        }
        const far = op.from === 'f32' ? 3.4028234663852886e38 : 1e300;
        const inputs: Record<string, number> = {
          inf: Infinity,
          '-inf': -Infinity,
          above: p.a & 1 ? far : 2 ** (op.signed ? bits - 1 : bits),
          below: p.a & 1 ? -far : op.signed ? -(2 ** bits) : -1,
        };
        const expected = detail === 'inf' || detail === 'above' ? max : min;
        return { expr: truncFn(m, op, true)(fconst(m, op.from, inputs[detail]!)), value: intValue(op.to, expected) };
      },
    },
    {
      key: `${satName}/operand`,
      site: satName,
      features: sat,
      details: ['operand'],
      weight: 4,
      operands: floatOperand(op.from),
      values: { 'value:trunc-sat-input': [...VALUE_CLASSES.float, ...VALUE_CLASSES.f32Only, ...VALUE_CLASSES.f64Only] },
      build: ({ m, p }) => {
        const drawn = drawnBits(p, op.from);
        return {
          expr: truncFn(m, op, true)(floatBits(m, op.from, drawn.bits)),
          value: intValue(op.to, saturated(op, bitsValue(op.from, drawn.bits))),
          values: { 'value:trunc-sat-input': drawn.cls },
        };
      },
    },
  ];
}

/**
 * A trapping truncation of interesting float bits: the bits go to a truncation from their type
 * that they fit (picked by `variant` among those), so every fitting class is emitted whichever
 * conversion it fits (2^63 fits only i64.trunc_f64_u); bits that fit none (NaN, ±inf, huge)
 * would trap, which is core-traps' case: the edge of the same sign is used instead.
 */
function operandControl(from: 'f32' | 'f64'): ControlDef {
  const ops = TRUNC_OPS.filter((op) => op.from === from);
  return {
    key: `trunc_${from}/operand`,
    site: ops[0]!.name,
    sites: ops.map((op) => op.name),
    features: [],
    details: ['operand'],
    weight: 16,
    operands: floatOperand(from),
    values: { 'value:trunc-input': [...FITTING, 'edge-max', 'edge-min'] },
    build: ({ m, p }) => {
      const drawn = drawnBits(p, from);
      const x = bitsValue(from, drawn.bits);
      const fitting = ops.filter((op) => truncated(op, x) !== undefined);
      if (fitting.length === 0) {
        const op = ops[p.variant % ops.length]!;
        const [edge, v] = x < 0 ? TRUNC_EDGES[op.name]!.min : TRUNC_EDGES[op.name]!.max;
        return { expr: truncFn(m, op, false)(fconst(m, from, edge)), value: intValue(op.to, v), site: op.name, values: { 'value:trunc-input': x < 0 ? 'edge-min' : 'edge-max' } };
      }
      const op = fitting[p.variant % fitting.length]!;
      return { expr: truncFn(m, op, false)(floatBits(m, from, drawn.bits)), value: intValue(op.to, truncated(op, x)!), site: op.name, values: { 'value:trunc-input': drawn.cls } };
    },
  };
}

export const TRUNC_CONTROLS: readonly ControlDef[] = [...TRUNC_OPS.flatMap(controlsOf), operandControl('f32'), operandControl('f64')];
