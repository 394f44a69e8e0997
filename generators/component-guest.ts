/**
 * The core module behind every `component` case: a canonical-ABI guest whose lifted exports
 * count what ran in its own memory, so an expectation can check how often bodies, realloc and
 * each post-return ran, and with which result (bug-catalog #44).
 *
 *   f(x) → x+K          x = 0 traps in the body;         cabi_post_f(r): r = K+1 traps, r = K+2 calls `log`
 *   s(string) → (len<<8 | first byte) + K               cabi_post_s(r); cabi_realloc: len 7 traps, len 5 calls `log`
 *   h(x) → hop(x) + K   (host import `hop`)             cabi_post_h(r)
 *   g(x) → back(x) + K  (host import `back`)            no post-return
 *   busy(n) → n + K     loops n times (fuel cases)       cabi_post_busy(r)
 *
 * `log` is a `$root` import that post-return and realloc must not be able to call (C11, C13).
 * `exit` replaces `hop` by `wasi:cli/exit@0.2.0`.`exit`(x) for the exit cases.
 */
import type { ComponentConfig } from '../src/case.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, buildModule } from '../src/wasm/builder.ts';

/** Counter offsets (u32 little-endian) in the guest's memory. */
export const MEM = { calls: 0, postF: 4, realloc: 8, lastPost: 12, bump: 16, postS: 20, postH: 24, postBusy: 28 } as const;
export const COUNTER_BYTES = 32;
/** Loop iterations of `busy` so far: not in the expected region (how far a metered loop gets is fuel accounting, not component state). */
export const SPIN = 32;
export const HEAP_BASE = 1024;
/** Argument of `f` that traps in its body; results that make cabi_post_f trap / call `log` are K + these. */
export const F_TRAP_ARG = 0;
export const POST_TRAP_ARG = 1;
export const POST_LEAVE_ARG = 2;
/** String byte lengths for which cabi_realloc traps / calls `log`. */
export const REALLOC_TRAP_LEN = 7;
export const REALLOC_LEAVE_LEN = 5;

export interface GuestShape {
  /** The constant added to every result (varies the module between cases). */
  k: number;
  /** Exports `s`, `cabi_realloc`, `cabi_post_s`. */
  strings: boolean;
  /** Imports `log` (called by post-return / realloc on the magic values). */
  log: boolean;
  /** `hop` import kind for `h`: absent = no `h`; `exit` = h calls wasi:cli/exit instead. */
  hop: 'import' | 'exit' | undefined;
  /** Exports `g` over the `back` import. */
  back: boolean;
  /** Exports `busy` (a counted loop: what fuel runs out in, or pauses). */
  busy?: boolean;
}

const i32 = binaryen.i32;
const none = binaryen.none;

export function buildGuest(generator: string, shape: GuestShape): Uint8Array {
  return buildModule(generator, [], (m: BModule) => {
    const c = (v: number): Expr => m.i32.const(v | 0);
    const load = (off: number): Expr => m.i32.load(0, 4, c(off));
    const store = (off: number, v: Expr): Expr => m.i32.store(0, 4, c(off), v);
    const inc = (off: number): Expr => store(off, m.i32.add(load(off), c(1)));
    const arg = (i: number): Expr => m.local.get(i, i32);
    const fn = (name: string, params: number[], result: number, body: Expr[], vars: number[] = []): void => {
      m.addFunction(name, binaryen.createType(params), result, vars, m.block(null, body, result));
      m.addFunctionExport(name, name);
    };

    if (shape.log) m.addFunctionImport('log', '$root', 'log', none, none);
    if (shape.hop === 'import') m.addFunctionImport('hop', '$root', 'hop', binaryen.createType([i32]), i32);
    if (shape.hop === 'exit') m.addFunctionImport('exit', 'wasi:cli/exit@0.2.0', 'exit', binaryen.createType([i32]), none);
    if (shape.back) m.addFunctionImport('back', '$root', 'back', binaryen.createType([i32]), i32);
    const bump = new Uint8Array(4);
    new DataView(bump.buffer).setUint32(0, HEAP_BASE, true);
    m.setMemory(1, 1, 'memory', [{ data: bump, passive: false, offset: c(MEM.bump) }], false);

    const k = shape.k;
    fn('f', [i32], i32, [inc(MEM.calls), m.if(m.i32.eq(arg(0), c(F_TRAP_ARG)), m.unreachable()), m.return(m.i32.add(arg(0), c(k)))]);
    fn('cabi_post_f', [i32], none, [
      inc(MEM.postF),
      store(MEM.lastPost, arg(0)),
      m.if(m.i32.eq(arg(0), c(k + POST_TRAP_ARG)), m.unreachable()),
      ...(shape.log ? [m.if(m.i32.eq(arg(0), c(k + POST_LEAVE_ARG)), m.call('log', [], none))] : []),
    ]);
    if (shape.strings) {
      const len = arg(1);
      fn('s', [i32, i32], i32, [
        inc(MEM.calls),
        m.return(m.i32.add(m.i32.or(m.i32.shl(len, c(8)), m.select(arg(1), m.i32.load8_u(0, 1, arg(0)), c(0))), c(k))),
      ]);
      fn('cabi_post_s', [i32], none, [inc(MEM.postS), store(MEM.lastPost, arg(0))]);
      // cabi_realloc(old_ptr, old_size, align, new_size): a bump allocator over HEAP_BASE…
      fn(
        'cabi_realloc',
        [i32, i32, i32, i32],
        i32,
        [
          inc(MEM.realloc),
          m.if(m.i32.eq(arg(3), c(REALLOC_TRAP_LEN)), m.unreachable()),
          ...(shape.log ? [m.if(m.i32.eq(arg(3), c(REALLOC_LEAVE_LEN)), m.call('log', [], none))] : []),
          m.local.set(4, load(MEM.bump)),
          store(MEM.bump, m.i32.add(m.local.get(4, i32), arg(3))),
          m.return(m.local.get(4, i32)),
        ],
        [i32],
      );
    }
    if (shape.hop !== undefined) {
      const call = shape.hop === 'exit' ? [m.call('exit', [arg(0)], none), m.unreachable()] : [m.return(m.i32.add(m.call('hop', [arg(0)], i32), c(k)))];
      fn('h', [i32], i32, [inc(MEM.calls), ...call]);
      fn('cabi_post_h', [i32], none, [inc(MEM.postH), store(MEM.lastPost, arg(0))]);
    }
    if (shape.busy) {
      fn('busy', [i32], i32, [
        inc(MEM.calls),
        m.loop('spin', m.if(m.i32.lt_u(m.local.get(1, i32), arg(0)), m.block(null, [inc(SPIN), m.local.set(1, m.i32.add(m.local.get(1, i32), c(1))), m.br('spin')]))),
        m.return(m.i32.add(arg(0), c(k))),
      ], [i32]);
      fn('cabi_post_busy', [i32], none, [inc(MEM.postBusy), store(MEM.lastPost, arg(0))]);
    }
    if (shape.back) fn('g', [i32], i32, [inc(MEM.calls), m.return(m.i32.add(m.call('back', [arg(0)], i32), c(k)))]);
  });
}

/** The lifted exports of a guest of this shape (the `exports` of its ComponentConfig). */
export function guestExports(shape: GuestShape): ComponentConfig['exports'] {
  const u32 = { params: ['u32' as const], results: ['u32' as const] };
  const out: ComponentConfig['exports'] = { f: u32 };
  if (shape.strings) out['s'] = { params: ['string'], results: ['u32'] };
  if (shape.hop !== undefined) out['h'] = u32;
  if (shape.back) out['g'] = u32;
  if (shape.busy) out['busy'] = u32;
  return out;
}
