/**
 * The jco runtime on real components (no mocks): a hand-written canonical-ABI guest is wrapped by
 * componentEmbed/componentNew, transpiled by jco and run through the adapter's child process.
 * One runtime for the file and one guest module, so jco builds it once (the rest are cache hits).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, ComponentConfig, Expectation, Step } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { jcoCaseProblem } from '../../src/runtimes/jco.ts';
import { classifyJcoError } from '../../src/runtimes/jco/classify.ts';
import { worldOf } from '../../src/runtimes/jco/world.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { wat } from '../runtime/helpers.ts';

const GUEST = wat(readFileSync(new URL('../fixtures/jco/guest.wat', import.meta.url), 'utf8'));
const u32 = (v: number) => ({ type: 'u32' as const, value: String(v) });
const i32 = (v: number) => ({ type: 'i32' as const, value: String(v | 0) });
const hex32 = (...words: number[]) => words.map((w) => w.toString(16).padStart(8, '0').match(/../g)!.reverse().join('')).join('');

function config(hop: NonNullable<ComponentConfig['imports']>[string]): ComponentConfig {
  return {
    profile: 'spec',
    exports: {
      f: { params: ['u32'], results: ['u32'] },
      len: { params: ['string'], results: ['u32'] },
      id: { params: ['u32'], results: ['u32'] },
      quit: { params: ['u32'], results: [] },
      spin: { params: [], results: [] },
    },
    imports: { hop, exit: { kind: 'exit', params: ['u32'], results: [] } },
  };
}
const RETURN_41: NonNullable<ComponentConfig['imports']>[string] = { kind: 'return', value: 41, params: ['u32'], results: ['u32'] };

let n = 0;
function componentCase(steps: Step[], extra: Partial<Case> = {}): Case {
  return { id: `jco-${n++}`, family: 'component', modules: [{ bytes: GUEST }], features: ['component'], component: config(RETURN_41), steps, provenance: { kind: 'hand-written', note: 'jco runtime test' }, ...extra };
}
const inst = (as = 'a', expect: Expectation = { outcome: { kind: 'return' } }): Step => ({ op: 'instantiate', as, expect });
const call = (instance: string, exp: string, args: Array<{ type: 'u32' | 'string'; value: string }>, expect: Expectation): Step => ({ op: 'call', instance, export: exp, args, expect });

let jco: Runtime;
beforeAll(async () => {
  jco = await createRuntime('jco');
});
afterAll(async () => {
  await jco?.close();
});

async function run(c: Case) {
  expect(missingCapability(c, jco.capabilities)).toBeUndefined();
  const [obs] = await jco.executeAll([c]);
  return { obs: obs!, verdict: judge(c, obs!, jco.profile) };
}

describe('jco runtime: real components', () => {
  it('C1: two calls, post-return runs once per call (read from core memory)', async () => {
    const c = componentCase([
      inst(),
      call('a', 'f', [u32(5)], { outcome: { kind: 'return', values: [i32(42)] }, memory: [{ offset: 0, hex: hex32(1, 1) }] }),
      call('a', 'f', [u32(6)], { outcome: { kind: 'return', values: [i32(42)] }, memory: [{ offset: 0, hex: hex32(2, 2) }], globals: { g: { type: 'i32', value: '7' } } }),
    ]);
    const { obs, verdict } = await run(c);
    expect(verdict).toEqual({ verdict: 'pass' });
    expect((obs.raw as { jco: { modules: Array<{ cached: boolean }> } }).jco.modules).toHaveLength(1);
  });

  it('C3: a trap, then `cannot enter component instance` on the same instance; C4: a second instance is unaffected', async () => {
    const c = componentCase([
      inst('a'),
      inst('b'),
      call('a', 'f', [u32(0)], { outcome: { kind: 'trap', trap: 'unreachable' }, memory: [{ offset: 0, hex: hex32(1, 0) }] }),
      call('a', 'f', [u32(1)], { outcome: { kind: 'trap', trap: 'cannot enter component instance' }, memory: [{ offset: 0, hex: hex32(1, 0) }] }),
      call('b', 'f', [u32(1)], { outcome: { kind: 'return', values: [i32(42)] }, memory: [{ offset: 0, hex: hex32(1, 1) }] }),
    ]);
    const { obs, verdict } = await run(c);
    expect(verdict).toEqual({ verdict: 'pass' });
    expect(obs.steps[3]!.outcome).toMatchObject({ kind: 'trap', message: 'wasm trap: cannot enter component instance' });
  });

  it('C7: sync re-entry runs the inner call, as the spec since CM PR #705 says: a pass, no divergence', async () => {
    const c = componentCase(
      [
        inst('a'),
        // a.f(9) → host import hop → a.id(5), while a is on the call stack: id returns 5, f 5 + 1
        call('a', 'f', [u32(9)], { outcome: { kind: 'return', values: [i32(6)] } }),
        // nothing was locked down
        call('a', 'id', [u32(7)], { outcome: { kind: 'return', values: [i32(7)] } }),
      ],
      { component: config({ kind: 'call', instance: 'a', export: 'id', args: [5], params: ['u32'], results: ['u32'] }), tags: { row: 'C7' } },
    );
    const { obs, verdict } = await run(c);
    expect(obs.steps[1]!.outcome).toEqual({ kind: 'return', values: [i32(6)] });
    expect(verdict).toEqual({ verdict: 'pass' });
  });

  it('a host import throwing a JS Error is a host error, and jco leaves the instance usable', async () => {
    const c = componentCase(
      [inst(), call('a', 'f', [u32(3)], { outcome: { kind: 'host-error' } }), call('a', 'len', [{ type: 'string', value: 'ok' }], { outcome: { kind: 'return', values: [i32(2)] } })],
      { component: config({ kind: 'throw', message: 'host said no', params: ['u32'], results: ['u32'] }) },
    );
    const { obs, verdict } = await run(c);
    expect(verdict).toEqual({ verdict: 'pass' });
    expect(obs.steps[1]!.outcome).toEqual({ kind: 'host-error', message: 'host said no' });
  });

  it('wasi:cli/exit is overridden: exit(ok) is exit 0 and exit(err) exit 1, the test process survives, later steps see the exit', async () => {
    const ok = componentCase([inst(), call('a', 'quit', [u32(0)], { outcome: { kind: 'exit', code: 0 } }), call('a', 'f', [u32(1)], { outcome: { kind: 'exit', code: 0 } })]);
    const err = componentCase([inst(), call('a', 'quit', [u32(1)], { outcome: { kind: 'exit', code: 1 } })]);
    // discriminant 2 is no `result` case: the Canonical ABI traps while lifting it (jco: a TypeError)
    const bad = componentCase([inst(), call('a', 'quit', [u32(2)], { outcome: { kind: 'trap', trap: 'invalid variant discriminant' } })]);
    const [a, b, c] = await jco.executeAll([ok, err, bad]);
    expect(judge(ok, a!, jco.profile)).toEqual({ verdict: 'pass' });
    expect(judge(err, b!, jco.profile)).toEqual({ verdict: 'pass' });
    expect(judge(bad, c!, jco.profile)).toEqual({ verdict: 'pass' });
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('a string argument goes through cabi_realloc into the guest memory', async () => {
    const text = 'héllo ✓';
    const bytes = Buffer.from(text, 'utf8');
    const c = componentCase([
      inst(),
      call('a', 'len', [{ type: 'string', value: text }], { outcome: { kind: 'return', values: [i32(bytes.length)] }, memory: [{ offset: 8, hex: hex32(1) }, { offset: 1024, hex: bytes.toString('hex') }] }),
    ]);
    expect((await run(c)).verdict).toEqual({ verdict: 'pass' });
  });

  it('a hang is a timeout at its step (the child is killed), and the next case runs on a fresh child', async () => {
    const hang = componentCase([inst(), call('a', 'f', [u32(1)], { outcome: { kind: 'return' } }), call('a', 'spin', [], { outcome: { kind: 'return' } })], { timeoutMs: 300 });
    const after = componentCase([inst(), call('a', 'f', [u32(1)], { outcome: { kind: 'return', values: [i32(42)] } })]);
    const [h, a] = await jco.executeAll([hang, after]);
    expect(h!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'return', 'timeout']);
    expect(judge(after, a!, jco.profile)).toEqual({ verdict: 'pass' });
  });
});

describe('jco runtime: what it does not run', () => {
  const base = () => componentCase([inst()]);
  it('skips core cases, non-spec profiles, fused adapters, pause points and the fuel / asyncify / threads / lunatic features', () => {
    expect(jcoCaseProblem({ ...base(), component: undefined })).toMatch(/component cases only/);
    expect(jcoCaseProblem({ ...base(), component: { ...config(RETURN_41), profile: 'wasmtime-store' } })).toMatch(/profile wasmtime-store/);
    expect(jcoCaseProblem({ ...base(), component: config({ kind: 'adapter', instance: 'a', export: 'f', params: ['u32'], results: ['u32'] }) })).toMatch(/fused adapter/);
    expect(jcoCaseProblem({ ...base(), steps: [inst(), { op: 'call', export: 'f', pauseAt: 'entry', expect: {} }] })).toMatch(/pauseAt/);
    for (const f of ['fuel', 'asyncify', 'wasi-threads', 'lunatic'] as const) expect(missingCapability({ ...base(), features: ['component', f] }, jco.capabilities)).toBe(`feature ${f}`);
    for (const op of ['resume', 'cancel', 'refuel', 'post-return'] as const)
      expect(missingCapability({ ...base(), steps: [inst(), { op, call: 'x', export: 'f', amount: 1, expect: {} } as unknown as Step] }, jco.capabilities)).toBe(`step ${op}`);
  });
});

describe('jco runtime: pure parts', () => {
  it('classifies jco’s wasmtime-style messages, keeping V8’s folds, and falls back to the V8 table', () => {
    expect(classifyJcoError('RuntimeError', 'wasm trap: cannot enter component instance')).toMatchObject({ trap: ['cannot enter component instance'] });
    expect(classifyJcoError('RuntimeError', 'cannot leave component instance')).toMatchObject({ trap: ['cannot leave component instance'] });
    expect(classifyJcoError('RuntimeError', 'wasm trap: invalid conversion to integer')).toMatchObject({ trap: ['invalid conversion to integer', 'integer overflow'] });
    expect(classifyJcoError('RuntimeError', 'unreachable')).toMatchObject({ trap: ['unreachable'] });
    expect(classifyJcoError('RangeError', 'Maximum call stack size exceeded')).toMatchObject({ trap: ['call stack exhausted'] });
    expect(classifyJcoError('TypeError', 'nope').kind).toBe('crash');
    expect(classifyJcoError('TypeError', 'invalid variant discriminant for expected')).toMatchObject({ trap: ['invalid variant discriminant'] });
  });

  it('generates the WIT world, escaping names and declaring wasi:cli/exit inline', () => {
    const w = worldOf(config(RETURN_41));
    expect(w.ok && w.wit).toContain('import wasi:cli/exit@0.2.0;');
    expect(w.ok && w.wit).toContain('export %len: func(p0: string) -> u32;');
    expect(w.ok && w.wit).toContain('import %hop: func(p0: u32) -> u32;');
    expect(worldOf({ profile: 'spec', exports: { bad_name: { params: [], results: [] } } })).toMatchObject({ ok: false, problem: expect.stringMatching(/bad_name/) });
  });
});
