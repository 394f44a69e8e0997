/**
 * Shared shape of benchmark results. Every bench file default-exports a function returning
 * rows; `bench/index.ts` runs them all, prints one table and writes reports/bench/bench.json.
 * Speed is always reported as a ratio against a baseline measured in the same run.
 */
import { Bench } from 'tinybench';

export interface BenchRow {
  /** Group of rows compared with each other (e.g. "invoke"). */
  group: string;
  name: string;
  /** Mean nanoseconds per operation (one operation = what `name` says). */
  meanNs: number;
  opsPerSec: number;
  /** meanNs / the group's baseline meanNs; 1 for the baseline itself. */
  ratio?: number;
  /** runGroupRounds: this row's ratio in each round (the median is `ratio`). */
  roundRatios?: number[];
  note?: string;
}

export type BenchSuite = () => Promise<BenchRow[]>;

/**
 * Runs tinybench tasks of one group; the first task is the baseline the others are divided by.
 * `opsPerCall` lets a task do N operations per call (amortising closure overhead) and still
 * report per-operation figures.
 */
export async function runGroup(
  group: string,
  tasks: Array<{ name: string; fn: () => unknown | Promise<unknown>; opsPerCall?: number; note?: string }>,
  options: { time?: number; warmupTime?: number; iterations?: number } = {},
): Promise<BenchRow[]> {
  const bench = new Bench({ time: options.time ?? 1000, warmupTime: options.warmupTime ?? 200, ...(options.iterations !== undefined ? { iterations: options.iterations } : {}) });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  const rows: BenchRow[] = [];
  let baseline: number | undefined;
  for (const t of tasks) {
    const task = bench.getTask(t.name);
    const result = task?.result;
    if (!result || result.state !== 'completed') throw new Error(`bench ${group}/${t.name} did not complete`);
    const meanNs = (result.latency.mean * 1e6) / (t.opsPerCall ?? 1);
    baseline ??= meanNs;
    const row: BenchRow = { group, name: t.name, meanNs, opsPerSec: 1e9 / meanNs, ratio: meanNs / baseline };
    if (t.note) row.note = t.note;
    rows.push(row);
  }
  return rows;
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * `runGroup` `rounds` times in a row, each row reported with its median time and median ratio over
 * the rounds. For groups whose rows take seconds each (end-to-end runs): a shared 2-core machine
 * drifts by ±30 % over a minute, and one pass measures row after row, so drift lands on whichever
 * row ran during it; alternating rounds spreads it over every row, and the median drops the worst
 * round.
 */
export async function runGroupRounds(
  group: string,
  tasks: Parameters<typeof runGroup>[1],
  options: Parameters<typeof runGroup>[2] & { rounds: number },
): Promise<BenchRow[]> {
  const { rounds, ...perRound } = options;
  const passes: BenchRow[][] = [];
  for (let r = 0; r < rounds; r++) passes.push(await runGroup(group, tasks, perRound));
  return passes[0]!.map((row, i) => {
    const meanNs = median(passes.map((p) => p[i]!.meanNs));
    const roundRatios = passes.map((p) => p[i]!.ratio ?? 1);
    return { ...row, meanNs, opsPerSec: 1e9 / meanNs, ratio: median(roundRatios), roundRatios };
  });
}
