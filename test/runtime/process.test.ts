/** Lunatic-style processes in the reference runtime (src/runtime/process/): host functions, limits, kill, catch, the pool path. */
import { afterAll, describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import type { Case, ProcessExpectation } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { WorkerPool } from '../../src/runtime/pool.ts';
import { withMemoryLimit } from '../../src/runtime/process/instrument.ts';
import { processRuntime } from '../../src/runtime/process/runtime.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';
import { instrumentFuel, OUT_OF_FUEL } from '../../src/wasm/instrument/fuel.ts';
import { inst, mkCase, start, wat } from './helpers.ts';

const profile = loadReferenceProfile();
const HDR = `
  (import "lunatic::process" "spawn" (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "create_config" (func $create_config (result i64)))
  (import "lunatic::process" "config_set_max_memory" (func $set_mem (param i64 i64)))
  (import "lunatic::process" "config_set_max_fuel" (func $set_fuel (param i64 i64)))
  (import "lunatic::process" "kill" (func $kill (param i64)))
  (import "lunatic::process" "sleep_ms" (func $sleep (param i64)))
  (import "lunatic::process" "link" (func $link (param i64 i64)))
  (import "lunatic::process" "die_when_link_dies" (func $dwld (param i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 100) "child")`;

function run(src: string, outcome: Case['steps'][number]['expect']['outcome'], processes: ProcessExpectation[]): void {
  const c = mkCase([src], [inst({ outcome: { kind: 'return' } }), start({ outcome: outcome!, processes })], { features: ['lunatic'] });
  const obs = executeCase({ ...c, lunatic: true }, { processes: processRuntime });
  expect(judge(c, obs, profile), JSON.stringify(obs.steps[1])).toEqual({ verdict: 'pass' });
}
const spawnChild = (link: number, cfg = '(i64.const -1)') =>
  `(call $spawn (i64.const ${link}) ${cfg} (i64.const -1) (i32.const 100) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 200))`;

describe('process host', () => {
  it('memory limit: memory.grow past it returns -1 (no trap); spawning over it returns 1 (L8, K3)', () => {
    run(
      `(module ${HDR}
        (func (export "child") (i32.store (i32.const 8) (memory.grow (i32.const 1))) (i32.store (i32.const 12) (memory.grow (i32.const 1))))
        (func (export "_start") (local i64)
          (local.set 0 (call $create_config)) (call $set_mem (local.get 0) (i64.const 131072))
          (i32.store (i32.const 16) ${spawnChild(0, '(local.get 0)')})
          (call $set_mem (local.get 0) (i64.const 65535))
          (i32.store (i32.const 20) ${spawnChild(0, '(local.get 0)')})))`,
      { kind: 'exit', code: 0 },
      [
        { pid: 1, state: 'dead', reason: 'normal', memory: [{ offset: 16, hex: '0000000001000000' }] },
        { pid: 2, state: 'dead', reason: 'normal', memory: [{ offset: 8, hex: '01000000ffffffff' }] },
      ],
    );
  });

  it('fuel limit: running out kills the process with out of fuel; a linked default peer dies too (L2)', () => {
    run(
      `(module ${HDR}
        (func (export "child") (loop (br 0)))
        (func (export "_start") (local i64)
          (local.set 0 (call $create_config)) (call $set_fuel (local.get 0) (i64.const 2))
          (drop ${spawnChild(9, '(local.get 0)')})
          (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))))`,
      { kind: 'exit', code: 1 },
      [
        { pid: 1, state: 'dead', reason: 'failure', cause: 'link-died' },
        { pid: 2, state: 'dead', reason: 'failure', cause: 'out-of-fuel', trap: 'out of fuel' },
      ],
    );
  });

  it('kill is effective at the next yield point; link to a missing pid is a LinkDied(NoProcess) message (L5, L6)', () => {
    run(
      `(module ${HDR}
        (func (export "child") (i32.store (i32.const 8) (i32.const 1)) (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))) (i32.store (i32.const 8) (i32.const 2)))
        (func (export "_start")
          (call $dwld (i32.const 0))
          (drop ${spawnChild(0)})
          (call $sleep (i64.const 5))
          (call $kill (i64.load (i32.const 200)))
          (call $link (i64.const 77) (i64.const 999999))
          (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
          (i64.store (i32.const 8) (call $get_tag))))`,
      { kind: 'exit', code: 0 },
      [
        { pid: 1, state: 'dead', reason: 'normal', mailbox: [], memory: [{ offset: 8, hex: '4d00000000000000' }] },
        { pid: 2, state: 'dead', reason: 'failure', cause: 'killed', memory: [{ offset: 8, hex: '01000000' }] },
      ],
    );
  });

  it('spawn without permission traps the caller (L7); an unknown lunatic import is unsupported', () => {
    run(
      `(module ${HDR}
        (func (export "child") (drop ${spawnChild(0)}))
        (func (export "_start") (drop ${spawnChild(0, '(call $create_config)')}) (call $sleep (i64.const 1))))`,
      { kind: 'exit', code: 0 },
      [{ pid: 1, state: 'dead', reason: 'normal' }, { pid: 2, state: 'dead', reason: 'failure', cause: 'host-error' }],
    );
    const c = mkCase(['(module (import "lunatic::nope" "f" (func)) (func (export "_start")))'], [inst(), start()], { features: ['lunatic'] });
    expect(executeCase({ ...c, lunatic: true }, { processes: processRuntime }).steps[0]!.outcome).toEqual({ kind: 'unsupported', feature: 'import lunatic::nope.f' });
  });

  it('withMemoryLimit lowers (never raises) the maximum', () => {
    const b = wat('(module (memory (export "m") 1 10))');
    const m = new WA.Instance(new WA.Module(withMemoryLimit(b, 2)), {}).exports['m'] as { grow(n: number): number };
    expect(m.grow(1)).toBe(1);
    expect(() => m.grow(1)).toThrow();
    expect(withMemoryLimit(b, 20)).toBe(b);
  });

  it('the fuel pass alone: a host that never refills ends a spinning call with out of fuel', () => {
    const out = instrumentFuel(wat('(module (func (export "spin") (loop (br 0))))'));
    expect(out.loops).toBe(1);
    const i = new WA.Instance(new WA.Module(out.bytes), { 'trapcheck:fuel': { initial: new WA.Global({ value: 'i64', mutable: false }, 0n), exhausted: () => { throw OUT_OF_FUEL; } } });
    (i.exports['trapcheck_fuel'] as { value: bigint }).value = 1000n;
    expect(() => (i.exports['spin'] as () => void)()).toThrow(expect.objectContaining({ outOfFuel: true }));
  });
});

describe('through the worker pool', () => {
  const pool = new WorkerPool({ workers: 2 });
  afterAll(() => pool.close());
  it('runs generated isolation cases deterministically (same observations twice)', async () => {
    const cases = Array.from({ length: 30 }, (_, i) => generateCase('isolation', 3, i));
    const a = await pool.run(cases);
    const b = await pool.run(cases);
    expect(a).toEqual(b);
    for (let i = 0; i < cases.length; i++) expect(judge(cases[i]!, a[i]!, profile), cases[i]!.id).toEqual({ verdict: 'pass' });
  }, 60_000);
});
