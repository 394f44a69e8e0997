/** Step kinds and value conversions, through the pool. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../src/case.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime, REFERENCE_STEPS } from '../../src/runtimes/reference.ts';
import { judge } from '../../src/judge.ts';
import { call, inst, mkCase, wat } from './helpers.ts';

let rt: Runtime;
beforeAll(() => {
  rt = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await rt.close();
});

const v = (type: 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'funcref', value: string) => ({ type, value });

describe('runtime surface', () => {
  it('declares its name, profile, steps and Node 20 features', async () => {
    expect(rt.name).toBe('reference');
    expect(rt.profile.exitCodes).toEqual({ trap: 1, exit: 'raw' });
    expect(rt.profile.instanceAfterTrap).toBe('usable');
    expect([...rt.capabilities.steps].sort()).toEqual([...REFERENCE_STEPS].sort());
    for (const f of ['mvp', 'multi-value', 'bulk-memory', 'reference-types', 'simd', 'threads', 'tail-call', 'exceptions', 'wasi'] as const)
      expect(rt.capabilities.features.has(f), f).toBe(true);
    expect(rt.capabilities.features.has('wasi-threads')).toBe(true);
    for (const f of ['fuel', 'lunatic', 'component', 'asyncify'] as const) expect(rt.capabilities.features.has(f), f).toBe(true);
    if (process.versions.v8.startsWith('11.')) for (const f of ['gc', 'memory64', 'multi-memory', 'relaxed-simd', 'extended-const'] as const) expect(rt.capabilities.features.has(f), f).toBe(false);
    expect(await rt.version()).toContain(process.versions.v8);
  });
});

describe('invoke values', () => {
  const m = `(module
    (func (export "i64") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2)))
    (func (export "f32") (param f32) (result f32) (f32.neg (local.get 0)))
    (func (export "f64") (param f64) (result f64) (local.get 0))
    (func (export "nan32") (result f32) (f32.const nan:0x600000))
    (func (export "multi") (param i32) (result i32 i64 f64) (local.get 0) (i64.const -1) (f64.const -0))
    (func (export "ext") (param externref) (result externref) (local.get 0))
    (func (export "fnull") (result funcref) (ref.null func))
    (func (export "vec") (param v128))
    (func (export "vecr") (result v128) (v128.const i32x4 0 0 0 0)))`;
  it('converts i64, floats (NaN payloads, -0), multi-value and references', async () => {
    const [o] = await rt.executeAll([
      mkCase([m], [
        inst(),
        call('i64', [v('i64', '-4611686018427387905')]),
        call('f32', [v('f32', '1.5')]),
        call('f64', [v('f64', 'nan:0x7ff8000000000abc')]),
        call('nan32'),
        call('f64', [v('f64', 'nan:0x7ff4000000000001')]),
        call('multi', [v('i32', '-7')]),
        call('ext', [v('externref', '3')]),
        call('ext', [v('externref', 'null')]),
        call('fnull'),
      ]),
    ]);
    expect(o!.steps.slice(1).map((s) => s.outcome)).toEqual([
      { kind: 'return', values: [v('i64', '9223372036854775806')] },
      { kind: 'return', values: [v('f32', '-1.5')] },
      { kind: 'return', values: [v('f64', 'nan:0x7ff8000000000abc')] },
      { kind: 'return', values: [v('f32', 'nan:0x7fe00000')] },
      // signalling NaNs are quieted when they cross the JS boundary (a known limit of JS-API engines)
      { kind: 'return', values: [v('f64', 'nan:0x7ffc000000000001')] },
      { kind: 'return', values: [v('i32', '-7'), v('i64', '-1'), v('f64', '-0')] },
      { kind: 'return', values: [v('externref', '3')] },
      { kind: 'return', values: [v('externref', 'null')] },
      { kind: 'return', values: [v('funcref', 'null')] },
    ]);
  });

  it('v128 at the JS boundary is unsupported; later steps still run', async () => {
    const [o] = await rt.executeAll([mkCase([m], [inst(), call('vec'), call('vecr'), call('i64', [v('i64', '1')])])]);
    expect(o!.steps.map((s) => s.outcome)).toEqual([
      { kind: 'return', values: [] },
      { kind: 'unsupported', feature: 'v128 at the JS boundary' },
      { kind: 'unsupported', feature: 'v128 at the JS boundary' },
      { kind: 'return', values: [v('i64', '2')] },
    ]);
  });
});

describe('instantiate, register, get, compile', () => {
  it('links spectest and registered instances; `get` reads exported globals', async () => {
    const a = '(module (global (export "g") (mut i64) (i64.const -5)) (func (export "seven") (result i32) (i32.const 7)))';
    const b = `(module (import "A" "seven" (func $seven (result i32))) (import "spectest" "global_i32" (global $g i32))
      (import "spectest" "print_i32" (func $print (param i32))) (import "spectest" "memory" (memory 1))
      (func (export "sum") (result i32) (call $print (i32.const 42)) (i32.add (call $seven) (global.get $g))))`;
    const steps: Step[] = [
      inst({}, { as: 'a' }),
      { op: 'register', as: 'A', expect: {} },
      inst({}, { module: 1, as: 'b' }),
      call('sum', [], { stdout: '42 : i32\n' }),
      { op: 'get', global: 'g', instance: 'a', expect: {} },
      call('seven', [], {}, 'a'),
    ];
    const [o] = await rt.executeAll([mkCase([a, b], steps)]);
    expect(o!.steps.map((s) => s.outcome)).toEqual([
      { kind: 'return', values: [] },
      { kind: 'return', values: [] },
      { kind: 'return', values: [] },
      { kind: 'return', values: [v('i32', '673')] },
      { kind: 'return', values: [v('i64', '-5')] },
      { kind: 'return', values: [v('i32', '7')] },
    ]);
    expect(o!.steps[3]!.stdout).toBe('42 : i32\n');
  });

  it('compile: valid → return [], malformed/invalid → rejected compile; instantiate of bad bytes too', async () => {
    const invalid = wat('(module (func (result i32) (i32.const 0)))');
    const at = invalid.findIndex((b, i) => b === 0x60 && invalid[i + 1] === 0 && invalid[i + 2] === 1 && invalid[i + 3] === 0x7f);
    invalid[at + 3] = 0x7e; // declared result i64, body yields i32: invalid
    const malformed = new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]);
    const c = mkCase(['(module)', invalid, malformed], [
      { op: 'compile', module: 0, expect: {} },
      { op: 'compile', module: 1, expect: {} },
      { op: 'compile', module: 2, expect: {} },
      inst({}, { module: 2 }),
    ]);
    const [o] = await rt.executeAll([c]);
    const kinds = o!.steps.map((s) => (s.outcome.kind === 'rejected' ? s.outcome.stage : s.outcome.kind));
    expect(kinds).toEqual(['return', 'compile', 'compile', 'compile']);
  });

  it('observations judge as pass against matching expectations', async () => {
    const c = mkCase(['(module (func (export "f") (result i32) (i32.const 1)) (func (export "t") unreachable))'], [
      inst({ outcome: { kind: 'return' } }),
      call('f', [], { outcome: { kind: 'return', values: [v('i32', '1')] } }),
      call('t', [], { outcome: { kind: 'trap', trap: 'unreachable' } }),
    ]);
    const [o] = await rt.executeAll([c]);
    expect(judge(c, o!, rt.profile)).toEqual({ verdict: 'pass' });
  });
});
