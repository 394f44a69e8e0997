/**
 * Campaign ergonomics (issue #16 §6): `--shard auto` from CI variables, and
 * `--budget-per-runtime` (busy time charged as a union of intervals; every runtime retired ends
 * the campaign with stop reason `budget`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrapcheckError } from '../../src/errors.ts';
import { shardFromEnvironment } from '../../src/fuzz/shard.ts';
import { RuntimeBudget } from '../../src/fuzz/runtime-budget.ts';
import { emptyState } from '../../src/fuzz/state.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { buggy, config, options, reference } from './helpers.ts';

describe('--shard auto', () => {
  it('reads each CI system\'s parallel-job variables, 0- or 1-based as they are', () => {
    expect(shardFromEnvironment({ TRAPCHECK_SHARD: '3/8' })).toEqual({ shard: { k: 3, n: 8 }, source: 'TRAPCHECK_SHARD' });
    expect(shardFromEnvironment({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' }).shard).toEqual({ k: 2, n: 4 });
    expect(shardFromEnvironment({ CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '4' }).shard).toEqual({ k: 1, n: 4 });
    expect(shardFromEnvironment({ BUILDKITE_PARALLEL_JOB: '3', BUILDKITE_PARALLEL_JOB_COUNT: '4' }).shard).toEqual({ k: 4, n: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '5', TRAPCHECK_SHARD_COUNT: '6' })).toEqual({ shard: { k: 6, n: 6 }, source: 'JOB_COMPLETION_INDEX/TRAPCHECK_SHARD_COUNT' });
    expect(shardFromEnvironment({ TRAPCHECK_SHARD_INDEX: '1', TRAPCHECK_SHARD_COUNT: '3' }).shard).toEqual({ k: 2, n: 3 });
  });
  it('says what is missing or wrong', () => {
    expect(() => shardFromEnvironment({})).toThrow(/no shard in the environment/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' })).toThrow(/TRAPCHECK_SHARD_COUNT is not/);
    expect(() => shardFromEnvironment({ CI_NODE_INDEX: 'x', CI_NODE_TOTAL: '2' })).toThrow(TrapcheckError);
    expect(() => shardFromEnvironment({ CIRCLE_NODE_INDEX: '4', CIRCLE_NODE_TOTAL: '4' })).toThrow(/1 ≤ k ≤ n/);
  });
});

describe('RuntimeBudget', () => {
  it('charges busy time once where batches overlap, and retires at the limit', () => {
    const state = emptyState();
    const b = new RuntimeBudget(100, state);
    expect(b.charge('a', 0, 40, 10)).toBe(false);
    expect(b.charge('a', 20, 70, 20)).toBe(false); // overlaps [20, 40]: 30 more, not 50
    expect(state.runtimeMs).toEqual({ a: 70 });
    expect(b.charge('b', 0, 99, 20)).toBe(false);
    expect(b.charge('a', 80, 110, 30)).toBe(true);
    expect(state.retired).toEqual({ a: { position: 30, usedMs: 100 } });
    expect(b.active('a')).toBe(false);
    expect(b.active('b')).toBe(true);
    // already retired: charged, never retired twice
    expect(b.charge('a', 110, 120, 40)).toBe(false);
    expect(state.retired!['a']!.position).toBe(30);
  });
  it('merged shards add busy time and keep every retirement', async () => {
    const { mergeStates } = await import('../../src/fuzz/state.ts');
    const a = emptyState();
    const b = emptyState();
    new RuntimeBudget(50, a).charge('slow', 0, 60, 4);
    new RuntimeBudget(50, b).charge('slow', 0, 30, 4);
    new RuntimeBudget(50, b).charge('fast', 0, 10, 4);
    const m = mergeStates([a, b], ['slow', 'fast']);
    expect(m.runtimeMs).toEqual({ slow: 90, fast: 10 });
    expect(m.retired).toEqual({ slow: { position: 4, usedMs: 60 } });
  });
  it('without a limit only measures', () => {
    const state = emptyState();
    expect(new RuntimeBudget(null, state).charge('a', 0, 1e9, 1)).toBe(false);
    expect(state.retired).toBeUndefined();
  });
});

describe('--budget-per-runtime in a campaign', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-budget-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every runtime retired ends the campaign early, with stop reason budget and whole batches counted', async () => {
    // the test clock ticks once per reading: any batch uses more than 1 ms
    const cfg = config({ seed: 3, runs: 600, runtimes: ['reference', 'buggy'], budgetPerRuntimeMs: 1 });
    const retired: string[] = [];
    const { report, stopReason } = await runCampaign(options(cfg, [reference, buggy], join(dir, 'b'), { batchCases: 20, onRetired: (r) => retired.push(r) }));
    expect(stopReason).toBe('budget');
    expect(report.campaign.stopReason).toBe('budget');
    expect(retired.sort()).toEqual(['buggy', 'reference']);
    expect(Object.keys(report.campaign.retired!).sort()).toEqual(['buggy', 'reference']);
    expect(report.campaign.cases).toBeGreaterThan(0);
    expect(report.campaign.cases).toBeLessThan(600);
    expect(report.campaign.cases % 20).toBe(0);
    // every counted case ran on both runtimes
    expect(report.summary.total).toBe(2 * report.campaign.cases);
  }, 60_000);
});
