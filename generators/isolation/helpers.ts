/**
 * The guest functions every isolation module holds whatever its parameters: message send and
 * receive by tag, the stack-exhausting recursion, one trap function per trap kind, and the
 * `_lunatic_catch_trap` entry `lunatic::trap::catch` calls back into.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import { SharedExpr } from '../../src/wasm/shared-expr.ts';
import { TAGBUF, ZERO } from './layout.ts';
import type { TrapName } from './params.ts';
import { TRAPS } from './params.ts';

// Helpers that are the same in every module (no parameter reaches them): their bodies are built
// once per binaryen module (SharedExpr). `helper` makes the body build's `fn` would make.
export interface Helper {
  params: number[];
  results: number;
  tree: SharedExpr;
}
function helper(params: number[], results: number, make: (m: BModule, c: (v: number) => Expr) => Expr[]): Helper {
  const tree = new SharedExpr((m) => {
    const body = make(m, (v) => m.i32.const(v | 0));
    return body.length === 1 ? body[0]! : m.block(null, body, results);
  });
  return { params, results, tree };
}
/** die(kind): a trap of the given kind (never returns) */
function trapBody(m: BModule, c: (v: number) => Expr, t: TrapName): Expr[] {
  switch (t) {
    case 'unreachable':
      return [m.unreachable()];
    case 'div-zero':
      return [m.drop(m.i32.div_u(c(7), m.i32.load(0, 4, c(ZERO)))), m.unreachable()];
    case 'overflow':
      return [m.drop(m.i32.div_s(c(0x80000000), m.i32.sub(m.i32.load(0, 4, c(ZERO)), c(1)))), m.unreachable()];
    case 'conversion':
      return [m.drop(m.i32.trunc_s.f64(m.f64.div(m.f64.convert_s.i32(m.i32.load(0, 4, c(ZERO))), m.f64.convert_s.i32(m.i32.load(0, 4, c(ZERO)))))), m.unreachable()];
    case 'oob':
      return [m.drop(m.i32.load(0, 4, c(-16))), m.unreachable()];
    case 'stack':
      return [m.drop(m.call('rec', [c(0)], binaryen.i32)), m.unreachable()];
  }
}
export const HELPERS: ReadonlyArray<readonly [string, Helper]> = (() => {
  const { i32, i64, none } = binaryen;
  return [
    // send_tag(pid, tag), recv_tag(tag) -> i32
    ['send_tag', helper([i64, i64], none, (m) => [m.call('create_data', [m.local.get(1, i64), i64c(m, 0n)], none), m.drop(m.call('send', [m.local.get(0, i64)], i32))])],
    ['recv_tag', helper([i64], i32, (m, c) => [m.i64.store(0, 8, c(TAGBUF), m.local.get(0, i64)), m.call('receive', [c(TAGBUF), c(1), i64c(m, -1n)], i32)])],
    ['rec', helper([i32], i32, (m, c) => [m.i32.add(m.call('rec', [m.i32.add(m.local.get(0, i32), c(1))], i32), c(1))])],
    ...TRAPS.map((t, i) => [`die${i}`, helper([], none, (m, c) => trapBody(m, c, t))] as const),
    // _lunatic_catch_trap(function, pointer): mark *pointer, then trap with kind `function`
    [
      '_lunatic_catch_trap',
      helper([i32, i32], i32, (m, c) => [
        m.i32.store(0, 4, m.local.get(1, i32), c(0xca7c4)),
        ...TRAPS.map((_, i) => m.if(m.i32.eq(m.local.get(0, i32), c(i)), m.call(`die${i}`, [], none))),
        c(77),
      ]),
    ],
  ];
})();
