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
  try {
    await pool.run(panics); // warm: binaryen in the case workers, thread workers started
    await pool.run(exits);
    return await runGroup(
      'threads',
      [
        { name: 'single-threaded wasi-exit cases (same pool)', fn: () => pool.run(exits), opsPerCall: BATCH },
        { name: 'thread-panic cases, warm pool (instrument + spawn + terminate)', fn: () => pool.run(panics), opsPerCall: BATCH, note: 'goal ≥ 150/s' },
      ],
      { time: 4000, warmupTime: 300 },
    );
  } finally {
    await pool.close();
  }
}
