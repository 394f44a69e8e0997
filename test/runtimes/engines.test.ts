/**
 * node, deno and bun adapters, for real: each runs trapcheck's step executor in a driver child
 * process on its own engine. A handful of cases each (the default `npm test` stays fast).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { judge } from '../../src/judge.ts';
import { call, inst, mkCase, start, wasiWriteExit } from '../runtime/helpers.ts';
import { generateCase } from '../../generators/index.ts';

const TRAPS = `(module
  (type $v_i (func (result i32)))
  (table 2 funcref) (elem (i32.const 0) $ret7)
  (func $ret7 (param i32) (result i32) (i32.const 7))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "sig") (result i32) (call_indirect (type $v_i) (i32.const 0)))
  (func (export "f32") (result f32) (f32.const -0))
  (func (export "spin") (loop (br 0))))`;

const cases = () => [
  mkCase([TRAPS], [inst(), call('div', [{ type: 'i32', value: '7' }, { type: 'i32', value: '2' }], { outcome: { kind: 'return', values: [{ type: 'i32', value: '3' }] } }), call('div', [{ type: 'i32', value: '1' }, { type: 'i32', value: '0' }], { outcome: { kind: 'trap', trap: 'integer divide by zero' } }), call('f32', [], { outcome: { kind: 'return', values: [{ type: 'f32', value: '-0' }] } })]),
  mkCase([TRAPS], [inst(), call('sig', [], { outcome: { kind: 'trap', trap: 'indirect call type mismatch' } })]),
  mkCase([wasiWriteExit('hi\n', 3)], [inst(), start({ outcome: { kind: 'exit', code: 3 }, stdout: 'hi\n' })], { features: ['wasi'] }),
  // a hang: the child is killed at the budget and the run goes on with a fresh one
  mkCase([TRAPS], [inst({ outcome: { kind: 'return' } }), call('spin', [], { outcome: { kind: 'return' } })], { timeoutMs: 400 }),
  mkCase([TRAPS], [inst(), call('div', [{ type: 'i32', value: '-2147483648' }, { type: 'i32', value: '-1' }], { outcome: { kind: 'trap', trap: 'integer overflow' } })]),
];

describe.each(['node', 'deno', 'bun'] as const)('%s adapter', (name) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime(name);
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('reports its engine and the features it validates', async () => {
    expect(await rt.version()).toMatch(name === 'node' ? /^node v\d+/ : name === 'deno' ? /^deno 2\./ : /^bun 1\./);
    expect(rt.capabilities.features.has('wasi')).toBe(true);
    expect(rt.capabilities.features.has('mvp')).toBe(true);
    // the driver has no wasi-threads host (that lives in the reference runtime's pool)
    expect(rt.capabilities.features.has('wasi-threads')).toBe(false);
    for (const f of ['fuel', 'asyncify', 'component'] as const) expect(rt.capabilities.features.has(f), f).toBe(true);
  });

  it('runs cases in its own engine: returns, traps, WASI exits, and a hang becomes timeout without losing the next case', async () => {
    const cs = cases();
    const obs = await rt.executeAll(cs);
    const verdicts = cs.map((c, i) => judge(c, obs[i]!, rt.profile).verdict);
    expect(verdicts[0]).toBe('pass');
    // V8 11 and JSC fold a null slot and a signature mismatch into one message; V8 15 does not
    expect(verdicts[1]).toBe(name === 'deno' ? 'pass' : 'imprecise');
    expect(verdicts[2]).toBe('pass');
    expect(obs[3]!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'timeout']);
    expect(obs[3]!.raw).toMatchObject({ ended: 'timeout', atStep: 1, firstRunTimedOut: { step: 1, confirmed: true, budgetScale: 2 } });
    expect(verdicts[4]).toBe('pass');
  });

  it('runs cancellation and component cases on its own engine (modules instrumented by the parent, trapcheck host layers)', async () => {
    const cs = [0, 1, 2, 3, 4, 5].flatMap((i) => [generateCase('cancellation', 11, i), generateCase('component', 11, i)]);
    const obs = await rt.executeAll(cs);
    const verdicts = cs.map((c, i) => `${c.id}: ${judge(c, obs[i]!, rt.profile).verdict}`);
    expect(verdicts).toEqual(cs.map((c) => `${c.id}: pass`));
    // a paused call really parked in this engine: Asyncify ran here, not in the parent
    expect(obs.some((o) => o.steps.some((st) => st.outcome.kind === 'suspended'))).toBe(true);
  });

  if (name === 'bun')
    it("strips JSC's `(evaluating '…')` suffix before classifying", async () => {
      const [o] = await rt.executeAll([cases()[0]!]);
      const trap = o!.steps[2]!.outcome;
      expect(trap).toMatchObject({ kind: 'trap', trap: ['integer divide by zero'], message: 'Division by zero' });
    });
});
