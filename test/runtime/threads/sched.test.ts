/**
 * The deterministic scheduler of wasi-threads processes (src/runtime/threads/sched/): same case
 * and schedule ⇒ same interleaving, outcome and schedule string; a recorded schedule replays
 * exactly; one virtual clock per process; exact deadlocks; and a planted interleaving bug is
 * found by seeded exploration and replayed from its printed schedule.
 */
import { describe, expect, it } from 'vitest';
import { generateCase } from '../../../generators/index.ts';
import type { Case } from '../../../src/case.ts';
import { TrapcheckError } from '../../../src/errors.ts';
import { judge } from '../../../src/judge.ts';
import { executeCase } from '../../../src/runtime/exec.ts';
import { toPoolCase } from '../../../src/runtime/pool.ts';
import { formatSchedule, parseSchedule, PctChooser, ReplayChooser, scheduleSeed, switchesOf } from '../../../src/runtime/threads/sched/schedule.ts';
import { shrinkSchedule, shrinkScheduleAsync } from '../../../src/runtime/threads/sched/shrink-schedule.ts';
import { loadReferenceProfile } from '../../../src/runtimes/reference.ts';
import { inst, mkCase, start } from '../helpers.ts';
import { correctRuntime, explore, faultyRuntime, plantedCase, replaySchedule } from './planted-fault.ts';

const profile = loadReferenceProfile();
const run = (c: Case, schedule?: string) => executeCase(schedule === undefined ? toPoolCase(c) : { ...toPoolCase(c), schedule }, { threads: correctRuntime });
const threaded = (src: string, expect: Case['steps'][number]['expect']): Case => mkCase([src], [inst({ outcome: { kind: 'return' } }), start(expect)], { features: ['wasi', 'threads', 'wasi-threads'] });

describe('schedule tokens', () => {
  it('format run-length encoded choice lists and parse them back', () => {
    const token = formatSchedule(7, [0, 0, 1, 1, 1, 0, 2]);
    expect(token).toBe('7@0:2,1:3,0:1,2:1');
    expect(parseSchedule(token)).toEqual({ seed: 7, choices: [0, 0, 1, 1, 1, 0, 2] });
    expect(parseSchedule('7')).toEqual({ seed: 7 });
    expect(parseSchedule('7@')).toEqual({ seed: 7, choices: [] });
    expect(switchesOf([0, 0, 1, 1, 1, 0, 2])).toBe(3);
    for (const bad of ['x', '7@0', '7@a:1', '-1']) expect(() => parseSchedule(bad)).toThrow(TrapcheckError);
  });

  it('PCT is a pure function of its seed; a replay follows its list, then keeps the running thread', () => {
    const picks = (seed: number) => {
      const p = new PctChooser(seed);
      [0, 1, 2].forEach((t) => p.spawned(t));
      return Array.from({ length: 60 }, (_, e) => p.choose([0, 1, 2], e % 3, e + 1, false));
    };
    expect(picks(5)).toEqual(picks(5));
    expect(new Set(Array.from({ length: 20 }, (_, s) => picks(s).join(''))).size).toBeGreaterThan(1);
    const r = new ReplayChooser([2, 1]);
    expect([r.choose([0, 1, 2], 0, 1, false), r.choose([0, 1, 2], 2, 2, false), r.choose([0, 1, 2], 1, 3, false), r.choose([0, 2], 1, 4, false)]).toEqual([2, 1, 1, 2]);
  });
});

describe('scheduler mode (the default)', () => {
  const cases = Array.from({ length: 24 }, (_, i) => generateCase('thread-panic', 3, i));

  it('generated thread-panic cases pass, and twice the same case gives the same observation and schedule', () => {
    for (const c of cases) {
      const a = run(c);
      expect(judge(c, a, profile).verdict, c.id).toBe('pass');
      expect(run(c), c.id).toEqual(a);
      expect(a.raw?.['schedule']).toMatch(/^\d+@/);
    }
  });

  it('a recorded schedule replays exactly, and other seeds explore other interleavings', () => {
    const c = cases.find((x) => switchesOf(parseSchedule(String(run(x).raw!['schedule'])).choices!) >= 2)!;
    expect(c).toBeDefined();
    const first = run(c);
    const token = String(first.raw!['schedule']);
    expect(run(c, token)).toEqual(first);
    const seen = new Set(Array.from({ length: 12 }, (_, j) => String(run(c, String(scheduleSeed(c.id, j))).raw!['schedule']).split('@')[1]));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('one virtual clock per process: a 1 ms timed wait in main ends before a 10 s poll_oneoff sleep in a thread, under every schedule', () => {
    const src = `(module (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (func (export "_start") (drop (call $spawn (i32.const 0)))
        (call $exit (i32.add (i32.const 10) (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const 1000000)))))
      (func (export "wasi_thread_start") (param i32 i32)
        ;; absolute realtime deadline: the epoch (1.7e18 ns) + 10 s; flags @552 = ABSTIME
        (i32.store (i32.const 528) (i32.const 0)) (i64.store (i32.const 536) (i64.const 1700000010000000000))
        (i32.store16 (i32.const 552) (i32.const 1))
        (drop (call $poll (i32.const 512) (i32.const 600) (i32.const 1) (i32.const 640)))
        (call $exit (i32.const 1))))`;
    const c = threaded(src, { outcome: { kind: 'exit', code: 12 } });
    const e = explore(c, 16, correctRuntime);
    expect(e.failing).toBeUndefined();
    expect([...e.outcomes]).toEqual([['exit', 16]]);
  });

  it('every thread blocked forever is `deadlock` at once, in every schedule', () => {
    const src = `(module (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (func (export "_start") (drop (call $spawn (i32.const 0))) (drop (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const -1))))
      (func (export "wasi_thread_start") (param i32 i32) (drop (memory.atomic.wait32 (i32.const 68) (i32.const 0) (i64.const 5))) (drop (memory.atomic.wait32 (i32.const 72) (i32.const 0) (i64.const -1)))))`;
    const c = threaded(src, { outcome: { kind: 'deadlock' } });
    const e = explore(c, 8, correctRuntime);
    expect(e.failing).toBeUndefined();
    expect([...e.outcomes]).toEqual([['deadlock', 8]]);
  });
});

describe('exploration finds a planted interleaving bug', () => {
  it('a host that loses a trap between two waits of main fails under some seeded schedule, which replays exactly', () => {
    const c = plantedCase();
    const bad = explore(c, 200, faultyRuntime);
    expect(bad.failing, 'no schedule of 200 hit the planted bug').toBeDefined();
    expect(bad.failing!.observation.steps[1]!.outcome).toEqual({ kind: 'deadlock' });
    const again = replaySchedule(c, bad.failing!.schedule, faultyRuntime);
    expect(again).toEqual(bad.failing!.observation);
    // the correct host passes under the same schedule and every other one explored
    expect(judge(c, replaySchedule(c, bad.failing!.schedule, correctRuntime), profile).verdict).toBe('pass');
    expect(explore(c, bad.runs, correctRuntime).failing).toBeUndefined();
  });

  it('the failing schedule shrinks to no more switches, and the shrunk one still fails and replays', async () => {
    const c = plantedCase();
    const bad = explore(c, 200, faultyRuntime).failing!;
    const original = parseSchedule(bad.schedule).choices!;
    const failsWith = (choices: number[]) => judge(c, replaySchedule(c, formatSchedule(0, choices), faultyRuntime), profile).verdict === 'fail';
    const shrunk = shrinkSchedule(original, failsWith);
    expect(shrunk.switches).toBeLessThanOrEqual(switchesOf(original));
    expect(failsWith(shrunk.choices)).toBe(true);
    // the fuzz shrinker's asynchronous variant takes the same steps
    expect(await shrinkScheduleAsync(original, async (x) => failsWith(x), 400)).toEqual(shrunk);
    // a list that only ever keeps the running thread (no switch at all) must not fail: shrinking is not vacuous
    expect(failsWith([])).toBe(false);
    const token = String(replaySchedule(c, formatSchedule(0, shrunk.choices), faultyRuntime).raw!['schedule']);
    expect(replaySchedule(c, token, faultyRuntime).steps[1]!.outcome).toEqual({ kind: 'deadlock' });
  });
});
