/**
 * deno-jspi and bun-jspi (issue #17): suspendable calls on the engine's own JSPI, for real. Each
 * case pins exact observations (outcome, memory, g), so a host that did not park, resumed the wrong
 * value, or let an abandoned / rejected call run on would fail here. Skipped when the binary is absent.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jspi } from '../../generators/jspi.ts';
import type { JspiParams } from '../../generators/jspi.ts';
import type { Step } from '../../src/case.ts';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { judge } from '../../src/judge.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { driverSpec } from '../../src/runtimes/engine.ts';
import { parksOf, withoutAsyncify } from '../../src/runtimes/jspi/jspi-engine.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { meteredStartRewrite } from '../../src/runtime/hosts/jspi-start.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { FUEL_GLOBAL } from '../../src/wasm/instrument/fuel-abi.ts';
import { mkCase } from '../runtime/helpers.ts';

/** run(): writes 0x11 at 0, yields, stores block()'s value at 4, bumps g and returns it. */
const HOST_ABI = `(module
  (import "trapcheck:host" "yield" (func $yield))
  (import "trapcheck:host" "block" (func $block (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "run") (result i32)
    (i32.store (i32.const 0) (i32.const 0x11))
    (call $yield)
    (i32.store (i32.const 4) (call $block))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))`;

/** A start function that calls a suspending import: outside any promising export. */
const YIELD_IN_START = `(module (import "trapcheck:host" "yield" (func $yield)) (func $s (call $yield)) (start $s))`;

/** outer() → JS (trapcheck:jspi.reenter) → inner(), which reaches a suspending import: a JS frame in between. */
const THROUGH_JS = `(module
  (import "trapcheck:host" "yield" (func $yield))
  (import "trapcheck:jspi" "reenter" (func $reenter (param i32) (result i32)))
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "inner") (param i32) (result i32) (global.set $g (i32.const 5)) (call $yield) (global.set $g (i32.const 6)) (local.get 0))
  (func (export "outer") (result i32) (call $reenter (i32.const 3)))
  (func (export "ok") (result i32) (i32.const 9)))`;

/** A metered start function that reaches a suspending import: still refused (the guest's start is outside promising). */
const YIELD_IN_METERED_START = `(module (import "trapcheck:host" "yield" (func $yield)) (global $g (export "g") (mut i32) (i32.const 0))
  (func $s (global.set $g (i32.const 1)) (call $yield) (global.set $g (i32.const 2))) (start $s))`;

const JSPI_BASE: JspiParams = { scenario: 'trap-after-resume', marker: 0x5eed, depth: 3, deepDepth: 300, suspension: 1, resumeValue: 40, trap: 'div-zero', reject: false, calls: 1000, budgetPick: 7, grantPick: 3 };

const i32 = (v: number) => ({ type: 'i32' as const, value: String(v) });
const mem = (hex: string) => [{ offset: 0, hex }];
const g = (v: number) => ({ g: i32(v) });
const instantiate = (as?: string): Step => ({ op: 'instantiate', ...(as ? { as } : {}), expect: { outcome: { kind: 'return' } } });
const callRun = (name: string, extra: Partial<Extract<Step, { op: 'call' }>>, expect: Step['expect']): Step => ({ op: 'call', export: 'run', call: name, ...extra, expect });

const cases = () => [
  // 0: pause at the block (2nd suspension), resume with 7: run returns 1, the block's value is stored
  mkCase([HOST_ABI], [
    instantiate(),
    callRun('c', { pauseAt: { suspension: 2 } }, { outcome: { kind: 'suspended', at: 'host' }, memory: mem('1100000000000000'), globals: g(0) }),
    { op: 'resume', call: 'c', value: 7, expect: { outcome: { kind: 'return', values: [i32(1)] }, memory: mem('1100000007000000'), globals: g(1) } },
  ], { features: ['asyncify'] }),
  // 1: cancel by abandoning at the yield, then by rejecting at the block; the instance and a fresh one still work
  mkCase([HOST_ABI], [
    instantiate(),
    callRun('a', { pauseAt: { suspension: 1 } }, { outcome: { kind: 'suspended', at: 'host' }, memory: mem('1100000000000000') }),
    { op: 'cancel', call: 'a', expect: { outcome: { kind: 'cancelled' }, memory: mem('1100000000000000'), globals: g(0) } },
    callRun('r', { pauseAt: { suspension: 2 } }, { outcome: { kind: 'suspended', at: 'host' } }),
    { op: 'cancel', call: 'r', reject: true, expect: { outcome: { kind: 'cancelled' }, memory: mem('1100000000000000'), globals: g(0) } } as Step,
    callRun('again', {}, { outcome: { kind: 'return', values: [i32(1)] }, globals: g(1) }),
    instantiate('fresh'),
    { op: 'call', instance: 'fresh', export: 'run', expect: { outcome: { kind: 'return', values: [i32(1)] }, globals: g(1) } },
  ], { features: ['asyncify'] }),
  // 2: re-entry while suspended: a second call runs to the end, then the first resumes and sees its g
  mkCase([HOST_ABI], [
    instantiate(),
    callRun('first', { pauseAt: { suspension: 1 } }, { outcome: { kind: 'suspended', at: 'host' } }),
    callRun('second', {}, { outcome: { kind: 'return', values: [i32(1)] }, globals: g(1) }),
    { op: 'resume', call: 'first', expect: { outcome: { kind: 'return', values: [i32(2)] }, globals: g(2) } },
  ], { features: ['asyncify'] }),
  // 3: a suspending import called in a start function: SuspendError, observed as host-error
  mkCase([YIELD_IN_START], [{ op: 'instantiate', expect: { outcome: { kind: 'host-error' } } }], { features: ['asyncify'] }),
  // 4: suspending through a JS frame: SuspendError at the import (inner ran up to it), then the instance still answers
  mkCase([THROUGH_JS], [
    instantiate(),
    { op: 'call', export: 'outer', call: 'o', expect: { outcome: { kind: 'host-error' }, globals: g(5) } },
    { op: 'call', export: 'ok', expect: { outcome: { kind: 'return', values: [i32(9)] } } },
  ], { features: ['asyncify'] }),
];

const present = (engine: 'deno' | 'bun'): boolean => {
  try {
    driverSpec(engine);
    return true;
  } catch {
    return false;
  }
};

describe('withoutAsyncify', () => {
  it('drops asyncify from a core case only, leaving the original untouched', () => {
    const c = mkCase([HOST_ABI], [], { features: ['fuel', 'asyncify'] });
    expect(withoutAsyncify(c).features).toEqual(['fuel']);
    expect(c.features).toEqual(['fuel', 'asyncify']);
    const comp = { ...c, component: { profile: 'spec' } } as typeof c;
    expect(withoutAsyncify(comp)).toBe(comp);
  });
});

describe('meteredStartRewrite', () => {
  const START = '(module (memory 1) (func $s (i32.store (i32.const 0) (i32.const 1))) (func (export "probe") (result i32) (i32.load (i32.const 0))) (start $s))';
  it('rewrites only a metered module with a start function: its start becomes an export of the metered bytes', () => {
    const metered = mkCase([START], [], { features: ['fuel'] });
    const r = meteredStartRewrite(toPoolCase(metered), 0, callRuntime);
    expect(r?.name).toBe('__trapcheck_start');
    const exports = WA.Module.exports(r!.module).map((e) => e.name);
    expect(exports).toContain('__trapcheck_start');
    expect(exports).toContain('probe');
    expect(exports).toContain(FUEL_GLOBAL); // the metered bytes, not the original
    expect(meteredStartRewrite(toPoolCase(mkCase([START], [])), 0, callRuntime)).toBeNull();
    expect(meteredStartRewrite(toPoolCase(mkCase([HOST_ABI], [], { features: ['fuel'] })), 0, callRuntime)).toBeNull();
    expect(meteredStartRewrite(toPoolCase(metered), 0, undefined)).toBeNull();
  });
});

describe('parksOf', () => {
  it('counts the call and resume steps that can leave a stack suspended (not an entry pause)', () => {
    expect(cases().map(parksOf)).toEqual([1, 2, 1, 0, 0]);
    const entry = mkCase([HOST_ABI], [instantiate(), callRun('e', { pauseAt: 'entry' }, {}), { op: 'resume', call: 'e', pauseAt: { suspension: 1 }, expect: {} }]);
    expect(parksOf(entry)).toBe(1);
  });
});

describe.each(['deno', 'bun'] as const)('%s-jspi', (engine) => {
  describe.skipIf(!present(engine))(`${engine} binary`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await createRuntime(`${engine}-jspi`);
    });
    afterAll(async () => {
      await rt?.close();
    });

    it('runs a metered start function through promising: out of fuel when it runs dry (corpus start-function-fuel), SuspendError at a guest suspension', async () => {
      const corpus = await loadCaseFile(fileURLToPath(new URL('../../corpus/cancellation/start-function-fuel.json', import.meta.url)));
      const refused = mkCase([YIELD_IN_METERED_START], [
        { op: 'refuel', amount: 1000, expect: { outcome: { kind: 'return', values: [] } } },
        { op: 'instantiate', expect: { outcome: { kind: 'host-error' } } },
      ], { features: ['fuel'] });
      const [fuel, susp] = await rt.executeAll([corpus, refused]);
      // exact: the trap, then the second instantiation's memory and fuel left (no known divergence any more)
      expect(judge(corpus, fuel!, rt.profile), JSON.stringify(fuel!.steps)).toMatchObject({ verdict: 'pass' });
      expect(fuel!.steps[1]!.outcome).toMatchObject({ kind: 'trap', trap: ['out of fuel'] });
      expect(susp!.steps[1]!.outcome).toMatchObject({ kind: 'host-error', message: expect.stringMatching(/^SuspendError: /) });
    });

    it('passes the jspi family\'s JSPI-only rows (through-js-frame, outside-promising), both pause points; SuspendError is the refusal', async () => {
      const rows = (['through-js-frame', 'outside-promising'] as const).flatMap((scenario) =>
        ([1, 2] as const).map((suspension) => jspi.build({ ...JSPI_BASE, scenario, suspension, depth: 3 * suspension }, { seed: 0, path: `${scenario}-${suspension}` })),
      );
      expect(rows.every((c) => missingCapability(c, rt.capabilities) === undefined)).toBe(true);
      const obs = await rt.executeAll(rows);
      rows.forEach((c, i) => expect(judge(c, obs[i]!, rt.profile), `${c.tags?.['scenario']}: ${JSON.stringify(obs[i]!.steps)}`).toMatchObject({ verdict: 'pass' }));
      for (const o of obs) for (const st of o.steps) if (st.outcome.kind === 'host-error') expect(st.outcome.message).toMatch(/^SuspendError: /);
    });

    it('names itself and its engine with JSPI', async () => {
      expect(rt.name).toBe(`${engine}-jspi`);
      expect(await rt.version()).toMatch(new RegExp(`^${engine} .*, JSPI$`));
    });

    it('pauses at the k-th suspension, resumes with a value, cancels by abandoning and by rejecting, re-enters while suspended, and refuses to suspend outside promising or through a JS frame', async () => {
      const cs = cases();
      const obs = await rt.executeAll(cs);
      cs.forEach((c, i) => expect(judge(c, obs[i]!, rt.profile), `case ${i}: ${JSON.stringify(obs[i]!.steps)}`).toMatchObject({ verdict: 'pass' }));
      expect(obs[3]!.steps[0]!.outcome).toMatchObject({ kind: 'host-error', message: expect.stringMatching(/^SuspendError: /) });
      expect(obs[4]!.steps[1]!.outcome).toMatchObject({ kind: 'host-error', message: expect.stringMatching(/^SuspendError: /) });
    });
  });
});
