/**
 * Table sites out of bounds (table.get / set / fill / copy) and call_indirect's three traps
 * (index out of the table, null slot, signature mismatch). The table `t` has `tableSize` slots;
 * slot 0 is `id0` (() → i32), slot 1 `takes_i32` ((i32) → i32), slot 2 null. The `drawn`
 * detail takes indices, destinations and lengths around the table's length and the u32 edges
 * (generators/values.ts boundaryOffset).
 */
import type { Expr } from '../../src/wasm/builder.ts';
import { binaryen, funcHeapType, i32ConstBytes, i64c } from '../../src/wasm/builder.ts';
import { drawnBulk } from './sites-bulk-memory.ts';
import { boundaryClass, outOfBoundsIndex } from './operands.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { c32 } from './site.ts';

/** An out-of-bounds index: fixed per detail, or drawn (tagged `value:table-index`). */
function index(ctx: SiteCtx, fixed: () => number): number {
  if (ctx.detail !== 'drawn') return fixed();
  const i = outOfBoundsIndex(ctx.p.ops.at, ctx.tableSize);
  ctx.values['value:table-index'] = boundaryClass(i, ctx.tableSize);
  return i;
}

function fillOperands(ctx: SiteCtx): { dest: number; len: number } {
  const { p, tableSize, detail } = ctx;
  const j = 1 + (p.a % 3);
  if (detail === 'straddle') return { dest: tableSize - j, len: j + 1 + (p.b % 4) };
  if (detail === 'past-end') return { dest: tableSize + (p.a % 4), len: 1 + (p.b % 4) };
  if (detail === 'len0-past-end') return { dest: tableSize + 1 + (p.a % 4), len: 0 };
  return drawnBulk(ctx, false, tableSize, 0, tableSize);
}

function copyOperands(ctx: SiteCtx): { dest: number; src: number; len: number } {
  const { p, tableSize, detail } = ctx;
  const j = 1 + (p.a % 3);
  if (detail === 'src-straddle') return { dest: 0, src: tableSize - j, len: j + 1 + (p.b % 4) };
  if (detail === 'dst-straddle') return { dest: tableSize - j, src: 0, len: j + 1 + (p.b % 4) };
  if (detail === 'len0-past-end') return p.b & 1 ? { dest: tableSize + 1, src: 0, len: 0 } : { dest: 0, src: tableSize + 1, len: 0 };
  return drawnBulk(ctx, true, tableSize, tableSize, tableSize);
}

export const TABLE_SITES: SiteDef[] = [
  {
    key: 'table.get',
    site: 'table.get',
    group: 'table-access',
    trap: 'out of bounds table access',
    features: ['reference-types'],
    details: ['past-end', 'max-index', 'drawn'],
    build: (ctx) => {
      const { m, p, tableSize, detail } = ctx;
      const i = index(ctx, () => (detail === 'max-index' ? 0xffffffff - (p.a % 2) * 0x7fffffff : tableSize + (p.a % 8)));
      return { expr: m.ref.is_null(m.table.get('t', c32(m, i), binaryen.funcref)), type: 'i32' };
    },
  },
  {
    key: 'table.set',
    site: 'table.set',
    group: 'table-access',
    trap: 'out of bounds table access',
    features: ['reference-types'],
    details: ['past-end', 'max-index', 'drawn'],
    build: (ctx) => {
      const { m, p, tableSize, detail } = ctx;
      const i = index(ctx, () => (detail === 'max-index' ? 0xffffffff : tableSize + (p.a % 8)));
      return { expr: m.table.set('t', c32(m, i), p.b & 1 ? m.ref.func('id0', funcHeapType(m, 'id0')) : m.ref.null(binaryen.funcref)), type: 'none' };
    },
  },
  /**
   * binaryen.js 132 cannot construct table.fill / table.copy. A helper function is emitted with
   * `drop`s of the operands (same byte length) and patched into the real instruction.
   */
  {
    key: 'table.fill',
    site: 'table.fill',
    group: 'table-bulk',
    trap: 'out of bounds table access',
    features: ['reference-types', 'bulk-memory'],
    details: ['straddle', 'past-end', 'len0-past-end', 'drawn'],
    build: (ctx) => {
      const { m, patches, helpers } = ctx;
      const { dest, len } = fillOperands(ctx);
      m.addFunction('tfill', binaryen.none, binaryen.none, [], m.block(null, [m.drop(c32(m, dest)), m.drop(m.ref.null(binaryen.funcref)), m.drop(c32(m, len))]));
      helpers.add('tfill');
      const d = i32ConstBytes(dest);
      const n = i32ConstBytes(len);
      patches.push({ find: [...d, 0x1a, 0xd0, 0x70, 0x1a, ...n, 0x1a], replace: [...d, 0xd0, 0x70, ...n, 0xfc, 17, 0x00] });
      return { expr: m.call('tfill', [], binaryen.none), type: 'none' };
    },
  },
  {
    key: 'table.copy',
    site: 'table.copy',
    group: 'table-bulk',
    trap: 'out of bounds table access',
    features: ['reference-types', 'bulk-memory'],
    details: ['src-straddle', 'dst-straddle', 'len0-past-end', 'drawn'],
    build: (ctx) => {
      const { m, patches, helpers } = ctx;
      const { dest, src, len } = copyOperands(ctx);
      m.addFunction('tcopy', binaryen.none, binaryen.none, [], m.block(null, [m.drop(c32(m, dest)), m.drop(c32(m, src)), m.drop(c32(m, len)), m.nop()]));
      helpers.add('tcopy');
      const [D, S, N] = [i32ConstBytes(dest), i32ConstBytes(src), i32ConstBytes(len)];
      patches.push({ find: [...D, 0x1a, ...S, 0x1a, ...N, 0x1a, 0x01], replace: [...D, ...S, ...N, 0xfc, 14, 0x00, 0x00] });
      return { expr: m.call('tcopy', [], binaryen.none), type: 'none' };
    },
  },
];

/** call_indirect through the table `t` (type `t` is the module's type for binaryen's call_indirect). */
export const CALL_INDIRECT_SITES: SiteDef[] = [
  {
    key: 'call_indirect/undefined',
    site: 'call_indirect',
    group: 'call_indirect',
    trap: 'undefined element',
    features: [],
    details: ['past-end', 'max-index', 'drawn'],
    build: (ctx) => {
      const { m, p, tableSize, detail } = ctx;
      const i = index(ctx, () => (detail === 'max-index' ? (p.a & 1 ? 0xffffffff : 0x80000000) : tableSize + (p.a % 8)));
      return { expr: m.call_indirect('t', c32(m, i), [], binaryen.none, binaryen.i32), type: 'i32' };
    },
  },
  {
    key: 'call_indirect/null',
    site: 'call_indirect',
    group: 'call_indirect',
    trap: 'uninitialized element',
    features: [],
    details: ['null-slot'],
    build: ({ m }) => ({ expr: m.call_indirect('t', m.i32.const(2), [], binaryen.none, binaryen.i32), type: 'i32' }),
  },
  {
    key: 'call_indirect/signature',
    site: 'call_indirect',
    group: 'call_indirect',
    trap: 'indirect call type mismatch',
    features: [],
    details: ['extra-param', 'missing-param', 'param-type', 'result-type', 'no-result'],
    build: ({ m, detail }): { expr: Expr; type: 'i32' | 'i64' | 'none' } => {
      const i32s = binaryen.createType([binaryen.i32]);
      switch (detail) {
        case 'extra-param': // slot 0 is ()->i32
          return { expr: m.call_indirect('t', m.i32.const(0), [m.i32.const(1)], i32s, binaryen.i32), type: 'i32' };
        case 'missing-param': // slot 1 is (i32)->i32
          return { expr: m.call_indirect('t', m.i32.const(1), [], binaryen.none, binaryen.i32), type: 'i32' };
        case 'param-type':
          return { expr: m.call_indirect('t', m.i32.const(1), [i64c(m, 1n)], binaryen.createType([binaryen.i64]), binaryen.i32), type: 'i32' };
        case 'result-type':
          return { expr: m.call_indirect('t', m.i32.const(0), [], binaryen.none, binaryen.i64), type: 'i64' };
        default:
          return { expr: m.call_indirect('t', m.i32.const(0), [], binaryen.none, binaryen.none), type: 'none' };
      }
    },
  },
];
