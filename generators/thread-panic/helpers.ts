/**
 * The shared-memory layout of a thread-panic module and the helper bodies every module has (no
 * parameter reaches them), built once per binaryen module (SharedExpr).
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import { SharedExpr } from '../../src/wasm/shared-expr.ts';

// Memory layout (shared, 1 page). Words that must start at zero are never in data segments
// (every thread's instantiation re-applies the segments).
export const PARK = 0;
export const FOREVER = 4;
export const SUM = 8;
export const JOIN = 16; // + 4*i, i = 1..7
export const SCRATCH = 1024; // + 128*i per thread: iovec, counts, poll subscription/event, read buffer
export const TEXT = 4096;
export const PAGE = 65536;

// Helper bodies that are the same in every module (no parameter reaches them): built once per
// binaryen module (SharedExpr). `asBody` makes what `fn` would: one statement as is, more in a block.
export const asBody = (m: BModule, stmts: Expr[]): Expr => (stmts.length === 1 ? stmts[0]! : m.block(null, stmts));
export const c32 = (m: BModule, v: number): Expr => m.i32.const(v | 0);
/** forever(): an infinite wait on a word nobody changes */
export const FOREVER_BODY = new SharedExpr((m) =>
  asBody(m, [m.loop('f', m.block(null, [m.drop(m.memory.atomic.wait32(c32(m, FOREVER), c32(m, 0), i64c(m, -1n))), m.br('f')]))]),
);
/** await_at_least(addr, n): wait until *addr >= n (atomic waits, no sleeping) */
export const AWAIT_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.loop(
      'w',
      m.block(null, [
        m.local.set(2, m.i32.atomic.load(0, m.local.get(0, i32))),
        m.if(m.i32.ge_s(m.local.get(2, i32), m.local.get(1, i32)), m.return()),
        m.drop(m.memory.atomic.wait32(m.local.get(0, i32), m.local.get(2, i32), i64c(m, -1n))),
        m.br('w'),
      ]),
    ),
  ]);
});
export const PARK_BODY = new SharedExpr((m) => asBody(m, [m.drop(m.i32.atomic.rmw.add(0, c32(m, PARK), c32(m, 1))), m.drop(m.memory.atomic.notify(c32(m, PARK), c32(m, -1)))]));
/** write(fd, ptr, len) using this thread's scratch iovec (scratch base in param 3) */
export const WRITE_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.i32.store(0, 4, m.local.get(3, i32), m.local.get(1, i32)),
    m.i32.store(4, 4, m.local.get(3, i32), m.local.get(2, i32)),
    m.drop(m.call('fd_write', [m.local.get(0, i32), m.local.get(3, i32), c32(m, 1), m.i32.add(m.local.get(3, i32), c32(m, 8))], i32)),
  ]);
});
/** read(scratch): fd_read(0) of 16 bytes; blocks forever on a stdin that never closes */
export const READ_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.i32.store(0, 4, m.local.get(0, i32), m.i32.add(m.local.get(0, i32), c32(m, 96))),
    m.i32.store(4, 4, m.local.get(0, i32), c32(m, 16)),
    m.drop(m.call('fd_read', [c32(m, 0), m.local.get(0, i32), c32(m, 1), m.i32.add(m.local.get(0, i32), c32(m, 8))], i32)),
  ]);
});
export const REC_BODY = new SharedExpr((m) => asBody(m, [m.i32.add(m.call('rec', [m.i32.add(m.local.get(0, binaryen.i32), c32(m, 1))], binaryen.i32), c32(m, 1))]));
