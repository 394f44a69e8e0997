/** `trapcheck oracle-check` as a user runs it: bad input is one line and exit 2; counts and report.json otherwise. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliRun } from '../cli/helpers.ts';
import { trapcheck, trapcheckInProcess } from '../cli/helpers.ts';

function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('trapcheck oracle-check', () => {
  it('bad input is one line naming the problem, exit 2', async () => {
    // the first through the real bin; the rest through the same entry in-process (runCli), sparing
    // a node + loader start-up each
    expectOneLineError(trapcheck(['oracle-check', '--evaluator', 'v8']), /unknown evaluator `v8`; valid choices: .*wabt/);
    expectOneLineError(await trapcheckInProcess(['oracle-check', '--family', 'nope']), /unknown family `nope`/);
    expectOneLineError(await trapcheckInProcess(['oracle-check', 'core-traps']), /unexpected argument `core-traps`/);
  });

  it('counts agreements per evaluator and cases no evaluator can run by reason, exits 0 without a disagreement, writes report.json and summary.md', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'trapcheck-oracle-')), 'out');
    const r = trapcheck(['oracle-check', '--family', 'wasi-exit,component', '--seed', '1', '--runs', '3', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wasi-exit +wabt-wasi +3 +0 +0/);
    expect(r.stdout).toContain('component      not evaluable: 3');
    expect(r.stdout).toContain('oracle-check: 6 cases: 3 agree, 0 disagree, 0 imprecise, 3 not evaluable');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ schema: 'trapcheck.oracle-check/1', seed: 1, summary: { total: 6, agree: 3, notEvaluable: 3 } });
    expect(report.families['component'].notEvaluableReasons).toEqual({ 'wabt: unsupported: feature component; binaryen: unsupported: feature component; wabt-wasi: unsupported: feature component': 3 });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('## Not evaluable');
  });
});
