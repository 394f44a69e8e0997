/**
 * End to end: generated core-trap cases per second (generate → execute in the worker pool →
 * judge), against the raw engine doing only compile + instantiate + call of the same modules
 * on this thread. The ratio is the cost of isolation, classification and judging.
 */
import { generateCase } from '../generators/index.ts';
import type { Case } from '../src/case.ts';
import { runSuite } from '../src/conformance/suite.ts';
import type { GenerationJob } from '../src/cli/generation-pool.ts';
import { GenerationPool } from '../src/cli/generation-pool.ts';
import { createReferenceRuntime, defaultReferenceProcesses } from '../src/runtimes/reference.ts';
import { WA } from '../src/runtime/wasm-api.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const BATCH = 2000;

function* jobs(seed: number): Generator<GenerationJob> {
  for (let i = 0; i < BATCH; i++) yield ['core-traps', seed, i];
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
  Error.stackTraceLimit = 0;
  try {
    const rows = await runGroup(
      'e2e core-traps',
      [
        { name: 'raw V8: compile+instantiate+call (same modules, no isolation)', fn: rawOnce, opsPerCall: BATCH },
        // As `trapcheck run` does it: generation workers feed the runtime's pool, in order.
        { name: `trapcheck: generate+execute+judge (processes: ${processes})`, fn: async () => runSuite(generation.generate(jobs(seed++)), [runtime]), opsPerCall: BATCH },
        { name: `trapcheck: execute+judge (pre-generated, processes: ${processes})`, fn: async () => runSuite(pregenerated, [runtime]), opsPerCall: BATCH },
        { name: 'trapcheck: generate+execute+judge (in-process pool, processes: 0)', fn: async () => runSuite(generation.generate(jobs(seed++)), [inProcess]), opsPerCall: BATCH },
      ],
      { time: 6000, warmupTime: 500 },
    );
    return rows;
  } finally {
    Error.stackTraceLimit = 10;
    await Promise.all([runtime.close(), inProcess.close(), generation.close()]);
  }
}
