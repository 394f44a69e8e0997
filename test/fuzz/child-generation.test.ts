/**
 * Generation inside the reference runtime's children (runtimes/child-generation.ts, the fuzz
 * campaign's fast path in fuzz/child-generation.ts): the cases that come back are the generator's,
 * byte for byte; their observations are the in-process pool's; cases the children must not run
 * come back without one; a child killed mid-chunk costs nothing; and a campaign reports exactly
 * what it reports with generation in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import type { Case } from '../../src/case.ts';
import type { GenerationJob } from '../../src/cli/generation-pool.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { childGenerationApplies } from '../../src/fuzz/child-generation.ts';
import type { Observation } from '../../src/observation.ts';
import type { GeneratedCase } from '../../src/runtimes/process-pool.ts';
import { ProcessPool } from '../../src/runtimes/process-pool.ts';
import { runsInChild } from '../../src/runtimes/child-generation.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { config, options, reference } from './helpers.ts';

const SEED = 4242;
const jobs: GenerationJob[] = FAMILY_NAMES.flatMap((f) => [0, 1, 2].map((i): GenerationJob => [f, SEED, i]));
// the generous budget of process-pool.test.ts: the comparison is what is tested, not the watchdog under load
const budgeted = (c: Case): Case => ({ ...c, timeoutMs: 30_000 });

describe('generation in the reference children', () => {
  let expected: Case[];
  let observed: Observation[];
  let runsThere: boolean[];
  beforeAll(async () => {
    expected = jobs.map(([f, s, i]) => generateCase(f, s, i));
    const local = createReferenceRuntime({ processes: 0, workers: 2 });
    runsThere = expected.map((c) => runsInChild(c, local.capabilities));
    try {
      observed = await local.executeAll(expected.map(budgeted));
    } finally {
      await local.close();
    }
  }, 120_000);

  /** Every job's case is the generator's; a child-run case observes what the in-process pool observes; threads cases are left to the caller. */
  function check(out: GeneratedCase[]): void {
    expect(out).toHaveLength(jobs.length);
    out.forEach((g, i) => {
      expect(g.case.id).toBe(expected[i]!.id);
      // as the generation pool hands a case over (a structured clone: generator records lose their null prototypes)
      expect(g.case).toStrictEqual(structuredClone(expected[i]));
      if (runsThere[i]) expect(g.observation).toStrictEqual(observed[i]);
      else expect(g.observation).toBeUndefined();
    });
    // the families include cases of both kinds (wasi-threads ones among those left), so both branches above are exercised
    expect(runsThere[jobs.findIndex(([f]) => f === 'thread-panic')]).toBe(false);
    expect(out.some((g) => g.observation === undefined)).toBe(true);
    expect(out.filter((g) => g.observation !== undefined).length).toBeGreaterThan(jobs.length / 2);
  }

  // one pool for both checks: each child start loads binaryen, seconds under load
  it('returns the generated cases in job order with their observations, also when its children are killed mid-chunk', async () => {
    const pool = new ProcessPool({ processes: 2, generate: true, maxProcessChunk: 8 });
    try {
      check(await pool.runJobs(jobs));
      expect(await pool.runJobs([])).toEqual([]);
      const running = pool.runJobs(jobs);
      await new Promise((r) => setTimeout(r, 300));
      for (const pid of pool.pids()) process.kill(pid, 'SIGKILL');
      check(await running);
    } finally {
      await pool.close();
    }
    await expect(pool.runJobs(jobs)).rejects.toThrow(/closed/);
  }, 180_000);
});

describe('the campaign fast path', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-childgen-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies to the plain reference runtime alone, in child processes, without --mutate', () => {
    expect(childGenerationApplies(['reference'], 2, undefined)).toBe(true);
    expect(childGenerationApplies(['reference'], 0, undefined)).toBe(false);
    expect(childGenerationApplies(['reference'], 2, 0.5)).toBe(false);
    expect(childGenerationApplies(['reference', 'node'], 2, undefined)).toBe(false);
    expect(childGenerationApplies(['node'], 2, undefined)).toBe(false);
    expect(childGenerationApplies(['reference=/bin/x'], 2, undefined)).toBe(false);
  });

  it('reports exactly what the campaign reports with generation in this process', async () => {
    const cfg = config({ families: ['core-traps', 'wasi-exit', 'thread-panic'], runs: 12, seed: 9 });
    const viaChildren = await runCampaign(options(cfg, [reference], join(dir, 'children'), { childGeneration: 2, batchCases: 12 }));
    const here = await runCampaign(options(cfg, [reference], join(dir, 'here'), { childGeneration: 0, batchCases: 12 }));
    const strip = ({ durationMs: _d, casesPerSecond: _c, ...rest }: { durationMs?: number; casesPerSecond?: number }): object => rest;
    expect(here.report.summary.total).toBe(36);
    expect(viaChildren.report.results).toStrictEqual(here.report.results);
    expect(strip(viaChildren.report.summary)).toStrictEqual(strip(here.report.summary));
    expect(viaChildren.report.coverage).toStrictEqual(here.report.coverage);
    expect(viaChildren.report.campaign.digest).toBe(here.report.campaign.digest);
    expect(viaChildren.state.nextPosition).toBe(12);
  }, 240_000);
});
