/**
 * Atomics sites: unaligned accesses (in bounds, on an unshared memory: alignment is checked
 * either way; with `viaShift` the pointer comes from a rotate with an interesting count), and
 * `memory.atomic.wait` on an unshared memory.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { i64c } from '../../src/wasm/builder.ts';
import { pointerExpr } from './sites-memory.ts';
import type { SiteDef, ValType } from './site.ts';
import { c32, storeBits } from './site.ts';

interface AtomicOp {
  name: string;
  width: 2 | 4 | 8;
  build(m: BModule, offset: number, ptr: Expr, v: bigint): { expr: Expr; type: ValType };
}
const ATOMICS: AtomicOp[] = [
  { name: 'i32.atomic.load', width: 4, build: (m, o, ptr) => ({ expr: m.i32.atomic.load(o, ptr), type: 'i32' }) },
  { name: 'i32.atomic.load16_u', width: 2, build: (m, o, ptr) => ({ expr: m.i32.atomic.load16_u(o, ptr), type: 'i32' }) },
  { name: 'i64.atomic.load', width: 8, build: (m, o, ptr) => ({ expr: m.i64.atomic.load(o, ptr), type: 'i64' }) },
  { name: 'i64.atomic.load32_u', width: 4, build: (m, o, ptr) => ({ expr: m.i64.atomic.load32_u(o, ptr), type: 'i64' }) },
  { name: 'i32.atomic.store', width: 4, build: (m, o, ptr, v) => ({ expr: m.i32.atomic.store(o, ptr, c32(m, Number(v & 0xffffffffn))), type: 'none' }) },
  { name: 'i64.atomic.store', width: 8, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.store(o, ptr, i64c(m, v)), type: 'none' }) },
  { name: 'i64.atomic.store16', width: 2, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.store16(o, ptr, i64c(m, v)), type: 'none' }) },
  { name: 'i32.atomic.rmw.add', width: 4, build: (m, o, ptr, v) => ({ expr: m.i32.atomic.rmw.add(o, ptr, c32(m, Number(v & 0xffffffffn))), type: 'i32' }) },
  { name: 'i64.atomic.rmw.cmpxchg', width: 8, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.rmw.cmpxchg(o, ptr, i64c(m, 0n), i64c(m, v)), type: 'i64' }) },
  { name: 'memory.atomic.notify', width: 4, build: (m, o, ptr) => ({ expr: m.memory.atomic.notify(o ? m.i32.add(ptr, c32(m, o)) : ptr, m.i32.const(1)), type: 'i32' }) },
];

export const ATOMIC_SITES: SiteDef[] = [
  ...ATOMICS.map(
    (op): SiteDef => ({
      key: op.name,
      site: op.name,
      group: 'atomic',
      trap: 'unaligned atomic',
      features: ['threads'],
      details: ['unaligned'],
      build: (ctx) => {
        const { m, p, model } = ctx;
        const j = 1 + (p.a % (op.width - 1));
        const ea = 0x800 + 8 * (p.b % 32) + j;
        const offset = op.name.startsWith('memory.') ? 0 : p.variant & 8 ? 8 * (p.a % 4) : 0;
        model.watch(ea, op.width);
        return op.build(m, offset, pointerExpr(ctx, ea - offset), storeBits(p));
      },
    }),
  ),
  ...([32, 64] as const).map(
    (w): SiteDef => ({
      key: `memory.atomic.wait${w}`,
      site: `memory.atomic.wait${w}`,
      group: 'wait',
      trap: 'expected shared memory',
      features: ['threads'],
      details: ['unshared'],
      build: ({ m, p }) => {
        // Aligned and in bounds: the only reason to trap is the unshared memory. A finite timeout
        // keeps a runtime that wrongly waits from hanging.
        const ptr = 0x900 + (w / 8) * (p.a % 16);
        const timeout = i64c(m, p.b & 1 ? 0n : 1000n);
        const expr =
          w === 32 ? m.memory.atomic.wait32(c32(m, ptr), c32(m, p.b & 2 ? 0 : p.b), timeout) : m.memory.atomic.wait64(c32(m, ptr), i64c(m, p.b & 2 ? 0n : BigInt(p.b)), timeout);
        return { expr, type: 'i32' };
      },
    }),
  ),
];
