/**
 * Campaign overhead: one batch of 256 core-traps cases run as a fuzz campaign (judging,
 * digest, coverage, kept rows, checkpoint) against the same cases generated, executed and judged
 * bare on the same reference runtime. Plus the cost of shrinking the planted bug (test/fuzz).
 * Generation is inline here (the CLI uses the generation pool), so both sides pay it equally.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge } from '../src/judge.ts';
import { createReferenceRuntime } from '../src/runtimes/reference.ts';
import { runCampaign } from '../src/fuzz/campaign.ts';
import { FAMILIES, generateCase } from '../generators/index.ts';
import { buggy, config, options } from '../test/fuzz/helpers.ts';
import { Bench } from 'tinybench';
import type { BenchRow } from './harness.ts';

/** Like harness.runGroup, with few iterations: one operation here is a whole batch or a whole shrink (~0.1–2 s). */
async function runGroup(group: string, tasks: Array<{ name: string; fn: () => Promise<unknown>; opsPerCall?: number }>, o: { time: number; warmupTime: number }): Promise<BenchRow[]> {
  const bench = new Bench({ time: o.time, warmupTime: o.warmupTime, iterations: 3, warmupIterations: 1 });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  let baseline: number | undefined;
  return tasks.map((t) => {
    const r = bench.getTask(t.name)?.result;
    if (!r || r.state !== 'completed') throw new Error(`bench ${group}/${t.name} did not complete`);
    const meanNs = (r.latency.mean * 1e6) / (t.opsPerCall ?? 1);
    baseline ??= meanNs;
    return { group, name: t.name, meanNs, opsPerSec: 1e9 / meanNs, ratio: meanNs / baseline, note: `${r.latency.samplesCount} samples` };
  });
}

const CASES = 256;

export default async function (): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-bench-fuzz-'));
  const runtime = createReferenceRuntime();
  const reference = { spec: 'reference', create: async () => runtime };
  let seed = 0;
  try {
    const rows = await runGroup(
      'fuzz',
      [
        {
          name: `generate + execute + judge ${CASES} cases (baseline)`,
          fn: async () => {
            const s = ++seed;
            const cases = Array.from({ length: CASES }, (_, i) => generateCase('core-traps', s, i));
            const obs = await runtime.executeAll(cases);
            cases.forEach((c, i) => judge(c, obs[i]!, runtime.profile));
          },
          opsPerCall: CASES,
        },
        {
          name: `fuzz campaign, ${CASES} cases`,
          fn: async () => {
            const s = ++seed;
            const out = join(dir, String(s));
            // a runtime source that hands out the shared pool; close() is made a no-op for the bench
            const shared = { ...reference, create: async () => ({ ...runtime, close: async () => undefined }) };
            await runCampaign({ ...options(config({ seed: s, runs: CASES }), [shared], out), families: FAMILIES });
            rmSync(out, { recursive: true, force: true });
          },
          opsPerCall: CASES,
        },
      ],
      { time: 2000, warmupTime: 0 },
    );
    const shrink = await runGroup(
      'fuzz shrink',
      [
        {
          name: 'find + shrink the planted bug (core-traps seed 7, 40 runs)',
          fn: async () => {
            const out = join(dir, `shrink-${++seed}`);
            await runCampaign(options(config({ seed: 7, runs: 40, runtimes: ['buggy'] }), [buggy], out));
            rmSync(out, { recursive: true, force: true });
          },
        },
      ],
      { time: 2000, warmupTime: 0 },
    );
    return [...rows, ...shrink];
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
