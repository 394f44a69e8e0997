/** The pool: watchdog, crashes, host survival, ordering and determinism. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { WorkerPool } from '../../src/runtime/pool.ts';
import { call, inst, mkCase, wasiWriteExit, wat } from './helpers.ts';

let rt: Runtime;
beforeAll(() => {
  rt = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await rt.close();
});

const ADD = '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))';
const i32 = (n: number) => ({ type: 'i32' as const, value: String(n) });
const addCase = (a: number, b: number, id?: string): Case => mkCase([ADD], [inst(), call('add', [i32(a), i32(b)])], id ? { id } : {});
const addResult = (n: number) => ({ kind: 'return', values: [i32(n)] });

const LOOP = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00") (data (i32.const 16) "hi\\n")
  (func (export "hello") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "spin") (loop (br 0)))
  (func (export "wait") (result i32) (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const -1))))`;

describe('watchdog', () => {
  it('an infinite loop times out at its step; earlier steps and the rest of the batch are kept', async () => {
    const cases = [
      addCase(1, 1),
      mkCase([LOOP], [inst(), call('hello', [], { stdout: 'hi\n' }), call('spin'), call('hello')], { timeoutMs: 400 }),
      addCase(2, 2),
      addCase(3, 3),
    ];
    const obs = await rt.executeAll(cases);
    expect(obs[0]!.steps[1]!.outcome).toEqual(addResult(2));
    expect(obs[1]!.steps).toEqual([
      { outcome: { kind: 'return', values: [] } },
      { outcome: { kind: 'return', values: [] }, stdout: 'hi\n' },
      { outcome: { kind: 'timeout', budgetMs: 400 } },
    ]);
    expect(obs[1]!.stdout).toBe('hi\n');
    expect(obs[2]!.steps[1]!.outcome).toEqual(addResult(4));
    expect(obs[3]!.steps[1]!.outcome).toEqual(addResult(6));
    // the pool still works afterwards
    const [next] = await rt.executeAll([addCase(20, 22)]);
    expect(next!.steps[1]!.outcome).toEqual(addResult(42));
  });

  it('a blocking wait on shared memory (never woken) times out too', async () => {
    const shared = LOOP.replace('(memory (export "memory") 1)', '(memory (export "memory") 1 1 shared)');
    const [o, after] = await rt.executeAll([mkCase([shared], [inst(), call('wait')], { timeoutMs: 300 }), addCase(1, 2)]);
    expect(o!.steps[1]!.outcome).toEqual({ kind: 'timeout', budgetMs: 300 });
    expect(after!.steps[1]!.outcome).toEqual(addResult(3));
  });
});

describe('the host survives', () => {
  it('stack overflow, proc_exit, a 4 GiB memory.grow and traps, then runs the next case', async () => {
    const grow = '(module (memory (export "memory") 1) (func (export "grow") (result i32) (memory.grow (i32.const 65535))) (func (export "size") (result i32) (memory.size)))';
    const deep = '(module (func $r (export "r") (param i32) (result i32) (i32.add (call $r (local.get 0)) (i32.const 1))))';
    const obs = await rt.executeAll([
      mkCase([grow], [inst(), call('grow'), call('size')]),
      mkCase([deep], [inst(), call('r', [i32(0)])]),
      mkCase([wasiWriteExit('bye', 0)], [inst(), { op: 'start', expect: {} }]),
      addCase(5, 6),
    ]);
    const g = obs[0]!.steps[1]!.outcome;
    expect(g.kind).toBe('return');
    const grown = g.kind === 'return' ? g.values[0]!.value : '';
    expect(['1', '-1']).toContain(grown);
    expect(obs[0]!.steps[2]!.outcome).toEqual(addResult(grown === '1' ? 65536 : 1));
    expect(obs[1]!.steps[1]!.outcome).toEqual({ kind: 'trap', trap: ['call stack exhausted'], message: 'Maximum call stack size exceeded' });
    expect(obs[2]!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(obs[3]!.steps[1]!.outcome).toEqual(addResult(11));
  });

  it('a worker that dies gives `crash` for exactly the case it was running', async () => {
    const pool = new WorkerPool({ workers: 1, workerUrl: new URL('./fixtures/dying-worker-entry.js', import.meta.url) });
    try {
      // a module with a custom section "trapcheck-test-die" makes the fixture worker exit mid-case
      const name = new TextEncoder().encode('trapcheck-test-die');
      const die = Uint8Array.from([...wat('(module)'), 0, name.length + 1, name.length, ...name]);
      const obs = await pool.run([addCase(1, 2), mkCase([ADD, die], [inst(), call('add', [i32(4), i32(4)]), inst({}, { module: 1 }), call('add', [i32(0), i32(0)])]), addCase(3, 4)]);
      expect(obs[0]!.steps[1]!.outcome).toEqual(addResult(3));
      expect(obs[1]!.steps.slice(0, 2).map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, addResult(8)]);
      expect(obs[1]!.steps[2]!.outcome).toMatchObject({ kind: 'crash' });
      expect(obs[1]!.steps[2]!.outcome.kind === 'crash' && obs[1]!.steps[2]!.outcome.detail).toMatch(/worker died \(exit code 9/);
      expect(obs[1]!.steps).toHaveLength(3);
      expect(obs[2]!.steps[1]!.outcome).toEqual(addResult(7));
    } finally {
      await pool.close();
    }
  });
});

describe('batches', () => {
  it('returns one observation per case, in order, across chunks and workers', async () => {
    const cases = Array.from({ length: 300 }, (_, i) => addCase(i, 1000));
    const obs = await rt.executeAll(cases);
    expect(obs).toHaveLength(300);
    obs.forEach((o, i) => expect(o.steps[1]!.outcome).toEqual(addResult(i + 1000)));
  });

  it('is deterministic: the same cases give identical observations', async () => {
    const clock = `(module (import "wasi_snapshot_preview1" "clock_time_get" (func $ct (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "random_get" (func $rg (param i32 i32) (result i32))) (memory (export "memory") 1)
      (func (export "go") (result i64) (drop (call $rg (i32.const 8) (i32.const 8))) (drop (call $ct (i32.const 0) (i64.const 0) (i32.const 0))) (i64.load (i32.const 0))))`;
    const mk = (): Case[] => [
      mkCase([clock], [inst(), call('go', [], { memory: [{ offset: 8, hex: '0000000000000000' }] }), call('go')], { id: 'det-1' }),
      mkCase([ADD], [inst(), call('add', [i32(1), i32(2)])], { id: 'det-2' }),
      mkCase(['(module (func (export "t") unreachable))'], [inst(), call('t')], { id: 'det-3' }),
    ];
    const a = await rt.executeAll(mk());
    const b = await rt.executeAll(mk());
    expect(b).toEqual(a);
  });

  it('an empty batch resolves at once; close() is idempotent', async () => {
    const local = createReferenceRuntime({ workers: 1 });
    expect(await local.executeAll([])).toEqual([]);
    await local.close();
    await local.close();
  });
});
