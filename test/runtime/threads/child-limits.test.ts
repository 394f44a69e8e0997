/**
 * The scheduler's limits where `trapcheck run` meets them: in a reference child, under the
 * children's V8 flags (on Node 20 the stack-switching backend, src/runtime/threads/sched/
 * jspi-backend.ts; Asyncify elsewhere). Every thread blocked forever is `deadlock` at once, a
 * runaway thread is `timeout` at the case's budget, and the child goes on to run the next case
 * normally: a thread's stack parked when its process ended must not wedge or poison the worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../../src/case.ts';
import type { Runtime } from '../../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../../src/runtimes/reference.ts';
import { inst, mkCase, start } from '../helpers.ts';

const HDR = `(import "env" "mem" (memory 1 1 shared))
 (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))`;
const threaded = (src: string, timeoutMs: number): Case =>
  mkCase([src], [inst({ outcome: { kind: 'return' } }), start()], { features: ['wasi', 'threads', 'wasi-threads'], timeoutMs });
const mainWaitsForever = '(func (export "_start") (drop (call $spawn (i32.const 1))) (drop (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const -1))))';

let runtime: Runtime | undefined;
afterAll(async () => {
  await runtime?.close();
});

describe('thread limits in a reference child', () => {
  it('deadlock at once, a runaway thread times out, and the next case runs normally', async () => {
    runtime = createReferenceRuntime({ processes: 1 });
    const dead = threaded(`(module ${HDR} ${mainWaitsForever} (func (export "wasi_thread_start") (param i32 i32) (drop (memory.atomic.wait32 (i32.const 68) (i32.const 0) (i64.const -1)))))`, 30_000);
    const runaway = threaded(`(module ${HDR} ${mainWaitsForever} (func (export "wasi_thread_start") (param i32 i32) (loop (br 0))))`, 400);
    // a thread that waits for main's notify, then exits 7: both threads must really run after the runaway
    const after = threaded(
      `(module ${HDR}
        (func (export "_start") (drop (call $spawn (i32.const 1))) (i32.store (i32.const 64) (i32.const 1)) (drop (memory.atomic.notify (i32.const 64) (i32.const 1)))
          (drop (memory.atomic.wait32 (i32.const 72) (i32.const 0) (i64.const -1))))
        (func (export "wasi_thread_start") (param i32 i32) (drop (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const -1))) (call $exit (i32.const 7))))`,
      30_000,
    );
    const [d, r, a] = await runtime.executeAll([dead, runaway, after]);
    expect(d!.steps[1]!.outcome).toEqual({ kind: 'deadlock' });
    expect(r!.steps[1]!.outcome).toEqual({ kind: 'timeout', budgetMs: 400 });
    expect(a!.steps[1]!.outcome).toEqual({ kind: 'exit', code: 7 });
  });
});
