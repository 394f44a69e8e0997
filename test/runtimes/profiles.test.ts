/** Profiles as data, known divergences, the registry and capability-based skips. */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandProblem, missingCapability } from '../../src/runtimes/adapter.ts';
import type { Capabilities } from '../../src/runtimes/adapter.ts';
import { knownDivergences, loadProfile } from '../../src/runtimes/profiles.ts';
import { BUILTIN_RUNTIMES, createRuntime } from '../../src/runtimes/registry.ts';
import { adapterStatus } from '../../src/runtimes/native-adapters.ts';
import { NATIVE_KINDS } from '../../src/runtimes/native-kinds.ts';
import { projectExitCode } from '../../src/profile.ts';
import { judge } from '../../src/judge.ts';
import { call, inst, mkCase, start, wasiWriteExit } from '../runtime/helpers.ts';

const PROFILE_DIR = fileURLToPath(new URL('../../src/runtimes/profiles/', import.meta.url));
const profileNames = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));

describe('profiles', () => {
  it('every profile belongs to a registered runtime, and every runtime whose adapter exists has its profile', () => {
    const used = [...BUILTIN_RUNTIMES, ...NATIVE_KINDS.map((k) => k.profile)];
    expect(used).toEqual(expect.arrayContaining(profileNames));
    const runnable = [...BUILTIN_RUNTIMES, ...NATIVE_KINDS.filter((k) => adapterStatus(k.adapter).uses === 'native' || 'cli' in k.adapter).map((k) => k.profile)];
    expect(profileNames).toEqual(expect.arrayContaining(runnable));
  });

  it.each(profileNames.filter((n) => n !== 'reference'))('%s: every rule says what it means and where it comes from', (name) => {
    const p = loadProfile(name);
    expect(p.runtime).toBe(name);
    expect(p.rules?.length).toBeGreaterThan(0);
    for (const r of p.rules!) {
      expect(r.says.length).toBeGreaterThan(10);
      expect(r.source).toMatch(/https?:\/\/|feasibility-node20\.md|wasi-and-exit-codes\.md|measured|src\//);
    }
    expect(p.rules!.map((r) => r.rule)).toEqual(expect.arrayContaining(['exitCodes.exit', 'exitCodes.trap']));
  });

  it('encodes the documented exit-code rules (≥126 on wasmtime, POSIX truncation elsewhere)', () => {
    expect(projectExitCode(125, loadProfile('wasmtime').exitCodes)).toBe(125);
    expect(projectExitCode(126, loadProfile('wasmtime').exitCodes)).toBe(1);
    expect(projectExitCode(256, loadProfile('wasmer').exitCodes)).toBe(0);
    expect(projectExitCode(257, loadProfile('wasmedge').exitCodes)).toBe(1);
    expect(loadProfile('wasmtime').exitCodes.trap).toBe(134);
    expect(loadProfile('wasmedge').exitCodes.trap).toBe(134);
    expect(loadProfile('iwasm').exitCodes.trap).toBe(1);
    expect(loadProfile('wasmer').exitCodes.threadTrap).toBe(129);
    expect(loadProfile('wabt').exitCodes.trappedExport).toBe(0);
  });

  it('known divergences: each has an id, a runtime with a profile, a reason and a link, and is merged into that profile', () => {
    const all = knownDivergences();
    expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
    for (const d of all) {
      expect(profileNames).toContain(d.runtime);
      expect(d.reason.length).toBeGreaterThan(20);
      expect(d.link).toMatch(/^https:\/\//);
      expect(loadProfile(d.runtime).knownDivergences.map((k) => k.id)).toContain(d.id);
    }
  });

  it('a matching divergence turns a failure into known-divergence with its reason and link', () => {
    const c = mkCase(['(module (func (export "f")))'], [inst(), start({ outcome: { kind: 'deadlock' } })], { features: ['wasi', 'wasi-threads'] });
    const v = judge(c, { steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'timeout', budgetMs: 5000 } }], stdout: '', stderr: '' }, loadProfile('wasmer-sdk'));
    expect(v).toMatchObject({ verdict: 'known-divergence', divergence: 'wasmer-sdk-deadlock-is-a-hang' });
    expect(v.reason).toMatch(/no deadlock detector[^]*\(https:\/\/github\.com\/WebAssembly\/wasi-threads/);
  });

  it('a divergence limited to state mismatches covers a memory difference, never an outcome difference', () => {
    const profile = { ...loadProfile('reference'), knownDivergences: [{ id: 'd', match: { tag: { t: 'x' }, mismatch: 'state' as const }, reason: 'r', link: 'l' }] };
    const c = mkCase(['(module (memory (export "memory") 1) (func (export "f")))'], [inst(), call('f', [], { outcome: { kind: 'return' }, memory: [{ offset: 0, hex: '01' }] })], { tags: { t: 'x' } });
    const ok = { outcome: { kind: 'return' as const, values: [] } };
    const stateDiff = judge(c, { steps: [ok, { ...ok, memory: [{ offset: 0, hex: '00' }] }], stdout: '', stderr: '' }, profile);
    expect(stateDiff).toMatchObject({ verdict: 'known-divergence', divergence: 'd' });
    const outcomeDiff = judge(c, { steps: [ok, { outcome: { kind: 'trap', trap: ['unreachable'], message: '' }, memory: [{ offset: 0, hex: '01' }] }], stdout: '', stderr: '' }, profile);
    expect(outcomeDiff.verdict).toBe('fail');
  });
});

describe('registry', () => {
  it('an unknown runtime lists the valid ones', async () => {
    await expect(createRuntime('wasmtim')).rejects.toThrow(
      'unknown runtime `wasmtim`; valid runtimes: `reference`, `node`, `deno`, `bun`, `deno-jspi`, `bun-jspi`, `wabt`, `wasmer-sdk`, `jco`, `iwasm`, `wasm3`, `wazero`, `wasmtime`, `wasmer`, `wasmedge`, `spidermonkey`, a version (`iwasm@2.4.5`), a variant (`iwasm-classic`), `all`, or NAME=/path',
    );
  });
});

describe('capabilities decide skips', () => {
  const command: Capabilities = { steps: new Set(['instantiate', 'start']), features: new Set(['wasi', 'mvp']), shape: 'command', wasiOptions: new Set(['args', 'env', 'stdin']) };
  const cmd = (extra = {}) => mkCase([wasiWriteExit('x', 3)], [inst(), start({ outcome: { kind: 'exit', code: 3 } })], { features: ['wasi'], ...extra });
  it('a command runtime runs WASI commands only, names what else is missing', () => {
    expect(missingCapability(cmd(), command)).toBeUndefined();
    expect(missingCapability(mkCase(['(module (func (export "f")))'], [inst(), call('f')]), command)).toBe('step invoke');
    expect(commandProblem(mkCase([wasiWriteExit('x', 3, 'start')], [inst()], { features: ['wasi'] }))).toMatch(/exports no `_start`/);
    expect(missingCapability(cmd({ wasi: { threadLimit: 2 } }), command)).toBe('WASI setting threadLimit');
    expect(missingCapability(cmd({ features: ['wasi', 'wasi-preopens'] }), command)).toBe('feature wasi-preopens');
    const inspecting = mkCase([wasiWriteExit('x', 3)], [inst(), start({ outcome: { kind: 'exit', code: 3 }, memory: [{ offset: 0, hex: '00' }] })], { features: ['wasi'] });
    expect(missingCapability(inspecting, command)).toMatch(/memory or globals/);
  });
});
