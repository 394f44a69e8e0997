/**
 * Protocol overhead: cases per second through the node driver on the public protocol
 * (`driver:node drivers/node/driver.js`, trapcheck.driver/1: JSON lines, base64 modules, floats as
 * bits) against the same step executor run in this process, and against the `node` runtime (the
 * same executor in a child behind trapcheck's internal wire). Same cases, same run; every runtime's
 * verdicts are checked equal first, so the rows compare equal work.
 */
import { fileURLToPath } from 'node:url';
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { judge } from '../src/judge.ts';
import { executeCase } from '../src/runtime/exec.ts';
import { toPoolCase } from '../src/runtime/pool.ts';
import type { Runtime } from '../src/runtimes/adapter.ts';
import { createEngineRuntime } from '../src/runtimes/engine.ts';
import { createDriverRuntime } from '../src/runtimes/protocol/driver-runtime.ts';
import type { BenchRow } from './harness.ts';
import { runGroupRounds } from './harness.ts';

const BATCH = 32;
const NODE_DRIVER = fileURLToPath(new URL('../drivers/node/driver.js', import.meta.url));

function cases(): Case[] {
  return Array.from({ length: BATCH }, (_, i) => generateCase(i % 2 ? 'controls' : 'core-traps', 5, i));
}

async function sameVerdicts(runtime: Runtime, batch: Case[]): Promise<void> {
  const inProcess = batch.map((c) => judge(c, executeCase(toPoolCase(c)), runtime.profile).verdict);
  const seen = (await runtime.executeAll(batch)).map((o, i) => judge(batch[i]!, o, runtime.profile).verdict);
  const differ = seen.findIndex((v, i) => v !== inProcess[i]);
  if (differ >= 0) throw new Error(`driver bench: ${runtime.name} judged ${batch[differ]!.id} ${seen[differ]}, in process ${inProcess[differ]}`);
}

export default async function driver(): Promise<BenchRow[]> {
  const batch = cases();
  const runnable = batch.map(toPoolCase);
  const node = await createEngineRuntime('node');
  const viaProtocol = await createDriverRuntime(`driver:node ${NODE_DRIVER}`);
  try {
    await sameVerdicts(node, batch);
    await sameVerdicts(viaProtocol, batch);
    const rows = await runGroupRounds(
      'driver protocol',
      [
        { name: 'in process: step executor (cases/s)', fn: () => runnable.forEach((c) => executeCase(c)), opsPerCall: BATCH },
        { name: 'node runtime: internal driver wire', fn: () => node.executeAll(batch), opsPerCall: BATCH },
        { name: 'driver:node: trapcheck.driver/1', fn: () => viaProtocol.executeAll(batch), opsPerCall: BATCH, note: 'public protocol, drivers/node' },
      ],
      { time: 0, warmupTime: 0, iterations: 10, rounds: 5 },
    );
    const [, internal, pub] = rows;
    // per round, so drift on the shared machine cancels: the median of public / internal
    const perRound = (pub?.roundRatios ?? []).map((r, i) => r / (internal?.roundRatios?.[i] ?? r)).sort((a, b) => a - b);
    if (pub && perRound.length) pub.note = `${pub.note}; ${perRound[perRound.length >> 1]!.toFixed(2)}× the internal wire (median of rounds)`;
    return rows;
  } finally {
    await node.close();
    await viaProtocol.close();
  }
}
