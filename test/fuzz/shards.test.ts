/**
 * Sharding and determinism: n shards of N runs merged equal one run of n·N (same case ids,
 * verdicts, tallies, coverage, digest, kept rows, findings and their shrinks), and the same seed
 * gives the same campaign twice. The planted-bug runtime makes sure findings merge too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import type { Checkpoint } from '../../src/fuzz/checkpoint.ts';
import { readCheckpoint } from '../../src/fuzz/checkpoint.ts';
import { mergeCheckpoints } from '../../src/fuzz/merge.ts';
import type { CampaignReport } from '../../src/fuzz/report.ts';
import { comparableReport } from '../../src/fuzz/report.ts';
import { caseIndexAt, parseShard } from '../../src/fuzz/shard.ts';
import { FAMILIES } from '../../generators/index.ts';
import { buggy, config, options } from './helpers.ts';

const N = 25;
const SHARDS = 4;
const FAMS = ['core-traps', 'wasi-exit'];

describe('shards', () => {
  let dir: string;
  let whole: CampaignReport;
  let again: CampaignReport;
  let shardCps: Checkpoint[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-shards-'));
    whole = (await runCampaign(options(config({ families: FAMS, seed: 12, runs: SHARDS * N, runtimes: ['buggy'] }), [buggy], join(dir, 'whole')))).report;
    again = (await runCampaign(options(config({ families: FAMS, seed: 12, runs: SHARDS * N, runtimes: ['buggy'] }), [buggy], join(dir, 'again')))).report;
    for (let k = 1; k <= SHARDS; k++) {
      const out = join(dir, `shard-${k}`);
      await runCampaign(options(config({ families: FAMS, seed: 12, runs: N, runtimes: ['buggy'], shard: { k, n: SHARDS } }), [buggy], out));
      shardCps.push(readCheckpoint(out));
    }
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shard k/n takes the indices ≡ k-1 (mod n); bad specs are usage errors', () => {
    expect([0, 1, 2].map((p) => caseIndexAt(parseShard('3/4'), p))).toEqual([2, 6, 10]);
    expect(() => parseShard('0/4')).toThrow(/--shard must look like `k\/n`/);
    expect(() => parseShard('5/4')).toThrow(/1 ≤ k ≤ n/);
  });

  it('the same seed gives the same campaign (verdicts, findings, shrinks)', () => {
    expect(comparableReport(again)).toEqual(comparableReport(whole));
    expect(whole.campaign.findings.length).toBeGreaterThan(0);
  });

  it(`${SHARDS} shards of ${N} runs merged equal one run of ${SHARDS * N}`, () => {
    const { report, allShards, complete } = mergeCheckpoints({
      checkpoints: shardCps.map((checkpoint, i) => ({ source: `shard-${i + 1}`, checkpoint })),
      version: 'test',
      runtimes: whole.runtimes,
      declares: Object.fromEntries(FAMS.map((f) => [f, FAMILIES[f]!.declares])),
    });
    expect(allShards && complete).toBe(true);
    expect(report.summary.total).toBe(SHARDS * N * FAMS.length);
    expect(report.campaign.cases).toBe(whole.campaign.cases);
    expect(report.campaign.digest).toBe(whole.campaign.digest);
    expect(report.results.map((r) => `${r.id} ${r.runtime} ${r.verdict}`)).toEqual(whole.results.map((r) => `${r.id} ${r.runtime} ${r.verdict}`));
    expect(report.config['runs']).toBe(SHARDS * N);
    expect(comparableReport(report)).toEqual(comparableReport(whole));
  });

  it('refuses shards of different campaigns, and a shard given twice', () => {
    const declares = {};
    const other = { ...shardCps[1]!, config: { ...shardCps[1]!.config, seed: 13 } };
    expect(() => mergeCheckpoints({ checkpoints: [{ source: 'a', checkpoint: shardCps[0]! }, { source: 'b', checkpoint: other }], version: 't', runtimes: [], declares })).toThrow(/b: seed 13 differs/);
    expect(() => mergeCheckpoints({ checkpoints: [{ source: 'a', checkpoint: shardCps[0]! }, { source: 'b', checkpoint: shardCps[0]! }], version: 't', runtimes: [], declares })).toThrow(/given twice/);
  });
});
