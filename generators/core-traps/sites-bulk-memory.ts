/**
 * Bulk memory sites out of bounds: memory.fill, memory.copy, memory.init (also after
 * data.drop). Bulk operations check their whole range before writing anything, so the watched
 * destination bytes must be unchanged after the trap. The `drawn` detail takes destination,
 * source and length around the bounds (the memory's size; for memory.init's source and length
 * the passive segment's length) from generators/values.ts boundaryOffset.
 */
import type { Expr } from '../../src/wasm/builder.ts';
import type { BoundaryDraw } from '../values.ts';
import type { CoreTrapParams } from './params.ts';
import type { BulkOperands } from './operands.ts';
import { boundaryClass, bulkOperands } from './operands.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { c32, u32 } from './site.ts';

export const PASSIVE_LEN = 16;

/** The passive segment `pass`. */
export function passiveData(p: CoreTrapParams): Uint8Array {
  const d = new Uint8Array(PASSIVE_LEN);
  for (let i = 0; i < PASSIVE_LEN; i++) d[i] = 0x40 | ((p.a >>> (i % 26)) & 0x3f) | (i & 1 ? 0x80 : 0);
  return d;
}

/** Drawn bulk operands against the bounds, tagged as `value:bulk-dest` / `-src` / `-len`. */
export function drawnBulk(ctx: SiteCtx, withSrc: boolean, destLimit: number, srcLimit: number, lenLimit: number): BulkOperands {
  const { ops } = ctx.p;
  const src: BoundaryDraw | undefined = withSrc ? ops.src : undefined;
  const o = bulkOperands(ops.at, src, ops.len, destLimit, srcLimit, lenLimit);
  ctx.values['value:bulk-dest'] = boundaryClass(o.dest, destLimit);
  if (withSrc) ctx.values['value:bulk-src'] = boundaryClass(o.src, srcLimit);
  ctx.values['value:bulk-len'] = boundaryClass(o.len, lenLimit);
  return o;
}

function fillOperands(ctx: SiteCtx): { dest: number; len: number } {
  const { p, memSize, detail } = ctx;
  switch (detail) {
    case 'straddle': {
      const j = 1 + (p.a % 8);
      return { dest: memSize - j, len: j + 1 + (p.b % 64) };
    }
    case 'past-end':
      return { dest: memSize + (p.a % 16), len: 1 + (p.b % 16) };
    case 'len0-past-end':
      return { dest: memSize + 1 + (p.a % 16), len: 0 };
    case 'huge-len':
      return { dest: 256 + (p.a % 256), len: u32(0xffffffff - (p.b % 256)) };
    default:
      return drawnBulk(ctx, false, memSize, 0, memSize);
  }
}

function copyOperands(ctx: SiteCtx): BulkOperands {
  const { p, memSize, detail } = ctx;
  const j = 1 + (p.a % 8);
  switch (detail) {
    case 'src-straddle': // the end pattern: a partial copy would show in dst
      return { src: memSize - j, dest: 512 + (p.b % 256), len: j + 1 + (p.b % 32) };
    case 'dst-straddle':
      return { dest: memSize - j, src: 0, len: j + 1 + (p.b % 32) };
    case 'len0-past-end':
      return { dest: p.b & 1 ? memSize + 1 + (p.a % 16) : 0, src: p.b & 1 ? 0 : memSize + 1 + (p.a % 16), len: 0 };
    case 'huge-len':
      return { dest: 512, src: memSize - 8, len: u32(0xffffffff - (p.b % 256)) };
    default:
      return drawnBulk(ctx, true, memSize, memSize, memSize);
  }
}

function initOperands(ctx: SiteCtx): BulkOperands & { pre: Expr[] } {
  const { m, p, memSize, detail } = ctx;
  const j = 1 + (p.a % 8);
  const dest = 512 + (p.b % 256);
  switch (detail) {
    case 'src-straddle':
      return { dest, src: PASSIVE_LEN - j, len: j + 1 + (p.b % 8), pre: [] };
    case 'dst-straddle':
      return { dest: memSize - j, src: 0, len: Math.min(PASSIVE_LEN, j + 1 + (p.b % 8)), pre: [] };
    case 'len0-past-end':
      return { dest: memSize + 1 + (p.a % 16), src: 0, len: 0, pre: [] };
    case 'src-len0-past-end':
      return { dest, src: PASSIVE_LEN + 1 + (p.a % 4), len: 0, pre: [] };
    case 'after-data.drop':
      return { dest, src: 0, len: 1 + (p.b % PASSIVE_LEN), pre: [m.data.drop('pass')] };
    default:
      return { ...drawnBulk(ctx, true, memSize, PASSIVE_LEN, PASSIVE_LEN), pre: [] };
  }
}

export const BULK_MEMORY_SITES: SiteDef[] = [
  {
    key: 'memory.fill',
    site: 'memory.fill',
    group: 'bulk-memory',
    trap: 'out of bounds memory access',
    features: ['bulk-memory'],
    details: ['straddle', 'past-end', 'len0-past-end', 'huge-len', 'drawn'],
    build: (ctx) => {
      const { m, p, model } = ctx;
      const { dest, len } = fillOperands(ctx);
      model.watch(dest, 16);
      return { expr: m.memory.fill(c32(m, dest), c32(m, 0x40 | (p.b & 0x3f)), c32(m, len)), type: 'none' };
    },
  },
  {
    key: 'memory.copy',
    site: 'memory.copy',
    group: 'bulk-memory',
    trap: 'out of bounds memory access',
    features: ['bulk-memory'],
    details: ['src-straddle', 'dst-straddle', 'len0-past-end', 'huge-len', 'drawn'],
    build: (ctx) => {
      const { m, model } = ctx;
      const { dest, src, len } = copyOperands(ctx);
      model.watch(dest, 16);
      return { expr: m.memory.copy(c32(m, dest), c32(m, src), c32(m, len)), type: 'none' };
    },
  },
  {
    key: 'memory.init',
    site: 'memory.init',
    group: 'bulk-memory',
    trap: 'out of bounds memory access',
    features: ['bulk-memory'],
    passive: true,
    details: ['src-straddle', 'dst-straddle', 'len0-past-end', 'src-len0-past-end', 'after-data.drop', 'drawn'],
    build: (ctx) => {
      const { m, model } = ctx;
      const { dest, src, len, pre } = initOperands(ctx);
      model.watch(dest, 16);
      return { expr: m.memory.init('pass', c32(m, dest), c32(m, src), c32(m, len)), type: 'none', pre };
    },
  },
];
