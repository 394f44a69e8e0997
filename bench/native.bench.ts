/**
 * Native runtimes: cases per second through each adapter, against the same adapter running an
 * empty module (instantiate only). A native runtime starts a process (or a REPL session) per case
 * or per instance, so process start is the floor; the ratio says how much a generated case costs
 * beyond it. Every native runtime discovery finds here is measured; one that is absent is a
 * printed line, not a row.
 */
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { runSuite } from '../src/conformance/suite.ts';
import type { Runtime } from '../src/runtimes/adapter.ts';
import { discoverDefault } from '../src/runtimes/discovery.ts';
import { createNativeRuntime } from '../src/runtimes/native-adapters.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const BATCH = 16;
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

function emptyCases(): Case[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    id: `bench/empty/${i}`,
    family: 'controls',
    features: [],
    modules: [{ bytes: EMPTY_MODULE }],
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }],
    provenance: { kind: 'hand-written', note: 'native bench floor' },
  }));
}

async function measure(runtime: Runtime, cases: Case[], family: string): Promise<BenchRow[]> {
  const floor = emptyCases();
  const run = (batch: Case[]) => async (): Promise<void> => {
    const results = await runSuite(batch, [runtime]);
    if (results.length !== batch.length) throw new Error(`${runtime.name}: ${results.length} results for ${batch.length} cases`);
  };
  return runGroup(
    `native ${runtime.name}`,
    [
      { name: 'floor: empty module, instantiate only', fn: run(floor), opsPerCall: BATCH, note: 'process start bounds it' },
      { name: `${family}: generated cases`, fn: run(cases), opsPerCall: BATCH },
    ],
    { time: 0, warmupTime: 0, iterations: 2 },
  );
}

export default async function native(): Promise<BenchRow[]> {
  const discovery = await discoverDefault();
  const rows: BenchRow[] = [];
  const cases = Array.from({ length: BATCH }, (_, i) => generateCase('controls', 3, i));
  for (const d of discovery.runtimes) {
    let runtime: Runtime;
    try {
      runtime = await createNativeRuntime(d);
    } catch (e) {
      process.stdout.write(`native bench: ${d.name} left out: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    try {
      rows.push(...(await measure(runtime, cases, 'controls')));
    } finally {
      await runtime.close();
    }
  }
  return rows;
}
