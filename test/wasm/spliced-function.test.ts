/**
 * SplicedFunction (src/wasm/spliced-function.ts): a body emitted once and spliced in place of a
 * placeholder gives the bytes binaryen emits for the real tree, whatever else the module holds,
 * as long as every index the body uses is the same; and wasi-exit's write_all, spliced, gives
 * every case the bytes of a build that emits it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import { forgetWriteAll } from '../../generators/wasi-exit/write-all.ts';
import { binaryen, emitUnoptimised } from '../../src/wasm/builder.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { buildFresh, ModuleReuse } from '../../src/wasm/module-reuse.ts';
import { SharedExpr } from '../../src/wasm/shared-expr.ts';
import { SplicedFunction } from '../../src/wasm/spliced-function.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const emit = (m: BModule): Uint8Array => {
  expect(m.validate()).toBe(1);
  return emitUnoptimised(m);
};
const i32 = binaryen.i32;

/** Sums its parameter and memory word 16 through a loop, calling import 0 (`env.f`, always index 0). */
const SUM = new SharedExpr(
  (m: BModule): Expr =>
    m.block(null, [
      m.local.set(1, m.i32.add(m.local.get(0, i32), m.i32.load(0, 4, m.i32.const(16)))),
      m.loop('again', m.if(m.i32.eqz(m.call('f', [m.local.get(1, i32)], i32)), m.br('again'))),
      m.local.get(1, i32),
    ], i32),
);

/** A module with `pads` functions before `sum` and `after` functions after it. */
function define(body: (m: BModule) => Expr, pads: number, after: number): (m: BModule) => void {
  return (m) => {
    m.addFunctionImport('f', 'env', 'f', binaryen.createType([i32]), i32);
    m.setMemory(1, 1, 'memory', []);
    for (let i = 0; i < pads; i++) m.addFunction(`pad${i}`, binaryen.none, binaryen.none, [], m.nop());
    m.addFunction('sum', binaryen.createType([i32]), i32, [i32], body(m));
    for (let i = 0; i < after; i++) m.addFunction(`after${i}`, binaryen.none, i32, [], m.i32.const(i));
    m.addFunctionExport('sum', 'sum');
  };
}

const SHAPES: Array<[number, number]> = [[0, 0], [2, 1], [1, 3], [3, 0], [0, 2]];

describe('SplicedFunction', () => {
  it('learns the body on the first build, then splices it over a placeholder: every module has the bytes of one that emits the tree', () => {
    const spliced = new SplicedFunction(SUM);
    const reuse = new ModuleReuse();
    const got: string[] = [];
    const placeholders: boolean[] = [];
    for (const [pads, after] of SHAPES) {
      const raw = reuse.build(define((m) => spliced.bodyIn(m), pads, after), emit);
      const settled = spliced.settle(raw, pads);
      placeholders.push(sha(raw) !== sha(settled));
      got.push(sha(settled));
    }
    // the first build emitted the tree itself; every later one had the placeholder replaced
    expect(placeholders).toEqual([false, true, true, true, true]);
    const real = SHAPES.map(([pads, after]) => sha(buildFresh(define((m) => SUM.in(m), pads, after), emit)));
    expect(got).toEqual(real);
  });

  it('after forget, the next build emits the tree again', () => {
    const spliced = new SplicedFunction(SUM);
    const build = (): Uint8Array => buildFresh(define((m) => spliced.bodyIn(m), 1, 1), emit);
    spliced.settle(build(), 1);
    expect(sha(build())).not.toBe(sha(buildFresh(define((m) => SUM.in(m), 1, 1), emit)));
    spliced.forget();
    const raw = build();
    expect(sha(spliced.settle(raw, 1))).toBe(sha(raw));
  });

  it('a body that calls a function whose index moves is not the same bytes everywhere (the caller must rule that out)', () => {
    // `target`'s index is the number of functions added before it
    const CALLS_LAST = new SharedExpr((m: BModule): Expr => m.block(null, [m.call('target', [], binaryen.none), m.local.get(0, i32)], i32));
    const withTarget = (body: (m: BModule) => Expr, pads: number): ((m: BModule) => void) => (m) => {
      m.setMemory(1, 1, 'memory', []);
      for (let i = 0; i < pads; i++) m.addFunction(`pad${i}`, binaryen.none, binaryen.none, [], m.nop());
      m.addFunction('target', binaryen.none, binaryen.none, [], m.nop());
      m.addFunction('sum', binaryen.createType([i32]), i32, [], body(m));
    };
    const spliced = new SplicedFunction(CALLS_LAST);
    spliced.settle(buildFresh(withTarget((m) => spliced.bodyIn(m), 0), emit), 1);
    const settled = spliced.settle(buildFresh(withTarget((m) => spliced.bodyIn(m), 2), emit), 3);
    expect(sha(settled)).not.toBe(sha(buildFresh(withTarget((m) => CALLS_LAST.in(m), 2), emit)));
  });

  it('re-encodes the entry and section sizes when the spliced body is longer than the placeholder by more than 127 bytes', () => {
    const LONG = new SharedExpr((m: BModule): Expr => {
      let e = m.local.get(0, i32);
      for (let k = 0; k < 60; k++) e = m.i32.add(e, m.i32.const(1000 + k));
      return e;
    });
    const spliced = new SplicedFunction(LONG);
    spliced.settle(buildFresh(define((m) => spliced.bodyIn(m), 0, 0), emit), 0);
    const raw = buildFresh(define((m) => spliced.bodyIn(m), 2, 2), emit);
    const settled = spliced.settle(raw, 2);
    expect(settled.length - raw.length).toBeGreaterThan(127);
    expect(sha(settled)).toBe(sha(buildFresh(define((m) => LONG.in(m), 2, 2), emit)));
  });
});

describe('wasi-exit: write_all spliced', () => {
  it('every case has the bytes of a build that emits write_all itself', () => {
    const differ: number[] = [];
    let withWrites = 0;
    for (let i = 0; i < 100; i++) {
      const spliced = generateCase('wasi-exit', 9, i);
      forgetWriteAll();
      const emitted = generateCase('wasi-exit', 9, i);
      if (sha(spliced.modules[0]!.bytes) !== sha(emitted.modules[0]!.bytes)) differ.push(i);
      if ((spliced.provenance as { params: { writes: unknown[] } }).params.writes.length > 0) withWrites++;
    }
    expect(differ).toEqual([]);
    expect(withWrites).toBeGreaterThan(30);
  });
});
