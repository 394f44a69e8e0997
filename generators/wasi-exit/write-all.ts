/**
 * `write_all(fd, iovs, count, scratch, nwritten)`: fd_write until every byte is written, as
 * wasi-libc's stdio does. WASI lets fd_write write less than asked (a short write, as POSIX
 * writev; wasmtime-wasi writes only the first non-empty iovec, wasmtime#8037), so a guest that
 * ignores `nwritten` expects more than WASI promises. This one copies the iovecs to `scratch`,
 * advances the copy past what was written and writes again; it stops on an error or on a write
 * of nothing (never spins). A runtime that reports bytes as written without writing them still
 * shows as missing output.
 *
 * The body is the same in every module (the buffers' addresses are parameters): built once per
 * binaryen module (SharedExpr), validated and emitted once per thread and spliced into later
 * modules (SplicedFunction). That holds because every index it uses is the same in every module:
 * it calls `fd_write`, always import 1, uses memory 0 and has no typed block.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen } from '../../src/wasm/builder.ts';
import { SharedExpr } from '../../src/wasm/shared-expr.ts';
import { SplicedFunction } from '../../src/wasm/spliced-function.ts';

const WRITE_ALL_BODY = new SharedExpr((m: BModule): Expr => {
  const i32 = binaryen.i32;
  const [FD, IOVS, COUNT, SCRATCH, NWRITTEN, I, N, P, LEN] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const get = (l: number): Expr => m.local.get(l, i32);
  const c = (v: number): Expr => m.i32.const(v);
  return m.block(null, [
    // copy the iovecs: the originals are the module's data, and a later step may write them again
    m.local.set(I, c(0)),
    m.loop(
      'copy',
      m.if(
        m.i32.lt_u(get(I), get(COUNT)),
        m.block(null, [
          m.i64.store(0, 4, m.i32.add(get(SCRATCH), m.i32.shl(get(I), c(3))), m.i64.load(0, 4, m.i32.add(get(IOVS), m.i32.shl(get(I), c(3))))),
          m.local.set(I, m.i32.add(get(I), c(1))),
          m.br('copy'),
        ]),
      ),
    ),
    m.local.set(P, get(SCRATCH)),
    m.block('done', [
      m.loop(
        'write',
        m.block(null, [
          m.br('done', m.i32.eqz(get(COUNT))),
          m.br('done', m.i32.ne(m.call('fd_write', [get(FD), get(P), get(COUNT), get(NWRITTEN)], i32), c(0))),
          m.local.set(N, m.i32.load(0, 4, get(NWRITTEN))),
          m.br('done', m.i32.eqz(get(N))),
          // skip the iovecs written whole
          m.block('partial', [
            m.loop(
              'skip',
              m.block(null, [
                m.br('partial', m.i32.eqz(get(COUNT))),
                m.local.set(LEN, m.i32.load(4, 4, get(P))),
                m.br('partial', m.i32.lt_u(get(N), get(LEN))),
                m.local.set(N, m.i32.sub(get(N), get(LEN))),
                m.local.set(P, m.i32.add(get(P), c(8))),
                m.local.set(COUNT, m.i32.sub(get(COUNT), c(1))),
                m.br('skip'),
              ]),
            ),
          ]),
          // and the written part of the next one
          m.if(
            m.i32.ne(get(COUNT), c(0)),
            m.block(null, [m.i32.store(0, 4, get(P), m.i32.add(m.i32.load(0, 4, get(P)), get(N))), m.i32.store(4, 4, get(P), m.i32.sub(m.i32.load(4, 4, get(P)), get(N)))]),
          ),
          m.br('write'),
        ]),
      ),
    ]),
  ]);
});

const WRITE_ALL = new SplicedFunction(WRITE_ALL_BODY);

/** Adds `write_all` (after the `fd_write` import and the memory); the emitted module then goes through `settleWriteAll`. */
export function addWriteAll(m: BModule): void {
  const i32 = binaryen.i32;
  m.addFunction('write_all', binaryen.createType([i32, i32, i32, i32, i32]), binaryen.none, [i32, i32, i32, i32], WRITE_ALL.bodyIn(m));
}

/** The emitted module with `write_all` (defined function `definedIndex`) as its real body. */
export function settleWriteAll(bytes: Uint8Array, definedIndex: number): Uint8Array {
  return WRITE_ALL.settle(bytes, definedIndex);
}

/** Forgets the learned body: the next module emits it from the tree again (tests compare the two). */
export function forgetWriteAll(): void {
  WRITE_ALL.forget();
}
