/**
 * `fuzz --mutate`: the campaign runs mutated cases, counts their transforms in its coverage, and
 * a finding on a mutated case prints a replay line that re-applies the mutation (and rebuilds the
 * very case that failed). The share of mutated cases is decided per case id, deterministically.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Observation } from '../../src/observation.ts';
import type { MutateConfig, RuntimeSource } from '../../src/fuzz/campaign.ts';
import type { CampaignConfig } from '../../src/fuzz/report.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { campaignMutator, parseMutateShare } from '../../src/mutate/campaign-share.ts';
import { mutatedForReplay } from '../../src/mutate/replay.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { generateCase } from '../../generators/index.ts';
import { config, options } from '../fuzz/helpers.ts';

/** The reference runtime, except that it reports `integer divide by zero` as `unreachable`. */
const misreporting: RuntimeSource = {
  spec: 'buggy',
  create: async () => {
    const inner = createReferenceRuntime({ workers: 2 });
    const misreport = (o: Observation): Observation => ({
      ...o,
      steps: o.steps.map((s) => (s.outcome.kind === 'trap' && s.outcome.trap.includes('integer divide by zero') ? { ...s, outcome: { kind: 'trap', trap: ['unreachable'], message: 'planted' } } : s)),
    });
    return {
      name: 'buggy',
      profile: inner.profile,
      capabilities: inner.capabilities,
      version: async () => 'planted',
      executeAll: async (cases: readonly Case[]) => (await inner.executeAll(cases)).map(misreport),
      close: () => inner.close(),
    };
  },
};

describe('fuzz --mutate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-fuzz-mutate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs mutated cases; a finding replays with its mutation, unshrunk', async () => {
    // Arrange
    const cfg: CampaignConfig & MutateConfig = { ...config({ seed: 7, runs: 40, runtimes: ['buggy'] }), mutate: 1 };
    // Act
    const result = await runCampaign(options(cfg, [misreporting], dir));
    // Assert
    const coverage = result.state.coverage['core-traps']!;
    expect(Object.keys(coverage).filter((k) => k.startsWith('mutate:')).length).toBeGreaterThanOrEqual(8);
    const f = result.state.findings.find((x) => x.signature.includes('integer divide by zero'))!;
    expect(f.notShrunk).toBe('a mutated case (its replay line re-applies the mutation)');
    const m = /^npx trapcheck replay --family core-traps --seed 7 --path (\d+) --mutate 7:0 --runtime buggy$/.exec(f.first.repro);
    expect(m).not.toBeNull();
    const again = mutatedForReplay(generateCase('core-traps', 7, Number(m![1])), { seed: 7, index: 0 });
    expect(again.id).toBe(f.first.id);
  });

  it('a share mutates that part of the cases, the same ones every time', () => {
    expect(parseMutateShare('25%')).toBe(0.25);
    expect(() => parseMutateShare('1.5')).toThrow(/--mutate takes the share/);
    const cases = Array.from({ length: 80 }, (_, i) => generateCase('controls', 1, i));
    const mutatedIds = (): string[] => cases.map(campaignMutator(3, 0.5)).filter((c) => c.tags?.['mutation']).map((c) => c.id);
    const first = mutatedIds();
    expect(first.length).toBeGreaterThan(20);
    expect(first.length).toBeLessThan(60);
    expect(mutatedIds()).toEqual(first);
  });
});
