/**
 * Upstream-ready finding reports (issue #16 §3–§4, src/fuzz/finding-report/):
 *   - a planted-bug campaign: the report rebuilds the shrunk case from its path (the WAT is that
 *     case's), cites the spec section of its trap, says there is no single-runtime command for a
 *     runtime without a CLI and no other version;
 *   - real native findings (skipped when the binaries are missing), from the corpus cases the
 *     campaigns promoted: wasm3's `(memory 0 0)` grow (every wasm3 here has it) and iwasm 2.0.0's
 *     declarative element segment (fixed in 2.4.5): the WAT, the runtime-alone command, which
 *     run again here prints what the report quotes, the spec section, and the versions table.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { indexFindings } from '../../src/fuzz/findings-index.ts';
import { reportId, writeFindingReports } from '../../src/fuzz/finding-report/write-reports.ts';
import type { FindingReport } from '../../src/fuzz/finding-report/report-model.ts';
import { caseAtPath } from '../../src/fuzz/shrink-path.ts';
import { verdictSignature } from '../../src/fuzz/signature.ts';
import type { Finding } from '../../src/fuzz/state.ts';
import { judgeCases, recoveringTarget } from '../../src/pipeline/judge-cases.ts';
import { discoverDefault } from '../../src/runtimes/discovery.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { binaryToWat } from '../../src/wasm/wabt.ts';
import { FAMILIES, getFamily } from '../../generators/index.ts';
import { buggy, config, options } from './helpers.ts';

/** Seed 2 draws an `integer overflow` trap in a br_table arm at case 4: the planted bug shows within 6 cases. */
const SEED = 2;
const RUNS = 6;

const readReport = (dir: string): { md: string; json: FindingReport } => ({ md: readFileSync(join(dir, 'report.md'), 'utf8'), json: JSON.parse(readFileSync(join(dir, 'finding.json'), 'utf8')) as FindingReport });

describe('finding reports: planted bug', () => {
  let dir: string;
  let finding: Finding;
  let report: { md: string; json: FindingReport };
  let reportDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-finding-report-'));
    const result = await runCampaign(options(config({ seed: SEED, runs: RUNS, runtimes: ['buggy'] }), [buggy], join(dir, 'c1')));
    finding = result.report.campaign.findings.find((f) => f.signature.includes('placement br_table-arm'))!;
    const index = indexFindings([join(dir, 'c1')], dir);
    const written = await writeFindingReports(index, { outDir: join(dir, 'out'), families: FAMILIES, discovery: await discoverDefault(), cwd: dir });
    reportDir = written.find((w) => w.id === reportId(finding))!.dir;
    report = readReport(reportDir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the report after the runtime and a hash of the signature', () => {
    expect(finding.shrink?.verified).toBe(true);
    expect(reportId(finding)).toMatch(/^buggy-[0-9a-f]{8}$/);
    expect(report.json.id).toBe(reportId(finding));
    expect(report.json.signature).toBe(finding.signature);
  });

  it('holds the WAT of the case rebuilt from the shrink path, and that case beside it', async () => {
    const shrunk = caseAtPath(getFamily('core-traps'), SEED, finding.shrink!.path);
    const wat = await binaryToWat(shrunk.modules[0]!.bytes, { file: 'case.wat' });
    expect(report.json.module.source).toBe('parameter-shrunk');
    expect(report.md).toContain(`Rebuilt from the shrink path \`${finding.shrink!.path}\``);
    expect(report.md).toContain(['```wat', wat.replace(/\n$/, ''), '```'].join('\n'));
    expect(wat).toContain('br_table');
    expect(new Uint8Array(readFileSync(join(reportDir, 'case.wasm')))).toEqual(shrunk.modules[0]!.bytes);
    const again = await loadCaseFile(join(reportDir, 'case.json'));
    expect(again.modules[0]!.bytes).toEqual(shrunk.modules[0]!.bytes);
    expect(again.steps).toEqual(shrunk.steps);
  });

  it('cites the spec section of the expected trap at the trapping instruction', () => {
    const site = finding.signature.match(/site (\S+)/)![1]!;
    const section = /trunc/.test(site) ? '§4.3.4 Conversions' : '§4.3.2 Integer Operations';
    expect(report.md).toMatch(/Step \d \(invoke\) must give trap "integer overflow"/);
    expect(report.md).toContain(section);
    expect(report.json.spec.map((r) => r.section).join('\n')).toContain(section);
  });

  it('says there is no runtime-alone command and no other version for a runtime that is not native', () => {
    expect(report.md).toContain('No single-runtime command: buggy is not a native runtime found here.');
    expect(report.json.versions.results).toEqual([]);
    expect(report.md).toContain('No other version of buggy is available here');
  });
});

/** A campaign folder whose one finding is a case the campaign promoted to the corpus (shrink.saved). */
async function promotedFinding(root: string, runtime: string, corpusCase: string): Promise<string> {
  const c = await loadCaseFile(corpusCase);
  const rt = await createRuntime(runtime);
  const [j] = await judgeCases(recoveringTarget(rt), [c]);
  await rt.close();
  const f: Finding = {
    signature: verdictSignature(c, runtime, j!.verdict, j!.observation),
    kind: 'verdict',
    family: c.family,
    runtimes: [runtime],
    count: 1,
    first: { id: c.id, ordinal: 0, index: 0, expected: j!.verdict.expected, observed: j!.verdict.observed, repro: `npx trapcheck replay ${corpusCase} --runtime ${runtime}` },
    shrink: { path: '0', id: c.id, replay: `npx trapcheck replay ${corpusCase} --runtime ${runtime}`, size: { before: { bytes: 0, functions: 0 }, afterParams: { bytes: 0, functions: 0 }, after: { bytes: 0, functions: 0 } }, evaluations: { params: 0, module: 0 }, reductions: [], verified: true, saved: [corpusCase] },
  };
  const dir = join(root, runtime.replace(/\W/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ campaign: { seed: 1, shard: '1/1', families: [c.family], runtimes: [runtime], findings: [f] } }));
  return dir;
}

const discovered = await discoverDefault();
const has = (...names: string[]): boolean => names.every((n) => discovered.runtimes.some((r) => r.name === n));

describe.skipIf(!has('wasm3@0.5.0', 'wasm3@0.9.0', 'iwasm@2.0.0', 'iwasm@2.4.5'))('finding reports: native findings', () => {
  let dir: string;
  let wasm3: { md: string; json: FindingReport; dir: string };
  let iwasm: { md: string; json: FindingReport; dir: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-finding-report-native-'));
    const a = await promotedFinding(dir, 'wasm3@0.9.0', resolve('corpus/regressions/wasm3-memory-max-zero-grows.json'));
    const b = await promotedFinding(dir, 'iwasm@2.0.0', resolve('corpus/regressions/iwasm-declarative-elem-not-dropped.json'));
    const written = await writeFindingReports(indexFindings([a, b], dir), { outDir: join(dir, 'out'), families: FAMILIES, discovery: discovered, cwd: dir });
    const load = (prefix: string) => {
      const w = written.find((x) => x.id.startsWith(prefix))!;
      return { ...readReport(w.dir), dir: w.dir };
    };
    wasm3 = load('wasm3-0.9.0-');
    iwasm = load('iwasm-2.0.0-');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the promoted module as WAT', () => {
    expect(wasm3.json.module.source).toBe('promoted');
    expect(wasm3.md).toMatch(/\(memory \$memory \(export "memory"\) 0 0\)/);
    expect(iwasm.md).toMatch(/\(elem \$\w+ declare func/);
  });

  it('gives the command with the runtime alone, and running it again prints what the report quotes', () => {
    const cmd = wasm3.json.commands[0]!;
    if ('none' in cmd) throw new Error(cmd.none);
    expect(cmd.runs[0]!.shell).toBe("printf ':invoke grow\\n:invoke size\\n:invoke load\\n' | wasm3 --compile --repl case.wasm");
    expect(wasm3.md).toContain(cmd.runs[0]!.shell);
    // the bug itself: grow of a (memory 0 0) succeeds, size is then 1, the load does not trap
    expect(cmd.runs[0]!.stderr).toBe('Result: 0:i32\nResult: 1:i32\nResult: 0:i32\n');
    expect(wasm3.md).toContain('Result: 0:i32\nResult: 1:i32\nResult: 0:i32');
    const again = spawnSync('sh', ['-c', cmd.runs[0]!.shell.replace('| wasm3 ', `| ${cmd.binary} `)], { cwd: wasm3.dir });
    expect(again.stderr.toString()).toBe(cmd.runs[0]!.stderr);

    const icmd = iwasm.json.commands[0]!;
    if ('none' in icmd) throw new Error(icmd.none);
    expect(icmd.runs[0]!.shell).toMatch(/^printf 'init\\n' \| iwasm --stack-size=\d+ --repl case\.wasm$/);
    // iwasm 2.0.0 does not trap: the declarative segment was not dropped
    expect(icmd.runs[0]!.stdout).not.toContain('Exception');
    const iagain = spawnSync('sh', ['-c', icmd.runs[0]!.shell.replace('| iwasm ', `| ${icmd.binary} `)], { cwd: iwasm.dir });
    expect(iagain.stdout.toString()).toBe(icmd.runs[0]!.stdout);
  });

  it('cites the spec sections of the deciding step', () => {
    expect(wasm3.md).toContain('§4.4.7 Memory Instructions (`memory.grow`) and §4.5.3.9 Growing memories');
    expect(iwasm.md).toMatch(/§4\.4\.6 Table Instructions \([^)]*`table\.init`/);
    expect(iwasm.md).toContain('Step 1 (invoke) must give trap "out of bounds table access"');
  });

  it('has a versions table: every wasm3 has the grow bug; iwasm 2.0.0 has the segment bug, fixed in 2.4.5', () => {
    const rows = (r: FindingReport) => Object.fromEntries(r.versions.results.map((v) => [v.runtime, v.status]));
    expect(rows(wasm3.json)).toEqual({ 'wasm3@0.5.0': 'has the bug', 'wasm3@0.9.0': 'has the bug' });
    expect(wasm3.json.versions.fixedIn).toEqual({});
    expect(wasm3.md).toContain('| wasm3@0.5.0 | 0.5.0 | **has the bug** |');
    expect(wasm3.md).toContain('not fixed in any version here');
    expect(rows(iwasm.json)).toMatchObject({ 'iwasm@2.0.0': 'has the bug', 'iwasm@2.4.5': 'passes' });
    expect(iwasm.json.versions.fixedIn).toEqual({ iwasm: 'iwasm@2.4.5' });
    expect(iwasm.md).toContain('**fixed in iwasm@2.4.5**');
  });
});
