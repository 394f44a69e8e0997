/**
 * Loads and stores out of bounds, of every width. The effective address is pointer + static
 * offset, in 33 bits (it must not wrap: bug-catalog #3). Fixed details place it past the end,
 * straddling the end, past 2^32, or in a zero-page memory; the `drawn` detail takes the pointer
 * around the memory's end (generators/values.ts boundaryOffset: 0, the size ± 1, far past it,
 * 2^31, 2^32−1) and the offset from the u32 dictionary, so pointer + offset often crosses 2^32.
 * With `viaShift` the pointer is computed by a rotate whose count is interesting.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { floatBits, i64c } from '../../src/wasm/builder.ts';
import { boundaryValue } from '../values.ts';
import type { CoreTrapParams } from './params.ts';
import { boundaryClass, effectiveAddressClass, rotr32 } from './operands.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { c32, storeBits, u32 } from './site.ts';

interface MemOp {
  name: string;
  type: 'i32' | 'i64' | 'f32' | 'f64';
  width: 1 | 2 | 4 | 8;
  fn: string;
}
const LOADS: MemOp[] = [
  { name: 'i32.load', type: 'i32', width: 4, fn: 'load' },
  { name: 'i32.load8_s', type: 'i32', width: 1, fn: 'load8_s' },
  { name: 'i32.load8_u', type: 'i32', width: 1, fn: 'load8_u' },
  { name: 'i32.load16_s', type: 'i32', width: 2, fn: 'load16_s' },
  { name: 'i32.load16_u', type: 'i32', width: 2, fn: 'load16_u' },
  { name: 'i64.load', type: 'i64', width: 8, fn: 'load' },
  { name: 'i64.load8_s', type: 'i64', width: 1, fn: 'load8_s' },
  { name: 'i64.load8_u', type: 'i64', width: 1, fn: 'load8_u' },
  { name: 'i64.load16_s', type: 'i64', width: 2, fn: 'load16_s' },
  { name: 'i64.load16_u', type: 'i64', width: 2, fn: 'load16_u' },
  { name: 'i64.load32_s', type: 'i64', width: 4, fn: 'load32_s' },
  { name: 'i64.load32_u', type: 'i64', width: 4, fn: 'load32_u' },
  { name: 'f32.load', type: 'f32', width: 4, fn: 'load' },
  { name: 'f64.load', type: 'f64', width: 8, fn: 'load' },
];
const STORES: MemOp[] = [
  { name: 'i32.store', type: 'i32', width: 4, fn: 'store' },
  { name: 'i32.store8', type: 'i32', width: 1, fn: 'store8' },
  { name: 'i32.store16', type: 'i32', width: 2, fn: 'store16' },
  { name: 'i64.store', type: 'i64', width: 8, fn: 'store' },
  { name: 'i64.store8', type: 'i64', width: 1, fn: 'store8' },
  { name: 'i64.store16', type: 'i64', width: 2, fn: 'store16' },
  { name: 'i64.store32', type: 'i64', width: 4, fn: 'store32' },
  { name: 'f32.store', type: 'f32', width: 4, fn: 'store' },
  { name: 'f64.store', type: 'f64', width: 8, fn: 'store' },
];
const ADDR_MODES = ['past-end', 'straddle', 'offset-wrap', 'zero-page', 'drawn'] as const;

interface Address {
  ptr: number;
  offset: number;
  ea: number;
}

/** Effective address split into (pointer operand, static offset) for an OOB access of `width`. */
function oobAddress(ctx: SiteCtx, width: number): Address {
  const { p, memSize, detail } = ctx;
  switch (detail) {
    case 'straddle': {
      // Partly in bounds: starts 1..width-1 bytes before the end. Width 1 cannot straddle: exactly at the end.
      const j = width === 1 ? 0 : 1 + (p.a % (width - 1));
      const ea = memSize - j;
      const offset = p.variant & 8 ? Math.min(ea, p.b % 4096) : 0;
      return { ptr: ea - offset, offset, ea };
    }
    case 'offset-wrap': {
      // pointer near 2^32 plus a static offset: the 33-bit effective address must not wrap (bug-catalog #3).
      const ptr = u32(0xffffffff - (p.a % 256));
      const offset = 0x100 + (p.b % 0x10000);
      return { ptr, offset, ea: ptr + offset };
    }
    case 'zero-page': {
      const ea = p.a % 8;
      return { ptr: ea, offset: 0, ea };
    }
    case 'drawn':
      return drawnAddress(ctx, width);
    default: {
      const ea = memSize + (p.a % 64);
      const offset = p.variant & 8 ? Math.min(ea, p.b % 128) : 0;
      return { ptr: ea - offset, offset, ea };
    }
  }
}

/** Pointer around the end, offset from the u32 dictionary; an in-bounds pair gets the pointer moved to the end. */
function drawnAddress(ctx: SiteCtx, width: number): Address {
  const { memSize, p } = ctx;
  const offset = p.ops.offset.value >>> 0;
  let ptr = boundaryValue(p.ops.at, memSize);
  if (ptr + offset + width <= memSize) ptr = memSize;
  ctx.values['value:address'] = boundaryClass(ptr, memSize);
  ctx.values['value:offset'] = p.ops.offset.class;
  return { ptr, offset, ea: ptr + offset };
}

/** The pointer operand: a constant, or `rotl(rotr(ptr, k), k)` with an interesting count k. */
export function pointerExpr(ctx: SiteCtx, ptr: number): Expr {
  const { m, p } = ctx;
  if (!p.ops.viaShift) return c32(m, ptr);
  const k = p.ops.shift32;
  ctx.values['value:shift-count'] = k.class;
  return m.i32.rotl(c32(m, rotr32(ptr, k.value)), c32(m, k.value));
}

const memPages = (detail: string, p: CoreTrapParams): number => (detail === 'zero-page' ? 0 : p.pages);

type Load = (o: number, a: number, ptr: Expr) => Expr;
type Store = (o: number, a: number, ptr: Expr, v: Expr) => Expr;
const memFn = <F>(m: BModule, op: MemOp): F => (m[op.type] as unknown as Record<string, F>)[op.fn]!;

function access(ctx: SiteCtx, op: MemOp): { addr: Address; ptr: Expr; align: number } {
  const addr = oobAddress(ctx, op.width);
  ctx.values['value:effective-address'] = effectiveAddressClass(addr.ea, ctx.memSize, op.width);
  return { addr, ptr: pointerExpr(ctx, addr.ptr), align: ctx.p.variant & 16 ? 1 : op.width };
}

export const MEMORY_SITES: SiteDef[] = [
  ...LOADS.map(
    (op): SiteDef => ({
      key: op.name,
      site: op.name,
      group: 'load',
      trap: 'out of bounds memory access',
      features: [],
      details: ADDR_MODES,
      pages: memPages,
      build: (ctx) => {
        const { addr, ptr, align } = access(ctx, op);
        return { expr: memFn<Load>(ctx.m, op)(addr.offset, align, ptr), type: op.type };
      },
    }),
  ),
  ...STORES.map(
    (op): SiteDef => ({
      key: op.name,
      site: op.name,
      group: 'store',
      trap: 'out of bounds memory access',
      features: [],
      details: ADDR_MODES,
      pages: memPages,
      build: (ctx) => {
        const { m, model, memSize } = ctx;
        const { addr, ptr, align } = access(ctx, op);
        if (addr.ea < memSize) model.watch(addr.ea, op.width); // the in-bounds part must stay unchanged
        const bits = storeBits(ctx.p);
        const value =
          op.type === 'i32'
            ? c32(m, Number(bits & 0xffffffffn))
            : op.type === 'i64'
              ? i64c(m, bits)
              : floatBits(m, op.type, op.type === 'f32' ? bits & 0xffffffffn : bits);
        return { expr: memFn<Store>(m, op)(addr.offset, align, ptr, value), type: 'none' };
      },
    }),
  ),
];
