/**
 * wasi-threads: generated thread-panic cases per second through the warm pool (main on a case
 * worker, every spawned thread on a pooled thread worker), against single-threaded wasi-exit
 * cases on the same pool. Goal (issue #4): at least 150 thread-panic cases/s on 2 cores.
 */
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { WorkerPool } from '../src/runtime/pool.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const BATCH = 200;

export default async function threads(): Promise<BenchRow[]> {
  const pool = new WorkerPool();
  const panics: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('thread-panic', 1, i));
  const exits: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('wasi-exit', 1, i));
  const deadlocks = panics.filter((c) => c.tags?.['scenario'] === 'deadlock');
  let next = 0;
  try {
    await pool.run(panics); // warm: binaryen in the case workers, thread workers started
    await pool.run(exits);
    // Latency of one generated deadlock case alone: detection is exact (every thread blocked),
    // so this is the cost of running the case, not a timeout (goal: well under 50 ms).
    const latency = await runGroup(
      'deadlock detection',
      [{ name: `one generated deadlock case alone (${deadlocks.length} rotating)`, fn: () => pool.run([deadlocks[next++ % deadlocks.length]!]), note: 'goal < 50 ms' }],
      { time: 2000, warmupTime: 200 },
    );
    const throughput = await runGroup(
      'threads',
      [
        { name: 'single-threaded wasi-exit cases (same pool)', fn: () => pool.run(exits), opsPerCall: BATCH },
        { name: 'thread-panic cases, warm pool (instrument + spawn + terminate)', fn: () => pool.run(panics), opsPerCall: BATCH, note: 'goal ≥ 150/s' },
      ],
      { time: 4000, warmupTime: 300 },
    );
    return [...throughput, ...latency];
  } finally {
    await pool.close();
  }
}
