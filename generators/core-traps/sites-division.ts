/**
 * Integer division sites: division / remainder by zero with an interesting dividend, and
 * INT_MIN / −1. The divisor is a constant, a constant hidden in a block, or the result of a
 * shift whose count is interesting (`x shl k` with x chosen so the result is 0; `−1 shr_s k` is
 * −1 for every k): the shift's count is taken modulo the width, which the oracle computes exactly.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import { zeroAfterShift } from './operands.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { c32 } from './site.ts';

type IntType = 'i32' | 'i64';

/** A block around the value: hides the constant from trivial folding. */
function blockOf(m: BModule, t: IntType, value: Expr): Expr {
  return m.block(null, [m.nop(), value], t === 'i32' ? binaryen.i32 : binaryen.i64);
}

function intConst(m: BModule, t: IntType, v: bigint): Expr {
  return t === 'i32' ? c32(m, Number(BigInt.asIntN(32, v))) : i64c(m, v);
}

/** The shift count operand of type `t` and its class. */
function shiftCountOf(ctx: SiteCtx, t: IntType): { expr: Expr; k: number } {
  const d = t === 'i32' ? ctx.p.ops.shift32 : ctx.p.ops.shift64;
  ctx.values['value:shift-count'] = d.class;
  return { expr: t === 'i32' ? c32(ctx.m, d.value) : i64c(ctx.m, BigInt(d.value)), k: d.value };
}

function zeroDivisor(ctx: SiteCtx, t: IntType): Expr {
  const m = ctx.m;
  if (ctx.detail === 'const-zero') return intConst(m, t, 0n);
  if (ctx.detail === 'local-zero') return blockOf(m, t, intConst(m, t, 0n));
  const count = shiftCountOf(ctx, t);
  const x = intConst(m, t, zeroAfterShift(count.k, t === 'i32' ? 32 : 64));
  return t === 'i32' ? m.i32.shl(x, count.expr) : m.i64.shl(x, count.expr);
}

function dividend(ctx: SiteCtx, t: IntType): Expr {
  const d = t === 'i32' ? ctx.p.ops.u32 : ctx.p.ops.i64;
  ctx.values['value:dividend'] = d.class;
  return intConst(ctx.m, t, BigInt(d.value));
}

const OPS = ['div_s', 'div_u', 'rem_s', 'rem_u'] as const;

export const DIVISION_SITES: SiteDef[] = (['i32', 'i64'] as const).flatMap((t): SiteDef[] => [
  ...OPS.map(
    (op): SiteDef => ({
      key: `${t}.${op}/zero`,
      site: `${t}.${op}`,
      group: 'div-zero',
      trap: 'integer divide by zero',
      features: [],
      details: ['const-zero', 'local-zero', 'shifted-zero'],
      build: (ctx) => ({ expr: ctx.m[t][op](dividend(ctx, t), zeroDivisor(ctx, t)), type: t }),
    }),
  ),
  {
    key: `${t}.div_s/overflow`,
    site: `${t}.div_s`,
    group: 'div-overflow',
    trap: 'integer overflow',
    features: [],
    details: ['min-by-minus-one', 'shifted-minus-one'],
    build: (ctx) => {
      const m = ctx.m;
      const min = intConst(m, t, t === 'i32' ? -(1n << 31n) : -(1n << 63n));
      let minusOne = intConst(m, t, -1n);
      if (ctx.detail === 'shifted-minus-one') {
        const count = shiftCountOf(ctx, t);
        minusOne = t === 'i32' ? m.i32.shr_s(minusOne, count.expr) : m.i64.shr_s(minusOne, count.expr);
      }
      return { expr: m[t].div_s(min, minusOne), type: t };
    },
  },
]);
