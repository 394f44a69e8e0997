/**
 * Packed chunks (runtime/packed.ts, WorkerPool.runPacked): what a child process of the sharded
 * reference runtime runs. The cases round-trip exactly; a packed chunk observes what the same
 * cases observe through `run`; the watchdog and crash guarantees hold for a packed chunk too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import type { Case } from '../../src/case.ts';
import { packCases, unpackCases, unpackChunk } from '../../src/runtime/packed.ts';
import type { PoolCase } from '../../src/runtime/pool.ts';
import { toPoolCase, WorkerPool } from '../../src/runtime/pool.ts';
import { call, inst, mkCase, wat } from './helpers.ts';

const ADD = '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))';
const SPIN = '(module (func (export "spin") (loop (br 0))) (func (export "one") (result i32) (i32.const 1)))';
const i32 = (n: number) => ({ type: 'i32' as const, value: String(n) });
const addCase = (a: number, b: number, id?: string): Case => mkCase([ADD], [inst(), call('add', [i32(a), i32(b)])], id ? { id } : {});
const addResult = (n: number) => ({ kind: 'return', values: [i32(n)] });

describe('packed chunks', () => {
  it('round-trip cases exactly; each module gets a buffer of its own', () => {
    const big = new Uint8Array(64);
    const view = big.subarray(8, 8 + wat(ADD).length);
    view.set(wat(ADD));
    const cases: PoolCase[] = [toPoolCase({ ...addCase(1, 2, 'a'), modules: [{ bytes: view }] }), { ...toPoolCase(addCase(3, 4, 'b')), timeoutMs: 250 }];
    const packed = packCases(cases);
    expect(packed.timeouts).toEqual([undefined, 250]);
    expect(packed.threads).toBe(false);
    expect(packed.bytes.byteLength).toBe(packed.bytes.buffer.byteLength);
    const back = unpackChunk<PoolCase>(packed);
    expect(back).toStrictEqual(cases);
    expect(back.map((c) => c.modules[0]!.bytes.buffer.byteLength)).toEqual(cases.map((c) => c.modules[0]!.bytes.byteLength));
    // a worker gets the cases without budgets (the watchdog is its supervisor's)
    expect(unpackCases<PoolCase>(packed.bytes).map((c) => c.timeoutMs)).toEqual([undefined, undefined]);
  });

  it('a budget that is no JSON number (Infinity) survives', () => {
    const packed = packCases([{ ...toPoolCase(addCase(1, 1)), timeoutMs: Infinity }]);
    expect(unpackChunk(packed)[0]!.timeoutMs).toBe(Infinity);
  });

  it('a threads case on real threads marks its chunk (the pool warms thread workers for it); under the scheduler it needs none', () => {
    expect(packCases([{ ...toPoolCase(addCase(1, 1)), threads: true, schedule: 'real' }]).threads).toBe(true);
    expect(packCases([{ ...toPoolCase(addCase(1, 1)), threads: true }]).threads).toBe(false);
  });
});

describe('WorkerPool.runPacked', () => {
  let pool: WorkerPool;
  beforeAll(() => {
    pool = new WorkerPool({ workers: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('observes what run() observes (generated cases of every family)', async () => {
    const cases: Case[] = [];
    for (let i = 0; i < 6; i++) for (const family of FAMILY_NAMES) cases.push({ ...generateCase(family, 77, i), timeoutMs: 30_000 });
    const direct = await pool.run(cases);
    expect(await pool.runPacked(packCases(cases.map(toPoolCase)))).toStrictEqual(direct);
  }, 120_000);

  it('accepts bytes that are a view into a larger buffer (as an IPC message delivers them)', async () => {
    const packed = packCases([toPoolCase(addCase(2, 3))]);
    const host = new Uint8Array(packed.bytes.byteLength + 16);
    host.set(packed.bytes, 16);
    const out = await pool.runPacked({ ...packed, bytes: host.subarray(16) });
    expect(out[0]!.steps[1]!.outcome).toEqual(addResult(5));
    expect(await pool.runPacked(packCases([]))).toEqual([]);
  });

  it('a hung case in a packed chunk times out at its step; its prefix and the rest of the chunk are kept', async () => {
    const cases = [addCase(1, 1), mkCase([SPIN], [inst(), call('one'), call('spin'), call('one')], { timeoutMs: 300 }), addCase(2, 2)];
    const out = await pool.runPacked(packCases(cases.map(toPoolCase)));
    expect(out[0]!.steps[1]!.outcome).toEqual(addResult(2));
    expect(out[1]!.steps.map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, addResult(1), { kind: 'timeout', budgetMs: 300 }]);
    expect(out[2]!.steps[1]!.outcome).toEqual(addResult(4));
    const again = await pool.runPacked(packCases([toPoolCase(addCase(20, 22))]));
    expect(again[0]!.steps[1]!.outcome).toEqual(addResult(42));
  });

  it('a worker that dies under a packed chunk gives `crash` for exactly the case it was running', async () => {
    const dying = new WorkerPool({ workers: 1, workerUrl: new URL('./fixtures/dying-worker-entry.js', import.meta.url) });
    try {
      const name = new TextEncoder().encode('trapcheck-test-die');
      const die = Uint8Array.from([...wat('(module)'), 0, name.length + 1, name.length, ...name]);
      const cases = [addCase(1, 2), mkCase([ADD, die], [inst(), call('add', [i32(4), i32(4)]), inst({}, { module: 1 })]), addCase(3, 4)];
      const out = await dying.runPacked(packCases(cases.map(toPoolCase)));
      expect(out[0]!.steps[1]!.outcome).toEqual(addResult(3));
      expect(out[1]!.steps.slice(0, 2).map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, addResult(8)]);
      expect(out[1]!.steps[2]!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringMatching(/worker died \(exit code 9/) as unknown });
      expect(out[2]!.steps[1]!.outcome).toEqual(addResult(7));
    } finally {
      await dying.close();
    }
  });

  it('a wasi-threads case in a packed chunk runs on warm thread workers (`--threads real`): four even for a one-worker pool', async () => {
    const one = new WorkerPool({ workers: 1 });
    try {
      const generated = generateCase('thread-panic', 4242, 0); // spawns one thread: the rest are warmed ahead, not on demand
      const c = { ...generated, tags: { ...generated.tags, schedule: 'real' } };
      const [direct] = await pool.run([c]);
      const packed = packCases([toPoolCase(c)]);
      expect(packed.threads).toBe(true);
      expect(await one.runPacked(packed)).toStrictEqual([direct]);
      // a case spawns up to four threads: each cold worker it met would cost it seconds under load
      expect(one.stats().threadWorkers).toBeGreaterThanOrEqual(4);
    } finally {
      await one.close();
    }
  }, 60_000);

  it('a closed pool rejects packed chunks', async () => {
    const closed = new WorkerPool({ workers: 1 });
    await closed.close();
    await expect(closed.runPacked(packCases([toPoolCase(addCase(1, 1))]))).rejects.toThrow(/closed/);
  });
});
