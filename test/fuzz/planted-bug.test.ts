/**
 * The planted bug (issue #8 "must show"): a runtime that misreports one trap kind in one
 * placement is found by a campaign, shrunk (fast-check on the parameters, then the module) to a
 * module of a few functions, saved to a temporary corpus, and both replay forms reproduce it:
 * the saved case and `--path i:shrinkpath` fail on the buggy runtime and pass on the reference.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadCorpus } from '../../src/conformance/corpus.ts';
import { judge } from '../../src/judge.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import type { CampaignResult } from '../../src/fuzz/campaign.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { caseAtPath } from '../../src/fuzz/shrink-path.ts';
import { moduleSize } from '../../src/fuzz/reduce.ts';
import { getFamily } from '../../generators/index.ts';
import { buggy, config, options, plantedBugRuntime } from './helpers.ts';

const SEED = 7;
const RUNS = 300;
/** The planted bug's findings: one per trapping site (signatures name the site and placement, issue #16 §2), all in br_table arms. */
const SIGNATURE = /^fail · core-traps · buggy · step invoke · site (i32|i64)\.(div_s|trunc_f32_s|trunc_f32_u|trunc_f64_s|trunc_f64_u) · placement br_table-arm · expected trap "integer overflow", observed trap "unreachable"$/;

describe('planted bug', () => {
  let dir: string;
  let result: CampaignResult;
  let ref: Runtime;
  let bug: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-planted-'));
    const cfg = config({ seed: SEED, runs: RUNS, runtimes: ['buggy'], saveFindings: join(dir, 'corpus', 'regressions') });
    result = await runCampaign(options(cfg, [buggy], join(dir, 'out')));
    if (process.env['TRAPCHECK_SHOW']) console.log(JSON.stringify(result.report.campaign.findings, null, 1), readdirSync(join(dir, 'corpus', 'regressions')).map((f) => readFileSync(join(dir, 'corpus', 'regressions', f), 'utf8')).join('\n'));
    ref = createReferenceRuntime({ workers: 2 });
    bug = plantedBugRuntime();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.close(), bug?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const verdictOn = async (rt: Runtime, c: Case): Promise<string> => judge(c, (await rt.executeAll([c]))[0]!, rt.profile).verdict;

  it('is found, and nothing else is', () => {
    const sigs = result.report.campaign.findings.map((f) => f.signature);
    const invoke = sigs.filter((s) => s.includes('step invoke'));
    expect(invoke.length).toBeGreaterThan(0);
    for (const s of invoke) expect(s).toMatch(SIGNATURE);
    const f = result.report.campaign.findings.find((x) => SIGNATURE.test(x.signature))!;
    expect(f.count).toBeGreaterThan(0);
    expect(result.report.summary.failed).toBeGreaterThanOrEqual(f.count);
  });

  it('is shrunk to a module of at most a few functions, smaller than the original', () => {
    const f = result.report.campaign.findings.find((x) => SIGNATURE.test(x.signature))!;
    const s = f.shrink!;
    expect(s.verified).toBe(true);
    expect(s.path).toMatch(new RegExp(`^${f.first.index}(:\\d+)+$`));
    expect(s.size.after.functions).toBeLessThanOrEqual(3);
    expect(s.size.after.bytes).toBeLessThan(s.size.before.bytes);
    expect(s.size.afterParams.bytes).toBeLessThanOrEqual(s.size.before.bytes);
    // fast-check kept the trap kind and the placement the bug depends on
    expect((s.params as { wrappers: Array<{ kind: string }> }).wrappers.map((w) => w.kind)).toEqual(['br_table-arm']);
  });

  it('replays from its shrink path: fails on the buggy runtime, passes on the reference', async () => {
    const f = result.report.campaign.findings.find((x) => SIGNATURE.test(x.signature))!;
    const c = caseAtPath(getFamily('core-traps'), SEED, f.shrink!.path);
    expect(c.id).toBe(`core-traps/${SEED}/${f.shrink!.path}`);
    expect(c.tags).toMatchObject({ trap: 'integer overflow', placement: 'br_table-arm' });
    expect((c.provenance as { params: unknown }).params).toEqual(f.shrink!.params);
    expect(await verdictOn(bug, c)).toBe('fail');
    expect(await verdictOn(ref, c)).toBe('pass');
  });

  it('is saved to the corpus as .wat + .json with finding provenance, and the saved case replays', async () => {
    const f = result.report.campaign.findings.find((x) => SIGNATURE.test(x.signature))!;
    expect(f.shrink!.saved).toHaveLength(2);
    expect(f.shrink!.saved![1]).toMatch(/\.wat$/);
    const [saved] = await loadCorpus([join(dir, 'corpus')]);
    expect(saved!.provenance).toMatchObject({ kind: 'finding', generator: 'core-traps', seed: SEED, path: f.shrink!.path, runtime: 'buggy', date: '2026-01-01T00:00:00.000Z' });
    // the .wat re-assembles (wabt) to a module of the same shape as the reduced binary
    expect(moduleSize(saved!.modules[0]!.bytes).functions).toBe(f.shrink!.size.after.functions);
    expect(await verdictOn(bug, saved!)).toBe('fail');
    expect(await verdictOn(ref, saved!)).toBe('pass');
  });
});
