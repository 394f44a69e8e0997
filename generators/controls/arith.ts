/**
 * Integer arithmetic that must not trap: rem_s(MIN, -1) = 0 (bug-catalog #4: it trapped in
 * Pulley/wasmi), division and remainder by -1, division and remainder over interesting operands
 * (a zero divisor becomes 1, and div_s(MIN, -1) becomes div_s(MIN + 1, -1): both would trap),
 * and shifts and rotations by interesting counts (taken modulo the width, as the spec says).
 */
import fc from 'fast-check';
import { i32, i64 } from '../../src/outcome.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { i64c } from '../../src/wasm/builder.ts';
import type { Drawn } from '../values.ts';
import { i64Operand, shiftCount, u32Operand, VALUE_CLASSES } from '../values.ts';
import type { BinOps, ControlDef } from './def.ts';
import { c32, INT64_MIN, intValue, operand } from './def.ts';

type Width = 'i32' | 'i64';
const BITS: Record<Width, number> = { i32: 32, i64: 64 };
const INT_CLASSES = [...new Set([...VALUE_CLASSES.u32, ...VALUE_CLASSES.i64])];

const constOf = (m: BModule, t: Width, v: bigint): Expr => (t === 'i32' ? c32(m, Number(BigInt.asIntN(32, v))) : i64c(m, v));
const binary = (m: BModule, t: Width, op: string): ((x: Expr, y: Expr) => Expr) => (m[t] as unknown as BinOps)[op]!;

/** A drawn integer operand of width `t` as a signed bigint, with its class. */
function signedOperand(t: Width, d: Drawn<number> | Drawn<string>): { v: bigint; cls: string } {
  return { v: BigInt.asIntN(BITS[t], BigInt(d.value)), cls: d.class };
}

/** Every class as often as the others: a control gets few draws in a run, and each class must show up. */
const UNIFORM = { classes: 'uniform' } as const;

function rawOperands(t: Width): fc.Arbitrary<{ x?: Drawn<number>; y?: Drawn<number>; xl?: Drawn<string>; yl?: Drawn<string> }> {
  return t === 'i32' ? fc.record({ x: u32Operand(UNIFORM), y: u32Operand(UNIFORM) }) : fc.record({ xl: i64Operand(UNIFORM), yl: i64Operand(UNIFORM) });
}

const minusOneControls = (): ControlDef[] => {
  const out: ControlDef[] = [
    {
      key: 'i32.rem_s/min-by-minus-one',
      site: 'i32.rem_s',
      features: [],
      details: ['min-by-minus-one'],
      build: ({ m }) => ({ expr: m.i32.rem_s(c32(m, 0x80000000), m.i32.const(-1)), value: i32(0) }),
    },
    {
      key: 'i64.rem_s/min-by-minus-one',
      site: 'i64.rem_s',
      features: [],
      details: ['min-by-minus-one'],
      build: ({ m }) => ({ expr: m.i64.rem_s(i64c(m, INT64_MIN), i64c(m, -1n)), value: i64(0) }),
    },
  ];
  for (const op of ['div_s', 'rem_s'] as const) {
    out.push({
      key: `i32.${op}/by-minus-one`,
      site: `i32.${op}`,
      features: [],
      details: ['by-minus-one'],
      build: ({ m, p }) => {
        const x = p.a === 0x80000000 ? 0x7fffffff : p.a | 0;
        return { expr: m.i32[op](c32(m, x), m.i32.const(-1)), value: i32(op === 'div_s' ? -x | 0 : 0) };
      },
    });
    out.push({
      key: `i64.${op}/by-minus-one`,
      site: `i64.${op}`,
      features: [],
      details: ['by-minus-one'],
      build: ({ m, p }) => {
        let x = BigInt.asIntN(64, (BigInt(p.a) << 32n) | BigInt(p.b));
        if (x === INT64_MIN) x += 1n;
        return { expr: m.i64[op](i64c(m, x), i64c(m, -1n)), value: i64(op === 'div_s' ? -x : 0n) };
      },
    });
  }
  return out;
};

/** x op y for a non-trapping pair (bigints are exact; `/` and `%` truncate toward zero, as wasm does). */
function divide(t: Width, op: string, x: bigint, y: bigint): bigint {
  const n = BITS[t];
  const unsigned = op.endsWith('_u');
  const [a, b] = unsigned ? [BigInt.asUintN(n, x), BigInt.asUintN(n, y)] : [x, y];
  return op.startsWith('div') ? a / b : a % b;
}

const divisionControls = (): ControlDef[] =>
  (['i32', 'i64'] as const).flatMap((t) =>
    (['div_s', 'div_u', 'rem_s', 'rem_u'] as const).map(
      (op): ControlDef => ({
        key: `${t}.${op}/operands`,
        site: `${t}.${op}`,
        features: [],
        details: ['operands'],
        weight: 4,
        operands: rawOperands(t),
        values: { 'value:dividend': INT_CLASSES, 'value:divisor': INT_CLASSES.filter((c) => c !== 'zero') },
        build: ({ m, p }) => {
          const dividend = signedOperand(t, t === 'i32' ? operand(p, 'x') : operand(p, 'xl'));
          const divisor = signedOperand(t, t === 'i32' ? operand(p, 'y') : operand(p, 'yl'));
          // the two pairs that trap are the core-traps family's; here they become their neighbours
          if (divisor.v === 0n) Object.assign(divisor, { v: 1n, cls: 'one' });
          const min = -(1n << BigInt(BITS[t] - 1));
          if (op === 'div_s' && dividend.v === min && divisor.v === -1n) Object.assign(dividend, { v: min + 1n, cls: 'int-min-plus-one' });
          return {
            expr: binary(m, t, op)(constOf(m, t, dividend.v), constOf(m, t, divisor.v)),
            value: intValue(t, divide(t, op, dividend.v, divisor.v)),
            values: { 'value:dividend': dividend.cls, 'value:divisor': divisor.cls },
          };
        },
      }),
    ),
  );

/** x op count for a shift or rotation of width `t` (the count taken modulo the width). */
function shift(t: Width, op: string, x: bigint, count: bigint): bigint {
  const n = BITS[t];
  const bn = BigInt(n);
  const u = BigInt.asUintN(n, x);
  const k = BigInt.asUintN(n, count) % bn;
  switch (op) {
    case 'shl':
      return BigInt.asUintN(n, u << k);
    case 'shr_u':
      return u >> k;
    case 'shr_s':
      return BigInt.asIntN(n, u) >> k;
    case 'rotl':
      return BigInt.asUintN(n, (u << k) | (u >> ((bn - k) % bn)));
    default:
      return BigInt.asUintN(n, (u >> k) | (u << ((bn - k) % bn)));
  }
}

const shiftControls = (): ControlDef[] =>
  (['i32', 'i64'] as const).flatMap((t) =>
    (['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'] as const).map(
      (op): ControlDef => ({
        key: `${t}.${op}/count`,
        site: `${t}.${op}`,
        features: [],
        details: ['count'],
        weight: 4,
        operands:
          t === 'i32' ? fc.record({ x: u32Operand(UNIFORM), count: shiftCount(32, UNIFORM) }) : fc.record({ xl: i64Operand(UNIFORM), count: shiftCount(64, UNIFORM) }),
        values: { 'value:shifted': INT_CLASSES, 'value:shift-count': VALUE_CLASSES.shift },
        build: ({ m, p }) => {
          const x = signedOperand(t, t === 'i32' ? operand(p, 'x') : operand(p, 'xl'));
          const count = operand(p, 'count');
          const k = BigInt(count.value);
          return {
            expr: binary(m, t, op)(constOf(m, t, x.v), constOf(m, t, k)),
            value: intValue(t, shift(t, op, x.v, k)),
            values: { 'value:shifted': x.cls, 'value:shift-count': count.class },
          };
        },
      }),
    ),
  );

export const ARITH_CONTROLS: readonly ControlDef[] = [...minusOneControls(), ...divisionControls(), ...shiftControls()];
