/**
 * wasi-threads (issue #13): generated thread-panic cases per second on the same warm pool, under
 * the deterministic scheduler (the default: every thread of a case in the case's own worker, as
 * Asyncify coroutines) and under `--threads real` (every spawned thread on a pooled thread
 * worker), alternated in rounds; the CPU time per case of both (process-wide, workers included:
 * on a shared machine wall time also counts other people's load); the deadlock-report latency
 * (one generated deadlock case alone, median); and how many seeded schedules the explorer needs
 * to find a planted interleaving bug (test/runtime/threads/planted-fault.ts), and how many the
 * depth-first search (`--schedules dfs`) runs before it and in all.
 *
 * Goals: scheduler ≥ 2× the pooled path's cases/s; deadlock report ≤ 1 ms median.
 */
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { WorkerPool } from '../src/runtime/pool.ts';
import { judge } from '../src/judge.ts';
import { executeCase } from '../src/runtime/exec.ts';
import { toPoolCase } from '../src/runtime/pool.ts';
import { exploreDfs, parseProbe, probeToken } from '../src/runtime/threads/sched/dfs.ts';
import { formatSchedule, scheduleSeed } from '../src/runtime/threads/sched/schedule.ts';
import { createReferenceRuntime, defaultReferenceProcesses, loadReferenceProfile } from '../src/runtimes/reference.ts';
import { runSuite } from '../src/conformance/suite.ts';
import { CHILD_EXEC_ARGV } from '../src/runtimes/process-pool.ts';
import { explore, faultyRuntime, plantedCase, replaySchedule } from '../test/runtime/threads/planted-fault.ts';
import type { BenchRow } from './harness.ts';
import { median } from './harness.ts';

const BATCH = 200;
const CHILD_BATCH = 800;
const ROUNDS = 3;
/** The children rows' rounds: more, since each mode's first round ran slower than its later ones. */
const CHILD_ROUNDS = 5;
const LATENCY_RUNS = 200;

const real = (c: Case): Case => ({ ...c, tags: { ...c.tags, schedule: 'real' } });
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One pass over `cases`: wall ms and process CPU ms. */
async function pass(pool: WorkerPool, cases: readonly Case[]): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await pool.run(cases);
  return { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 };
}

export default async function threads(): Promise<BenchRow[]> {
  const pool = new WorkerPool();
  const sched: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('thread-panic', 1, i));
  const pooled = sched.map(real);
  const deadlocks = sched.filter((c) => c.tags?.['scenario'] === 'deadlock');
  try {
    await pool.run(pooled.slice(0, 20)); // warm: binaryen in the case workers, thread workers started
    await pool.run(sched.slice(0, 20));
    const runs: Record<'sched' | 'real', Array<{ wallMs: number; cpuMs: number }>> = { sched: [], real: [] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.real.push(await pass(pool, pooled));
      runs.sched.push(await pass(pool, sched));
    }
    const row = (name: string, xs: Array<{ wallMs: number; cpuMs: number }>, baseline: number, note: string): BenchRow => {
      const meanNs = (median(xs.map((x) => x.wallMs)) * 1e6) / BATCH;
      const cpu = median(xs.map((x) => x.cpuMs)) / BATCH;
      return { group: 'threads', name, meanNs, opsPerSec: 1e9 / meanNs, ratio: meanNs / baseline, note: `${note}; CPU ${cpu.toFixed(2)} ms/case` };
    };
    const realNs = (median(runs.real.map((x) => x.wallMs)) * 1e6) / BATCH;
    const throughput = [
      row('thread-panic cases, --threads real (pooled workers, parallel)', runs.real, realNs, 'baseline'),
      row('thread-panic cases, scheduler (one worker, Asyncify coroutines)', runs.sched, realNs, 'goal ratio ≤ 0.5 (≥ 2× cases/s)'),
    ];
    // deadlock report: exact in both modes (every live thread blocked), so this is the cost of running the case
    const latency: BenchRow[] = [];
    for (const [mode, cases] of [['scheduler', deadlocks], ['--threads real', deadlocks.map(real)]] as const) {
      const ms: number[] = [];
      for (let i = 0; i < LATENCY_RUNS; i++) {
        const t0 = performance.now();
        await pool.run([cases[i % cases.length]!]);
        ms.push(performance.now() - t0);
      }
      const m = median(ms);
      latency.push({ group: 'deadlock report', name: `one generated deadlock case alone, ${mode} (${cases.length} rotating; median)`, meanNs: m * 1e6, opsPerSec: 1000 / m, note: 'goal ≤ 1 ms median' });
    }
    latency[1]!.ratio = latency[1]!.meanNs / latency[0]!.meanNs;
    latency[0]!.ratio = 1;
    // the planted bug: a trap lost between two waits of main, found by seeded schedules (in-process)
    const t0 = performance.now();
    const found = explore(plantedCase(), 200, faultyRuntime);
    const exploreMs = performance.now() - t0;
    const planted: BenchRow = {
      group: 'exploration',
      name: 'schedules until the planted interleaving bug fails (--schedules 200)',
      meanNs: (exploreMs * 1e6) / found.runs,
      opsPerSec: (found.runs * 1000) / exploreMs,
      note: found.failing ? `found after ${found.runs} schedules: ${found.failing.schedule}` : `NOT found in ${found.runs} schedules`,
    };
    return [...throughput, ...(await asTrapcheckRunsThem()), ...latency, planted, await dfsPlanted()];
  } finally {
    await pool.close();
  }
}

/**
 * The same comparison where `trapcheck run` runs thread cases: the reference runtime sharded over
 * one child process per core, under the children's V8 flags (no background compile or GC threads,
 * runtimes/process-pool.ts CHILD_EXEC_ARGV), cases judged. The in-process rows above keep Node's
 * defaults, whose background threads help `--threads real` (parallel thread workers) more than
 * the scheduler (one worker per case). Wall time only: the work is in the children.
 */
async function asTrapcheckRunsThem(): Promise<BenchRow[]> {
  const processes = defaultReferenceProcesses();
  if (processes === 0) return [];
  // a round of 200 cases lasts ~1 s across two children: too short to average out this VM's drift
  const sched: Case[] = Array.from({ length: CHILD_BATCH }, (_, i) => generateCase('thread-panic', 2, i));
  const pooled = sched.map(real);
  const runtime = createReferenceRuntime({ processes });
  const times: Record<'sched' | 'real', number[]> = { sched: [], real: [] };
  try {
    // Warm-up: every child started (the pool starts one and grows once over a chunk of 64 would
    // wait: with 40 cases the second child started inside the first measured round, which was
    // `--threads real`'s) and binaryen, thread workers and the JIT warm in both modes.
    await runSuite(pooled.slice(0, 300), [runtime]);
    await runSuite(sched.slice(0, 300), [runtime]);
    for (let r = 0; r < CHILD_ROUNDS; r++) {
      // alternate which mode goes first, so a drift of the machine does not always land on one
      const order = r % 2 === 0 ? ([['real', pooled], ['sched', sched]] as const) : ([['sched', sched], ['real', pooled]] as const);
      for (const [mode, cases] of order) {
        const t0 = performance.now();
        await runSuite(cases, [runtime]);
        times[mode].push(performance.now() - t0);
      }
    }
  } finally {
    await runtime.close();
  }
  const realNs = (median(times.real) * 1e6) / CHILD_BATCH;
  const schedNs = (median(times.sched) * 1e6) / CHILD_BATCH;
  const rounds = times.real.map((t, i) => (t / times.sched[i]!).toFixed(2)).join(', ');
  // the children's flags decide the scheduler's backend (src/runtime/threads/sched/backend.ts)
  const switching = CHILD_EXEC_ARGV.includes('--experimental-wasm-stack-switching') ? 'stack switching' : 'Asyncify';
  return [
    { group: 'threads (as trapcheck run: children)', name: `thread-panic cases, --threads real, ${processes} reference children`, meanNs: realNs, opsPerSec: 1e9 / realNs, ratio: 1, note: 'baseline' },
    { group: 'threads (as trapcheck run: children)', name: `thread-panic cases, scheduler (${switching}), ${processes} reference children`, meanNs: schedNs, opsPerSec: 1e9 / schedNs, ratio: schedNs / realNs, note: `goal ratio ≤ 0.5; cases/s ÷ real's per round: ${rounds}` },
  ];
}

/** `--schedules dfs` on the planted bug, in-process: the whole space, and where the first failure sits in it. */
async function dfsPlanted(): Promise<BenchRow> {
  const c = plantedCase();
  const seed = scheduleSeed(c.id);
  const t0 = performance.now();
  const found = await exploreDfs(async (prefix) => {
    const o = executeCase({ ...toPoolCase(c), schedule: probeToken(seed, prefix) }, { threads: faultyRuntime });
    return parseProbe(String(o.raw!['schedule']))!;
  }, 1000);
  const ms = performance.now() - t0;
  const profile = loadReferenceProfile();
  const first = found.schedules.findIndex((s) => judge(c, replaySchedule(c, formatSchedule(seed, s), faultyRuntime), profile).verdict === 'fail');
  const n = found.schedules.length;
  return {
    group: 'exploration',
    name: 'depth-first search of the planted case (--schedules dfs)',
    meanNs: (ms * 1e6) / n,
    opsPerSec: (n * 1000) / ms,
    note: `${found.complete ? 'complete' : 'cut'} after ${n} schedules; first failing: #${first + 1}`,
  };
}
