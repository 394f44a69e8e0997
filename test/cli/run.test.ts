/**
 * End to end through the real bin: `run` exit codes, report.json contract, determinism across
 * runs, failures printed with a replay command that reproduces them, `gen` output that runs.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.ts';
import { ROOT, replayArgs, trapcheck } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'trapcheck-run-'));
const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
const fingerprint = (r: Report): string[] => r.results.map((x) => `${x.id} ${x.runtime} ${x.sha256} ${x.verdict}`);

describe('trapcheck run', () => {
  const outA = tmp();
  const outB = tmp();
  const outC = tmp();
  const runA = trapcheck(['run', '--seed', '1', '--runs', '40', '--out', outA, '--reporter', 'json,junit,md']);

  it('exits 0 and writes report.json, junit.xml and summary.md following the contract', () => {
    expect(runA.code, runA.stdout + runA.stderr).toBe(0);
    const report = readReport(outA);
    expect(report.schema).toBe('trapcheck.report/1');
    expect(report.seed).toBe(1);
    expect(report.runtimes[0]?.name).toBe('reference');
    expect(report.summary.failed).toBe(0);
    expect(report.summary.total).toBe(report.results.length);
    const sum = report.summary.passed + report.summary.failed + report.summary.imprecise + report.summary.knownDivergences + report.summary.skipped;
    expect(sum).toBe(report.summary.total);
    for (const r of report.results) expect(r.repro).toMatch(/^npx trapcheck (replay|spec) /);
    expect(readFileSync(join(outA, 'junit.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(join(outA, 'summary.md'), 'utf8')).toMatch(/## Families/);
    expect(runA.stdout).toMatch(/seed 1/);
  });

  it('same seed gives identical results; another seed gives different modules', () => {
    const runB = trapcheck(['run', '--seed', '1', '--runs', '40', '--out', outB]);
    expect(runB.code).toBe(0);
    expect(fingerprint(readReport(outB))).toEqual(fingerprint(readReport(outA)));
    const runC = trapcheck(['run', '--seed', '2', '--runs', '40', '--out', outC, '--corpus', join(ROOT, 'test/fixtures/empty-corpus')]);
    expect(runC.code).toBe(0);
    // Generated ids are `<family>/<seed>/<index>`; seed 2's modules must not be seed 1's.
    const generatedA = new Set(readReport(outA).results.filter((r) => /\/1\/\d+$/.test(r.id)).map((r) => r.sha256));
    const generatedC = readReport(outC).results.map((r) => r.sha256);
    expect(generatedA.size).toBeGreaterThan(0);
    expect(generatedC.length).toBeGreaterThan(0);
    expect(generatedC.filter((s) => generatedA.has(s)).length).toBeLessThan(generatedC.length / 2);
  });
});

describe('a deliberately wrong expectation', () => {
  it('makes run exit 1 and prints a replay command that reproduces the failure', () => {
    const out = tmp();
    const r = trapcheck(['run', '--runs', '0', '--corpus', join(ROOT, 'test/fixtures/wrong-expectation'), '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL /m);
    const failLine = r.stdout.split('\n').find((l) => l.startsWith('FAIL '))!;
    const replay = trapcheck(replayArgs(r.stdout));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(failLine.slice(failLine.indexOf(': ') + 2));
    // The repro bundle replays too.
    const bundles = readdirSync(join(out, 'repro'));
    expect(bundles.length).toBeGreaterThan(0);
    const bundleReplay = trapcheck(['replay', join(out, 'repro', bundles[0]!, 'case.json')]);
    expect(bundleReplay.code).toBe(1);
  });
});

describe('trapcheck gen', () => {
  it('writes .wasm, .wat and .json per case, and the folder runs as a corpus', () => {
    const out = tmp();
    const g = trapcheck(['gen', 'core-traps', '--seed', '5', '--count', '3', '--out', out]);
    expect(g.code, g.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.endsWith('.wasm'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.wat'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
    const run = trapcheck(['run', '--runs', '0', '--corpus', out, '--out', join(out, 'report')]);
    expect(run.code, run.stdout).toBe(0);
    expect(readReport(join(out, 'report')).summary.total).toBe(3);
  });
});
