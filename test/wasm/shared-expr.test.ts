/**
 * SharedExpr (src/wasm/shared-expr.ts): one tree per binaryen module, reused by the module's
 * later builds with the bytes a freshly built tree gives; a new module builds its own.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { binaryen, emitUnoptimised } from '../../src/wasm/builder.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { ModuleReuse, buildFresh } from '../../src/wasm/module-reuse.ts';
import { SharedExpr } from '../../src/wasm/shared-expr.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const emit = (m: BModule): Uint8Array => {
  expect(m.validate()).toBe(1);
  return emitUnoptimised(m);
};

let made = 0;
const SUM = new SharedExpr((m: BModule): Expr => {
  made++;
  const i32 = binaryen.i32;
  return m.block(null, [m.local.set(1, m.i32.add(m.local.get(0, i32), m.i32.load(0, 4, m.i32.const(16)))), m.local.get(1, i32)], i32);
});

function define(extra: number): (m: BModule) => void {
  return (m) => {
    m.setMemory(1, 1, 'memory', []);
    for (let i = 0; i < extra; i++) m.addFunction(`pad${i}`, binaryen.none, binaryen.none, [], m.nop());
    m.addFunction('sum', binaryen.createType([binaryen.i32]), binaryen.i32, [binaryen.i32], SUM.in(m));
    m.addFunctionExport('sum', 'sum');
  };
}

describe('SharedExpr', () => {
  it('is built once per module and gives every later build of that module fresh bytes', () => {
    made = 0;
    const reuse = new ModuleReuse();
    const got = [0, 2, 1, 3].map((extra) => sha(reuse.build(define(extra), emit)));
    expect(made).toBe(1);
    const fresh = [0, 2, 1, 3].map((extra) => sha(buildFresh(define(extra), emit)));
    expect(made).toBe(5); // one per fresh module
    expect(got).toEqual(fresh);
  });

  it('used twice in one build, it emits what two separate trees emit (binaryen 132 does not reject a shared node)', () => {
    const twice = (m: BModule): void => {
      define(0)(m);
      m.addFunction('sum2', binaryen.createType([binaryen.i32]), binaryen.i32, [binaryen.i32], SUM.in(m));
    };
    const separate = (m: BModule): void => {
      define(0)(m);
      const i32 = binaryen.i32;
      m.addFunction('sum2', binaryen.createType([i32]), i32, [i32], m.block(null, [m.local.set(1, m.i32.add(m.local.get(0, i32), m.i32.load(0, 4, m.i32.const(16)))), m.local.get(1, i32)], i32));
    };
    expect(sha(buildFresh(twice, emit))).toBe(sha(buildFresh(separate, emit)));
  });
});
