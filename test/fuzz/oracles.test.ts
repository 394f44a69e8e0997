/**
 * The differential oracle (runtimes compared with each other, quarantining stack exhaustion and
 * NaN payloads), and a runtime whose harness crashes: the campaign goes on, the case gets a
 * `crash` verdict, nothing is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime, loadReferenceProfile } from '../../src/runtimes/reference.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { compareObservations, explainedByDivergence } from '../../src/fuzz/differential.ts';
import type { RuntimeSource } from '../../src/fuzz/campaign.ts';
import { buggy, config, options, plantedBugRuntime, reference } from './helpers.ts';

const profile = loadReferenceProfile();
const C = { id: 'x', family: 'f', modules: [], features: [], steps: [], provenance: { kind: 'hand-written', note: '' } } as unknown as Case;
const obs = (...outcomes: Observation['steps'][number]['outcome'][]): Observation => ({ steps: outcomes.map((outcome) => ({ outcome })), stdout: '', stderr: '' });

describe('compareObservations', () => {
  it('agrees on overlapping trap sets and on any NaN; disagrees on kinds and values', () => {
    expect(compareObservations(C, obs({ kind: 'trap', trap: ['uninitialized element', 'indirect call type mismatch'], message: '' }), obs({ kind: 'trap', trap: ['indirect call type mismatch'], message: '' }), profile, profile).kind).toBe('agree');
    expect(compareObservations(C, obs({ kind: 'return', values: [{ type: 'f32', value: 'nan:0x7fc00000' }] }), obs({ kind: 'return', values: [{ type: 'f32', value: 'nan:0x7fa00000' }] }), profile, profile).kind).toBe('agree');
    expect(compareObservations(C, obs({ kind: 'return', values: [{ type: 'i32', value: '1' }] }), obs({ kind: 'return', values: [{ type: 'i32', value: '2' }] }), profile, profile)).toMatchObject({ kind: 'disagree', step: 0 });
    expect(compareObservations(C, obs({ kind: 'return', values: [] }), obs({ kind: 'trap', trap: ['unreachable'], message: '' }), profile, profile)).toMatchObject({ kind: 'disagree', a: 'return', b: 'trap "unreachable"' });
  });
  it('quarantines a disagreement one side\'s known divergence already explains', () => {
    expect(explainedByDivergence({ verdict: 'pass' }, { verdict: 'known-divergence', divergence: 'jco-sync-reentry-allowed' })).toEqual({ kind: 'quarantined', reason: 'known divergence jco-sync-reentry-allowed' });
    expect(explainedByDivergence({ verdict: 'pass' }, { verdict: 'fail' })).toBeUndefined();
  });
  it('quarantines stack exhaustion, timeouts and unsupported steps', () => {
    expect(compareObservations(C, obs({ kind: 'trap', trap: ['call stack exhausted'], message: '' }), obs({ kind: 'return', values: [] }), profile, profile)).toEqual({ kind: 'quarantined', reason: 'call stack exhausted' });
    expect(compareObservations(C, obs({ kind: 'timeout', budgetMs: 5 }), obs({ kind: 'return', values: [] }), profile, profile)).toEqual({ kind: 'quarantined', reason: 'timeout' });
  });
});

describe('campaigns', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-oracles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--differential: the planted bug\'s disagreements are attributed to it (one verdict finding, shrunk), no second finding', async () => {
    const cfg = config({ seed: 2, runs: 60, runtimes: ['reference', 'buggy'], differential: true });
    const { report } = await runCampaign(options(cfg, [reference, buggy], join(dir, 'diff')));
    expect(new Set(report.campaign.findings.map((f) => f.kind))).toEqual(new Set(['verdict']));
    const f = report.campaign.findings[0]!;
    // (V8 folds float→int overflow with invalid conversion: that trap set is one of the candidates)
    expect(f.signature).toMatch(/^fail · core-traps · buggy · step invoke · site \S+ · placement br_table-arm · expected trap "integer overflow", observed trap "unreachable"$/);
    expect(f.first.agreedBy).toEqual(['reference']);
    expect(f.shrink?.verified).toBe(true);
    expect(f.shrink!.size.after.functions).toBeLessThanOrEqual(3);
    const d = report.campaign.differentialStats!;
    expect(d.compared).toBe(60);
    const failed = report.campaign.findings.reduce((n, x) => n + x.count, 0);
    expect(d.disagreed).toBe(failed);
    expect(d.attributed).toBe(failed);
  }, 60_000);

  it('two engines with the same wrong answer are a suspected oracle bug, not two runtime failures', async () => {
    const twin: RuntimeSource = { spec: 'twin', create: async () => ({ ...plantedBugRuntime(), name: 'twin' }) };
    const cfg = config({ seed: 2, runs: 60, runtimes: ['reference', 'buggy', 'twin'] });
    const { report } = await runCampaign(options(cfg, [reference, buggy, twin], join(dir, 'oracle')));
    const kinds = new Set(report.campaign.findings.map((f) => `${f.kind} ${f.runtimes.join(',')}`));
    expect(kinds).toEqual(new Set(['oracle buggy,twin']));
    const f = report.campaign.findings[0]!;
    expect(f.signature).toMatch(/^suspected oracle bug · core-traps · step invoke · site \S+ · placement br_table-arm · expected trap "integer overflow", observed trap "unreachable"$/);
    expect(f.first.agreedBy).toEqual(['reference']);
    expect(f.shrink?.verified).toBe(true);
    // the verdicts are still counted as each runtime's failures
    const failed = report.campaign.findings.reduce((n, x) => n + x.count, 0);
    expect(report.perRuntime['buggy']!.failed).toBe(failed);
    expect(report.perRuntime['twin']!.failed).toBe(failed);
  }, 90_000);

  it('a runtime whose harness throws never ends the campaign: the case gets a crash verdict', async () => {
    let inner: Runtime | undefined;
    let restarts = 0;
    const crashy = {
      spec: 'crashy',
      create: async (): Promise<Runtime> => {
        restarts++;
        inner = createReferenceRuntime({ workers: 2 });
        const rt = inner;
        return {
          name: 'crashy',
          profile: rt.profile,
          capabilities: rt.capabilities,
          version: () => rt.version(),
          executeAll: async (cases) => {
            if (cases.some((c) => c.id === 'core-traps/2/3')) throw new Error('harness died');
            return rt.executeAll(cases);
          },
          close: () => rt.close(),
        };
      },
    };
    // The crash is a finding and its shrinking meets the throwing harness again on every candidate
    // (each one a restart: ~700 with the default budget). A small budget still takes that path;
    // nothing below depends on how far the finding shrinks.
    const shrinkBudget = { params: 4, module: 4 };
    const { report } = await runCampaign(options(config({ seed: 2, runs: 12, runtimes: ['crashy'] }), [crashy], join(dir, 'crashy'), { shrinkBudget }));
    expect(report.summary.total).toBe(12);
    const row = report.results.find((r) => r.id === 'core-traps/2/3')!;
    expect(row.verdict).toBe('fail');
    expect(row.observed).toMatch(/^crash \(runtime failed: harness died\)/);
    expect(restarts).toBeGreaterThan(1);
    await inner?.close();
  }, 60_000);
});
