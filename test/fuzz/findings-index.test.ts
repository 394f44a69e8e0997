/**
 * `trapcheck findings` (src/fuzz/findings-index.ts): findings of several campaigns (a report, a
 * shard's checkpoint) merged by signature, in path order, with the table per runtime; bad input
 * is one line and exit 2.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { indexFindings } from '../../src/fuzz/findings-index.ts';
import { findingsPerRuntime, renderFindingsTable } from '../../src/fuzz/findings-table.ts';
import type { Finding } from '../../src/fuzz/state.ts';

const finding = (signature: string, kind: Finding['kind'], runtimes: string[], count: number, ordinal: number): Finding => ({
  signature,
  kind,
  family: 'core-traps',
  runtimes,
  count,
  first: { id: `core-traps/1/${ordinal}`, ordinal, index: ordinal, repro: `npx trapcheck replay --family core-traps --seed 1 --path ${ordinal} --runtime ${runtimes[0]}` },
});
const GROW = 'fail · core-traps · wasm3@0.9.0 · step invoke · site memory.grow · placement body · expected return, observed return';
const ORACLE = 'suspected oracle bug · core-traps · step invoke · site i32.load · placement body · expected return, observed trap "out of bounds memory access"';
const WRAP = 'fail · core-traps · wazero@1.6.0 · step invoke · site memory.grow · placement loop · memory differs';

describe('findings index', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string): void => void out.push(s), err: (s: string): void => void err.push(s), isTTY: false } };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-findings-'));
    // campaign a: a finished run (report.json); campaign b: a shard still running (checkpoint.json only)
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'report.json'), JSON.stringify({ campaign: { seed: 1, shard: '1/1', families: ['core-traps'], runtimes: ['wasm3@0.9.0', 'wazero@1.6.0'], findings: [finding(GROW, 'verdict', ['wasm3@0.9.0'], 3, 5), finding(ORACLE, 'oracle', ['wasm3@0.9.0', 'wazero@1.6.0'], 1, 9)] } }));
    mkdirSync(join(dir, 'b', 'shard-2'), { recursive: true });
    writeFileSync(join(dir, 'b', 'shard-2', 'checkpoint.json'), JSON.stringify({ config: { seed: 1, shard: { k: 2, n: 2 }, families: ['core-traps'], runtimes: ['wasm3@0.9.0', 'wazero@1.6.0'] }, state: { findings: [finding(WRAP, 'verdict', ['wazero@1.6.0'], 2, 4), finding(GROW, 'verdict', ['wasm3@0.9.0'], 4, 1)] } }));
    mkdirSync(join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges campaigns by signature, counts added, campaigns listed in path order', () => {
    const index = indexFindings([dir], dir);
    expect(index.campaigns.map((c) => [c.dir, c.shard, c.from])).toEqual([
      ['a', '1/1', 'report'],
      ['b/shard-2', '2/2', 'checkpoint'],
    ]);
    expect(index.findings.map((f) => [f.signature, f.count, f.campaigns])).toEqual([
      [GROW, 7, ['a', 'b/shard-2']],
      [ORACLE, 1, ['a']],
      [WRAP, 2, ['b/shard-2']],
    ]);
    expect(index.perRuntime).toEqual({
      'wasm3@0.9.0': { verdict: 1, differential: 0, oracle: 1, cases: 8 },
      'wazero@1.6.0': { verdict: 1, differential: 0, oracle: 1, cases: 3 },
    });
  });

  it('renders the per-runtime table with one line per runtime', () => {
    const lines = renderFindingsTable(findingsPerRuntime([finding(GROW, 'verdict', ['wasm3@0.9.0'], 3, 5)]));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^wasm3@0\.9\.0\s+1\s+0\s+0\s+3$/);
    expect(renderFindingsTable({})).toEqual([]);
  });

  it('CLI: lists the findings with their replay lines, exit 1; --json is the index', async () => {
    const t = io();
    expect(await runCli(['findings', join(dir, 'a'), join(dir, 'b')], t.io)).toBe(1);
    const text = t.out.join('\n');
    expect(text).toMatch(/^trapcheck findings: 2 campaign\(s\), 3 distinct finding\(s\) \(2 verdict, 0 differential, 1 suspected oracle bug\)/);
    expect(text).toContain(`[1] ${GROW}`);
    expect(text).toContain('replay: npx trapcheck replay --family core-traps --seed 1 --path 5 --runtime wasm3@0.9.0');
    const j = io();
    expect(await runCli(['findings', '--json', dir], j.io)).toBe(1);
    expect(JSON.parse(j.out.join('\n'))).toMatchObject({ schema: 'trapcheck.findings/1', findings: [{ signature: GROW, count: 7 }, { signature: ORACLE }, { signature: WRAP }] });
  });

  it('bad input: one line, exit 2', async () => {
    for (const [args, message] of [
      [['findings'], /needs campaign folders/],
      [['findings', join(dir, 'nope')], /no such folder/],
      [['findings', join(dir, 'a', 'report.json')], /is not a folder/],
      [['findings', join(dir, 'empty')], /no fuzz campaign/],
    ] as const) {
      const t = io();
      expect(await runCli([...args], t.io)).toBe(2);
      expect(t.err).toHaveLength(1);
      expect(t.err[0]).toMatch(message);
    }
  });
});
