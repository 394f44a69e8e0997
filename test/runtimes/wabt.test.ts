/** wabt's wasm-interp adapter: planning, output reading (pure), and a few real runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { classifyWabt, parseWabtValue, planWabtRun, readWabtOutput } from '../../src/runtimes/wabt.ts';
import type { WabtPlan } from '../../src/runtimes/wabt.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { judge } from '../../src/judge.ts';
import { call, inst, mkCase, start, wasiWriteExit } from '../runtime/helpers.ts';

const MOD = `(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 5))
  (func (export "poke") (param i32)
    (global.set $g (local.get 0))
    (i32.store8 (i32.const 3) (i32.const 0xab))
    unreachable)
  (func (export "neg") (result i32 i64) (i32.const -2) (i64.const -1))
  (func (export "nan") (result f32) (f32.reinterpret_i32 (i32.const 0x7fc00001)))
  (func (export "half") (param f64) (result f64) (f64.div (local.get 0) (f64.const 2))))`;

const stateCase = () =>
  mkCase([MOD], [
    inst(),
    call('poke', [{ type: 'i32', value: '9' }], { outcome: { kind: 'trap', trap: 'unreachable' }, globals: { g: { type: 'i32', value: '9' } }, memory: [{ offset: 2, hex: '00ab00' }] }),
    call('neg', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '-2' }, { type: 'i64', value: '-1' }] } }),
    call('nan', [], { outcome: { kind: 'return', values: [{ type: 'f32', value: 'nan:0x7fc00001' }] } }),
    call('half', [{ type: 'f64', value: '-inf' }], { outcome: { kind: 'return', values: [{ type: 'f64', value: '-inf' }] } }),
  ]);

describe('wabt adapter (pure parts)', () => {
  it('reads wasm-interp values back exactly (unsigned ints → signed, float wrappers → bits)', () => {
    expect(parseWabtValue('i32:4294967294', 'i32')).toEqual({ type: 'i32', value: '-2' });
    expect(parseWabtValue('i64:18446744073709551615', 'i64')).toEqual({ type: 'i64', value: '-1' });
    expect(parseWabtValue('i32:2143289345', 'f32')).toEqual({ type: 'f32', value: 'nan:0x7fc00001' });
    expect(parseWabtValue('i64:9218868437227405312', 'f64')).toEqual({ type: 'f64', value: 'inf' });
  });

  it('classifies its trap texts, with one imprecise message for atomics', () => {
    expect(classifyWabt('out of bounds memory access: access at 65536+4 >= max value 65536')).toMatchObject({ kind: 'trap', trap: ['out of bounds memory access'] });
    expect(classifyWabt('uninitialized table element')).toMatchObject({ trap: ['uninitialized element'] });
    expect(classifyWabt('invalid atomic access at 1+0')).toMatchObject({ trap: ['unaligned atomic', 'out of bounds memory access'] });
    expect(classifyWabt('not implemented')).toMatchObject({ kind: 'unsupported' });
    expect(classifyWabt('something new')).toMatchObject({ kind: 'crash' });
  });

  it('plans one parameterless export per step, plus readers for the inspected state, in step order', async () => {
    const plan = (await planWabtRun(stateCase())) as WabtPlan;
    expect(plan.entries.map((e) => e.name)).toEqual(['__tc_1', '__tc_1_g1', '__tc_1_m2', '__tc_1_m3', '__tc_1_m4', '__tc_2', '__tc_3', '__tc_4']);
  });

  it('turns printed lines into per-step outcomes; a start trap is the instantiate step', async () => {
    const c = stateCase();
    const plan = (await planWabtRun(c)) as WabtPlan;
    const stdout = ['__tc_1() => error: unreachable executed', '__tc_1_g1() => i32:9', '__tc_1_m2() => i32:0', '__tc_1_m3() => i32:171', '__tc_1_m4() => i32:0', '__tc_2() => i32:4294967294, i64:18446744073709551615', '__tc_3() => i32:2143289345', '__tc_4() => i64:18442240474082181120', ''].join('\n');
    const obs = readWabtOutput(c, plan, { stdout, stderr: '', code: 0, signal: null, timedOut: false, budgetMs: 5000 });
    expect(judge(c, obs, { runtime: 'wabt', versions: '', exitCodes: { trap: 1, exit: 'posix' }, instanceAfterTrap: 'usable', knownDivergences: [], sources: [] })).toEqual({ verdict: 'pass' });
    const init = readWabtOutput(c, plan, { stdout: '', stderr: 'error initializing module: integer divide by zero\n', code: 1, signal: null, timedOut: false, budgetMs: 5000 });
    expect(init.steps).toEqual([{ outcome: { kind: 'trap', trap: ['integer divide by zero'], message: 'integer divide by zero' } }]);
  });

  it('declares what it cannot run as capabilities: WASI, other steps, several instances', () => {
    const caps = { steps: new Set(['instantiate', 'invoke', 'get'] as const), features: new Set(['mvp'] as const), shape: 'single-instance' as const };
    expect(missingCapability(mkCase([wasiWriteExit('x', 0)], [inst(), start()], { features: ['wasi'] }), caps)).toBe('feature wasi');
    expect(missingCapability(mkCase([MOD, MOD], [inst({}, { module: 0 }), inst({}, { module: 1 })]), caps)).toMatch(/^shape: several modules/);
  });
});

describe('wabt adapter (real wasm-interp)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime('wabt');
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('runs a whole case on one instance: a trap keeps earlier effects, later steps still run, values exact', async () => {
    expect(await rt.version()).toMatch(/^wasm-interp 1\.0\./);
    const c = stateCase();
    const [obs] = await rt.executeAll([c]);
    expect(judge(c, obs!, rt.profile)).toEqual({ verdict: 'pass' });
  });

  it('a trap in the start function is the instantiate step (exit 1), an export trap exits 0 (profile rule)', async () => {
    const c = mkCase(['(module (func $s unreachable) (start $s) (func (export "f")))'], [inst({ outcome: { kind: 'trap', trap: 'unreachable' } })]);
    const [obs] = await rt.executeAll([c]);
    expect(judge(c, obs!, rt.profile)).toEqual({ verdict: 'pass' });
    expect(obs!.raw).toMatchObject({ exitCode: 1 });
    const [o2] = await rt.executeAll([stateCase()]);
    expect(o2!.raw).toMatchObject({ exitCode: rt.profile.exitCodes.trappedExport });
  });
});
