/**
 * Lunatic-style processes (issue #6): generated isolation cases per second through the warm pool
 * (instrument fuel + asyncify, spawn 2–8 processes per case, run them to quiescence on one
 * worker), and the processes spawned per second that implies; baseline: single-threaded wasi-exit
 * cases on the same pool.
 */
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { WorkerPool } from '../src/runtime/pool.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const BATCH = 200;

export default async function isolation(): Promise<BenchRow[]> {
  const pool = new WorkerPool();
  const graphs: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('isolation', 1, i));
  const exits: Case[] = Array.from({ length: BATCH }, (_, i) => generateCase('wasi-exit', 1, i));
  const processes = graphs.reduce((n, c) => n + Number(c.tags?.['processes'] ?? 0), 0);
  try {
    await pool.run(graphs); // warm: binaryen loaded in the case workers
    await pool.run(exits);
    const rows = await runGroup(
      'isolation',
      [
        { name: 'single-threaded wasi-exit cases (same pool)', fn: () => pool.run(exits), opsPerCall: BATCH },
        { name: 'isolation cases, warm pool (instrument + spawn + run to quiescence)', fn: () => pool.run(graphs), opsPerCall: BATCH, note: `${(processes / BATCH).toFixed(2)} processes/case` },
      ],
      { time: 4000, warmupTime: 300 },
    );
    const cases = rows[1]!;
    rows.push({ group: 'isolation', name: 'processes spawned (same runs)', meanNs: cases.meanNs / (processes / BATCH), opsPerSec: cases.opsPerSec * (processes / BATCH), note: 'derived: cases/s × processes/case' });
    return rows;
  } finally {
    await pool.close();
  }
}
