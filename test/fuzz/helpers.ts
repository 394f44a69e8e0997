/** Test-only runtimes and campaign wiring for the fuzz tests. */
import type { Case } from '../../src/case.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import type { CampaignOptions, RuntimeSource } from '../../src/fuzz/campaign.ts';
import type { CampaignConfig } from '../../src/fuzz/report.ts';
import { WHOLE } from '../../src/fuzz/shard.ts';
import { FAMILIES, generateCase } from '../../generators/index.ts';

/**
 * The planted bug: the reference runtime, except that an `integer overflow` trap in a case whose
 * tags say it sits in a br_table arm is reported as `unreachable` (one trap kind, one placement).
 */
export function plantedBugRuntime(inner: Runtime = createReferenceRuntime({ workers: 2 })): Runtime {
  const misreport = (c: Case, o: Observation): Observation => {
    if (c.tags?.['trap'] !== 'integer overflow' || c.tags?.['placement'] !== 'br_table-arm') return o;
    return {
      ...o,
      steps: o.steps.map((s) => (s.outcome.kind === 'trap' && s.outcome.trap.includes('integer overflow') ? { ...s, outcome: { kind: 'trap', trap: ['unreachable'], message: 'unreachable (planted bug)' } } : s)),
    };
  };
  return {
    name: 'buggy',
    profile: inner.profile,
    capabilities: inner.capabilities,
    version: async () => `planted-bug over ${await inner.version()}`,
    executeAll: async (cases) => (await inner.executeAll(cases)).map((o, i) => misreport(cases[i]!, o)),
    close: () => inner.close(),
  };
}

export const reference: RuntimeSource = { spec: 'reference', create: async () => createReferenceRuntime({ workers: 2 }) };
export const buggy: RuntimeSource = { spec: 'buggy', create: async () => plantedBugRuntime() };

export function config(overrides: Partial<CampaignConfig>): CampaignConfig {
  return { families: ['core-traps'], runtimes: ['reference'], seed: 1, runs: 10, timeMs: null, shard: WHOLE, differential: false, saveFindings: null, maxShrinks: 20, ...overrides };
}

/** Campaign options with inline generation and a fake clock (tests never depend on wall time). */
export function options(cfg: CampaignConfig, runtimes: RuntimeSource[], outDir: string, extra: Partial<CampaignOptions> = {}): CampaignOptions {
  let t = 0;
  return {
    config: cfg,
    families: FAMILIES,
    runtimes,
    oracle: reference,
    generate: async function* (jobs) {
      for (const [f, seed, i] of jobs) yield generateCase(f, seed, i);
    },
    outDir,
    version: 'test',
    clock: () => (t += 1),
    date: () => '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}
