/**
 * The process-sharded reference runtime (runtimes/process-pool.ts): the same observations as the
 * in-process worker pool, crash recovery when a child process dies, the watchdog through a child,
 * and an idle runtime that does not keep its process alive.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import type { Case } from '../../src/case.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { ProcessPool } from '../../src/runtimes/process-pool.ts';
import { createReferenceRuntime, defaultReferenceProcesses } from '../../src/runtimes/reference.ts';
import { call, inst, mkCase } from '../runtime/helpers.ts';

const ADD = '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))';
const SPIN = '(module (func (export "spin") (loop (br 0))))';
const i32 = (n: number) => ({ type: 'i32' as const, value: String(n) });
const addCase = (a: number, b: number, id?: string): Case => mkCase([ADD], [inst(), call('add', [i32(a), i32(b)])], id ? { id } : {});
const addResult = (n: number) => ({ kind: 'return', values: [i32(n)] });
const FAULTY = new URL('../fixtures/process-pool/faulty-child.js', import.meta.url);

describe('process-sharded reference runtime', () => {
  let sharded: Runtime;
  beforeAll(() => {
    sharded = createReferenceRuntime({ processes: 2 });
  });
  afterAll(async () => {
    await sharded.close();
  });

  it('observes exactly what the in-process pool observes (60 generated cases of every family)', async () => {
    const cases: Case[] = [];
    // No generated case expects a timeout; a generous budget keeps the wall-clock watchdog from
    // racing deadlock detection while the other test files load both cores (seen: one thread-panic
    // deadlock observed as `timeout` in one pool only). The comparison is what is tested here.
    for (let i = 0; i < 60; i++) for (const family of FAMILY_NAMES) cases.push({ ...generateCase(family, 4242, i), timeoutMs: 30_000 });
    expect(cases).toHaveLength(60 * FAMILY_NAMES.length);
    const local = createReferenceRuntime({ processes: 0, workers: 2 });
    try {
      // one after the other: neither run's cases compete with the other's for the cores
      const a = await local.executeAll(cases);
      const b = await sharded.executeAll(cases);
      expect(b).toHaveLength(cases.length);
      expect(b).toStrictEqual(a);
    } finally {
      await local.close();
    }
  }, 240_000); // 420 cases in two pools: ~16 s alone, past 60 s when the other test files share both cores

  it('keeps case order across children and merges several batches in flight', async () => {
    const batches = [0, 1, 2].map((k) => Array.from({ length: 50 }, (_, i) => addCase(k * 100 + i, 1)));
    const results = await Promise.all(batches.map((b) => sharded.executeAll(b)));
    results.forEach((obs, k) => obs.forEach((o, i) => expect(o.steps[1]!.outcome).toEqual(addResult(k * 100 + i + 1))));
    expect(await sharded.executeAll([])).toEqual([]);
  });

  it('a hung case times out through the child; the rest of the batch and the runtime survive', async () => {
    const cases = [addCase(1, 1), mkCase([SPIN], [inst(), call('spin')], { timeoutMs: 300 }), addCase(2, 2)];
    const t0 = performance.now();
    const obs = await sharded.executeAll(cases);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(obs[0]!.steps[1]!.outcome).toEqual(addResult(2));
    expect(obs[1]!.steps).toEqual([{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'timeout', budgetMs: 300 } }]);
    expect(obs[2]!.steps[1]!.outcome).toEqual(addResult(4));
    const [next] = await sharded.executeAll([addCase(20, 22)]);
    expect(next!.steps[1]!.outcome).toEqual(addResult(42));
  });
});

describe('a child process that dies', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-pp-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a case that kills its child twice observes crash; the other cases of its batch run again', async () => {
    const pool = new ProcessPool({ processes: 2, childUrl: FAULTY, maxProcessChunk: 4 });
    try {
      const cases = [...Array.from({ length: 10 }, (_, i) => addCase(i, 1)), addCase(0, 0, 'kill-child'), ...Array.from({ length: 10 }, (_, i) => addCase(i, 2))];
      const obs = await pool.run(cases);
      obs.slice(0, 10).forEach((o, i) => expect(o.steps[1]!.outcome).toEqual(addResult(i + 1)));
      expect(obs[10]!.steps).toHaveLength(1);
      expect(obs[10]!.steps[0]!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringMatching(/child process died \(exit code 70/) as unknown });
      obs.slice(11).forEach((o, i) => expect(o.steps[1]!.outcome).toEqual(addResult(i + 2)));
      // the pool replaced its children and still works
      expect(pool.pids()).toHaveLength(2);
      const [after] = await pool.run([addCase(40, 2)]);
      expect(after!.steps[1]!.outcome).toEqual(addResult(42));
    } finally {
      await pool.close();
    }
  });

  it('a case that kills its child once is re-run and observes its real outcome', async () => {
    const pool = new ProcessPool({ processes: 1, childUrl: FAULTY });
    try {
      const obs = await pool.run([addCase(1, 2), addCase(3, 4, `kill-once:${join(dir, 'once')}`), addCase(5, 6)]);
      expect(obs.map((o) => o.steps[1]!.outcome)).toEqual([addResult(3), addResult(7), addResult(11)]);
    } finally {
      await pool.close();
    }
  });

  it('a child killed from outside mid-run costs nothing but time', async () => {
    const pool = new ProcessPool({ processes: 2 });
    try {
      const cases = [...Array.from({ length: 100 }, (_, i) => addCase(i, 0)), mkCase([SPIN], [inst(), call('spin')], { timeoutMs: 400 })];
      await pool.run([addCase(0, 0)]); // children up
      const running = pool.run(cases);
      await new Promise((r) => setTimeout(r, 100));
      // both: whichever holds the hung case's chunk loses it
      for (const pid of pool.pids()) process.kill(pid, 'SIGKILL');
      const obs = await running;
      expect(obs.filter((o) => o.steps.length !== 2)).toEqual([]);
      obs.slice(0, 100).forEach((o, i) => expect(o.steps[1]!.outcome).toEqual(addResult(i)));
      expect(obs[100]!.steps[1]!.outcome).toEqual({ kind: 'timeout', budgetMs: 400 });
    } finally {
      await pool.close();
    }
  });

  it('close() ends the children; the closed pool rejects new work', async () => {
    const pool = new ProcessPool({ processes: 2 });
    await pool.run([addCase(1, 1)]);
    const pids = pool.pids();
    await pool.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(pool.run([addCase(1, 1)])).rejects.toThrow(/closed/);
  });
});

describe('process lifetime and defaults', () => {
  it('an idle sharded runtime that is never closed does not keep its process alive', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(process.execPath, ['bin/run-ts.js', 'test/fixtures/process-pool/idle-exit.ts'], { cwd: root, timeout: 20_000 }, (err, out) => (err ? reject(err) : resolve({ stdout: out })));
    });
    expect(JSON.parse(stdout.trim())).toEqual(addResult(5));
  });

  it('the CLI default: one process per core on several cores, overridable; in-process under vitest', () => {
    expect(defaultReferenceProcesses({ TRAPCHECK_PROCESSES: '0' })).toBe(0);
    expect(defaultReferenceProcesses({ TRAPCHECK_PROCESSES: '3' })).toBe(3);
    expect(defaultReferenceProcesses({ VITEST: 'true' })).toBe(0);
    const cores = defaultReferenceProcesses({});
    expect(cores === 0 || cores > 1).toBe(true);
  });
});
