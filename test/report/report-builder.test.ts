/**
 * The report is built as results arrive (src/report/report-builder.ts): tallies, reasons,
 * coverage (per case, not per runtime), matrix and rows come out as `buildReport` computes them
 * over the finished list, and a row keeps no reference to the case (its module bytes, steps).
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Verdict } from '../../src/judge.ts';
import { ReportBuilder } from '../../src/report/report-builder.ts';
import { buildReport } from '../../src/report/report.ts';
import type { CaseResult } from '../../src/result.ts';

function makeCase(index: number, tags: Record<string, string>, family = 'core-traps'): Case {
  return {
    id: `${family}/3/${index}`,
    family,
    features: [],
    modules: [{ bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) }],
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }],
    provenance: { kind: 'generator', generator: family, version: 1, seed: 3, path: String(index) },
    tags,
  };
}

const result = (c: Case, runtime: string, verdict: Verdict): CaseResult => ({ case: c, runtime, verdict, sha256: `sha-${c.id}` });

const a = makeCase(0, { trap: 'unreachable' });
const b = makeCase(1, { trap: 'unreachable' });
const w = makeCase(2, { exit: '3' }, 'wasi-exit');
const results: CaseResult[] = [
  result(a, 'reference', { verdict: 'pass' }),
  result(a, 'wasm3', { verdict: 'known-divergence', reason: 'folded message', divergence: 'wasm3-msg' }),
  result(b, 'reference', { verdict: 'fail', expected: 'trap', observed: 'return', step: 0, reason: 'no trap' }),
  result(b, 'wasm3', { verdict: 'skip', reason: 'unsupported: memory64' }),
  result(w, 'reference', { verdict: 'imprecise', reason: 'message' }),
  result(w, 'wasm3', { verdict: 'pass' }),
];
const meta = { command: 'run', version: '9', seed: 3, config: {}, runtimes: [], durationMs: 2000 };

function fed(list: readonly CaseResult[]): ReturnType<ReportBuilder['build']> {
  const builder = new ReportBuilder();
  for (const r of list) builder.add(r);
  return builder.build(meta);
}

describe('ReportBuilder', () => {
  it('counts tallies, reasons and coverage per case as results arrive', () => {
    const report = fed(results);
    expect(report.summary).toEqual({ total: 6, passed: 2, failed: 1, imprecise: 1, knownDivergences: 1, skipped: 1, durationMs: 2000, casesPerSecond: 3 });
    expect(report.families['core-traps']).toEqual({ total: 4, passed: 1, failed: 1, imprecise: 0, knownDivergences: 1, skipped: 1 });
    expect(report.perRuntime['wasm3']).toEqual({ total: 3, passed: 1, failed: 0, imprecise: 0, knownDivergences: 1, skipped: 1 });
    expect(report.knownDivergencesByReason).toEqual({ 'folded message': 1 });
    expect(report.skippedByReason).toEqual({ 'unsupported: memory64': 1 });
    // two cases with the same tag, each on two runtimes: counted twice, not four times
    expect(report.coverage).toEqual({ 'core-traps': { trap: { unreachable: 2 } }, 'wasi-exit': { exit: { '3': 1 } } });
    expect(report.matrix!.cells['core-traps']!['wasm3']).toMatchObject({ knownDivergences: 1, skipped: 1, total: 2 });
  });

  it('keeps rows in arrival order, each without the case object', () => {
    const report = fed(results);
    expect(report.results.map((r) => `${r.id}@${r.runtime}:${r.verdict}`)).toEqual([
      'core-traps/3/0@reference:pass',
      'core-traps/3/0@wasm3:known-divergence',
      'core-traps/3/1@reference:fail',
      'core-traps/3/1@wasm3:skip',
      'wasi-exit/3/2@reference:imprecise',
      'wasi-exit/3/2@wasm3:pass',
    ]);
    expect(report.results[2]).toMatchObject({ sha256: 'sha-core-traps/3/1', expected: 'trap', observed: 'return', step: 0, reason: 'no trap', repro: 'npx trapcheck replay --family core-traps --seed 3 --path 1' });
    for (const row of report.results) expect(Object.values(row).some((v) => v instanceof Uint8Array || (typeof v === 'object' && v !== null && 'modules' in v))).toBe(false);
  });

  it('is what buildReport gives for the same list, byte for byte', () => {
    expect(JSON.stringify(fed(results))).toBe(JSON.stringify(buildReport({ ...meta, results })));
  });

  it('counts a copy of a case (a new object) as another case, the same object once', () => {
    const again = fed([result(a, 'reference', { verdict: 'pass' }), result({ ...a }, 'reference', { verdict: 'pass' }), result(a, 'wasm3', { verdict: 'pass' })]);
    expect(again.coverage['core-traps']).toEqual({ trap: { unreachable: 2 } });
  });
});
