/**
 * End to end: generated core-trap cases per second (generate → execute in the reference
 * runtime's pool → judge), against the raw engine doing only compile + instantiate + call of the
 * same modules on this thread. The ratio is the cost of isolation, classification and judging;
 * each trapcheck row's note gives it as the issue states it (cases/s ÷ raw cases/s).
 *
 * Two raw rows: the first (the ratios' baseline, as in earlier sessions) runs in this process
 * under Node's default V8 flags; the second runs in a child process under the flags of the
 * reference runtime's children (bench/raw-child.ts), where compile + instantiate cost ~30% less.
 * The second is the fair baseline: each trapcheck row's note gives both ratios.
 *
 * A third raw row runs that child loop in two processes at once: what this machine's cores give
 * to compile + instantiate + call when both are busy with it. On the 2-vCPU VM this was measured
 * on, each of two concurrent loops cost 1.3–1.45× the CPU a case of one loop alone (kernel work,
 * page-table updates through a paravirtualised MMU, is 43% of a raw case; a latency-bound JS loop
 * scaled 1.0×), and two processes gave 0.83–1.07× one in the bench itself. This row is the ceiling
 * for any 2-core pipeline; each trapcheck row's note gives its share of it.
 *
 * A last row times generation alone (the generation worker, its cases received and dropped): the
 * first trapcheck row shares these cores with it, so its cases/s bound that row's.
 *
 * Plus the guarded invoke: `CaseRun.callGuarded` (what every invoke step goes through) against a
 * raw call of the same export, as bench/invoke.bench.ts defines them; its note gives call time ÷
 * raw call time, measured in adjacent pairs in fresh processes (bench/guard-ratio-child.ts), and
 * tinybench's row-after-row figure beside it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { runSuite } from '../src/conformance/suite.ts';
import type { GenerationJob } from '../src/cli/generation-pool.ts';
import { GenerationPool } from '../src/cli/generation-pool.ts';
import { createReferenceRuntime, defaultReferenceProcesses } from '../src/runtimes/reference.ts';
import { WA } from '../src/runtime/wasm-api.ts';
import { guardedInvokeTasks } from './invoke.bench.ts';
import { startRawChild } from './raw-child.ts';
import type { BenchRow } from './harness.ts';
import { median, runGroup, runGroupRounds } from './harness.ts';

const BATCH = 2000;
/** Cases the generation worker builds before any row is timed. */
const GENERATION_WARMUP = 6000;

function* jobs(seed: number): Generator<GenerationJob> {
  for (let i = 0; i < BATCH; i++) yield ['core-traps', seed, i];
}

/**
 * The figures as notes: throughput ÷ the raw baseline's for cases, time ÷ raw time for
 * calls (the median ratio). `fair`: the row index of the raw loop under the children's flags, and
 * `ceiling`: the row of that loop in two processes at once; each later row's throughput is also
 * divided by theirs.
 */
function noted(rows: BenchRow[], how: 'throughput' | 'time', fair?: number, ceiling?: number): BenchRow[] {
  return rows.map((r, i) => {
    if (i === 0 || r.ratio === undefined) return r;
    if (i === fair || i === ceiling) return { ...r, note: `${(1 / r.ratio).toFixed(2)}× the in-process raw loop's cases/s` };
    const share = (at: number | undefined, what: string): string => (at !== undefined && i > at ? `; ${(rows[at]!.meanNs / r.meanNs).toFixed(2)}× ${what}` : '');
    const fairNote = share(fair, "the raw loop under the children's flags") + share(ceiling, 'the two-process raw ceiling');
    const show = (ratio: number): string => (how === 'throughput' ? 1 / ratio : ratio).toFixed(2);
    const rounds = r.roundRatios && r.roundRatios.length > 1 ? ` (median of rounds: ${r.roundRatios.map(show).join(', ')})` : '';
    const figure = how === 'throughput' ? `${show(r.ratio)}× raw cases/s${rounds}${fairNote}` : `${show(r.ratio)}× raw call time`;
    return { ...r, note: r.note ? `${figure}; ${r.note}` : figure };
  });
}

const GUARD_PROCESSES = 5;

/** One fresh process's paired guarded ÷ raw median (bench/guard-ratio-child.ts). */
function pairedGuardRatio(): Promise<number> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run-ts.js', 'bench/guard-ratio-child.ts'], { cwd: root, timeout: 120_000 }, (err, out) => {
      if (err) reject(err);
      else resolve((JSON.parse(out.trim().split('\n').pop()!) as { median: number }).median);
    });
  });
}

/** The invoke bench's raw and guarded calls (one definition, bench/invoke.bench.ts), reported here as time ÷ raw time. */
async function guardedInvoke(): Promise<BenchRow[]> {
  const { tasks, keep } = guardedInvokeTasks();
  const rows = await runGroup('e2e invoke', tasks);
  if (keep() === 0.5) console.log('kept'); // keep results alive
  const paired: number[] = [];
  for (let i = 0; i < GUARD_PROCESSES; i++) paired.push(await pairedGuardRatio());
  const guard = median(paired);
  return noted(rows, 'time').map((r, i) =>
    i === 1 ? { ...r, note: `${guard.toFixed(2)}× raw call time (adjacent pairs, median of ${GUARD_PROCESSES} fresh processes: ${paired.map((x) => x.toFixed(2)).join(', ')}); tinybench row after row: ${r.note}` } : r,
  );
}

export default async function e2e(): Promise<BenchRow[]> {
  // The reference runtime as `trapcheck run` creates it (runtimes/registry.ts): sharded over one
  // child process per core on a multi-core host; the in-process worker pool is the comparison.
  const processes = defaultReferenceProcesses();
  const runtime = createReferenceRuntime({ processes });
  const inProcess = createReferenceRuntime({ processes: 0 });
  const generation = new GenerationPool();
  let seed = 1000;
  const pregenerated: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('core-traps', 1, i));
  // Warm the pool and binaryen.
  await runSuite(pregenerated.slice(0, 200), [runtime]);
  await runSuite(pregenerated.slice(0, 200), [inProcess]);
  // And the generation worker, as a long `run` or `fuzz` has it: a fresh thread's first thousand
  // cases cost 3–5× its ten-thousandth (the JIT and binaryen's tier-up; generate.bench.ts warms
  // 3,000 a side for the same reason), so without this the first round measured its warm-up.
  for (let i = 0; i < GENERATION_WARMUP / BATCH; i++) await runSuite(generation.generate(jobs(seed++)), [runtime]);
  const rawOnce = (): void => {
    for (const c of pregenerated) {
      try {
        const inst = new WA.Instance(new WA.Module(c.modules[0]!.bytes), {});
        (inst.exports['run'] as () => unknown)();
      } catch {
        // traps are the point
      }
    }
  };
  const rawModules = pregenerated.map((c) => c.modules[0]!.bytes);
  const generateOnly = async (): Promise<void> => {
    for await (const c of generation.generate(jobs(seed++))) if (c.modules.length === 0) throw new Error(`${c.id}: no module`);
  };
  const rawChild = await startRawChild(rawModules);
  const rawChild2 = await startRawChild(rawModules);
  Error.stackTraceLimit = 0;
  try {
    const rows = await runGroupRounds(
      'e2e core-traps',
      [
        { name: 'raw V8: compile+instantiate+call (same modules, no isolation)', fn: rawOnce, opsPerCall: BATCH },
        { name: "raw V8, the same loop in a child process under the reference children's V8 flags", fn: () => rawChild.run(), opsPerCall: BATCH },
        { name: 'raw V8, that child loop in two processes at once (the 2-core ceiling)', fn: async () => void (await Promise.all([rawChild.run(), rawChild2.run()])), opsPerCall: 2 * BATCH },
        // As `trapcheck run` does it: generation workers feed the runtime's pool, in order.
        { name: `trapcheck: generate+execute+judge (processes: ${processes})`, fn: async () => runSuite(generation.generate(jobs(seed++)), [runtime]), opsPerCall: BATCH },
        { name: `trapcheck: execute+judge (pre-generated, processes: ${processes})`, fn: async () => runSuite(pregenerated, [runtime]), opsPerCall: BATCH },
        { name: 'trapcheck: generate+execute+judge (in-process pool, processes: 0)', fn: async () => runSuite(generation.generate(jobs(seed++)), [inProcess]), opsPerCall: BATCH },
        // What generation alone gives, nothing executed: generate+execute+judge shares these cores
        // with it, so this is a ceiling for the first trapcheck row, whatever execution costs.
        { name: 'generation alone: the generation worker feeding no runtime (a ceiling for generate+execute+judge)', fn: generateOnly, opsPerCall: BATCH },
      ],
      // one operation is 2,000 cases (~1 s): 4 samples per row and round, 3 rounds (median; see runGroupRounds)
      { time: 2000, warmupTime: 500, iterations: 4, rounds: 3 },
    );
    return [...noted(rows, 'throughput', 1, 2), ...(await guardedInvoke())];
  } finally {
    rawChild.close();
    rawChild2.close();
    Error.stackTraceLimit = 10;
    await Promise.all([runtime.close(), inProcess.close(), generation.close()]);
  }
}
