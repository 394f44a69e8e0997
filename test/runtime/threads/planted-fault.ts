/**
 * A planted bug for the schedule explorer (issue #13): a faulty host that loses a thread's trap
 * when it arrives while main is between its two waits, so the process deadlocks instead of
 * trapping. Only some interleavings put the trap there; the explorer must find one with seeded
 * schedules and the printed schedule must replay it. Test-only (also used by the bench).
 */
import type { Case } from '../../../src/case.ts';
import { judge } from '../../../src/judge.ts';
import type { Observation } from '../../../src/observation.ts';
import type { Outcome } from '../../../src/outcome.ts';
import { executeCase } from '../../../src/runtime/exec.ts';
import type { RunnableCase, ThreadRuntime } from '../../../src/runtime/exec.ts';
import { toPoolCase } from '../../../src/runtime/pool.ts';
import type { Runner } from '../../../src/runtime/threads/sched/coroutine.ts';
import { SchedProcess } from '../../../src/runtime/threads/sched/process.ts';
import { scheduleSeed } from '../../../src/runtime/threads/sched/schedule.ts';
import { loadReferenceProfile } from '../../../src/runtimes/reference.ts';
import { inst, mkCase, start } from '../helpers.ts';

/** Main waits 1 ms, then forever; the thread waits 1 ms, yields, traps. Every correct schedule: trap. */
export const PLANTED_WAT = `(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (call $yield))
    (drop (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const 1000000)))
    (drop (memory.atomic.wait32 (i32.const 68) (i32.const 0) (i64.const -1))))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 72) (i32.const 0) (i64.const 1000000)))
    (drop (call $yield))
    unreachable))`;

export function plantedCase(): Case {
  return mkCase([PLANTED_WAT], [inst({ outcome: { kind: 'return' } }), start({ outcome: { kind: 'trap', trap: 'unreachable' } })], { id: 'threads/planted-trap-lost-between-waits', features: ['wasi', 'threads', 'wasi-threads'] });
}

/** The faulty host: a trap that lands after main's first wait returned and before its second is lost. */
export class LosesTrapBetweenWaits extends SchedProcess {
  private mainWaits = 0;
  private between = false;

  override block(r: Runner): boolean {
    if (r.tid === 0) {
      this.between = false;
      this.mainWaits++;
    }
    const unwind = super.block(r);
    if (r.tid === 0 && this.mainWaits === 1) this.between = true;
    return unwind;
  }

  override terminate(o: Outcome): Outcome {
    if (this.between && o.kind === 'trap') return o; // the planted bug: this end is lost
    return super.terminate(o);
  }
}

export const faultyRuntime: ThreadRuntime = { create: (c) => new LosesTrapBetweenWaits(c) };
export const correctRuntime: ThreadRuntime = { create: (c) => new SchedProcess(c) };

export interface Exploration {
  /** Schedules run until the first failure (all N when none failed). */
  runs: number;
  /** The first failing schedule (replay token) and what it observed. */
  failing?: { index: number; schedule: string; observation: Observation };
  /** Every outcome of the start step seen, with how often. */
  outcomes: Map<string, number>;
}

/** Runs `c` under schedules 0..n-1 of its id (as `--schedules n` does), stopping at the first failure. */
export function explore(c: Case, n: number, runtime: ThreadRuntime): Exploration {
  const profile = loadReferenceProfile();
  const outcomes = new Map<string, number>();
  const base: RunnableCase = toPoolCase(c);
  for (let j = 0; j < n; j++) {
    const observation = executeCase({ ...base, schedule: String(scheduleSeed(c.id, j)) }, { threads: runtime });
    const last = observation.steps.at(-1)!.outcome.kind;
    outcomes.set(last, (outcomes.get(last) ?? 0) + 1);
    if (judge(c, observation, profile).verdict === 'fail') return { runs: j + 1, failing: { index: j, schedule: String(observation.raw!['schedule']), observation }, outcomes };
  }
  return { runs: n, outcomes };
}

/** Runs `c` once under exactly `schedule`. */
export function replaySchedule(c: Case, schedule: string, runtime: ThreadRuntime): Observation {
  return executeCase({ ...toPoolCase(c), schedule }, { threads: runtime });
}
