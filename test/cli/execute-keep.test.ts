/**
 * `run` keeps per result only its report row: executeCases with `keep: 'failures'` returns just
 * the failed results (with their observations, for the repro bundles) while report.json still
 * lists every result; the default keeps every result (replay prints each).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { executeCases } from '../../src/cli/execute.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';

const emptyModule = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** A case that expects `return` (passes on the fake runtime) or a trap (fails on it). */
function makeCase(id: string, expectTrap: boolean): Case {
  const outcome = expectTrap ? { kind: 'trap' as const, trap: 'unreachable' as const } : { kind: 'return' as const };
  return { id, family: 'controls', features: [], modules: [{ bytes: emptyModule }], steps: [{ op: 'instantiate', expect: { outcome } }], provenance: { kind: 'hand-written', note: 'keep test' }, tags: { n: id } };
}

const alwaysReturns: Runtime = {
  name: 'fake',
  profile: loadProfile('reference'),
  capabilities: { steps: new Set(['instantiate']), features: new Set() },
  version: () => Promise.resolve('1'),
  executeAll: (cases) => Promise.resolve(cases.map((): Observation => ({ steps: [{ outcome: { kind: 'return', values: [] } }], stdout: '', stderr: '' }))),
  close: () => Promise.resolve(),
};

const cases = [makeCase('p1', false), makeCase('f1', true), makeCase('p2', false), makeCase('f2', true), makeCase('p3', false)];
const io: CliIo = { out: () => undefined, err: () => undefined, isTTY: false };

async function execute(keep?: 'failures'): Promise<{ out: string; results: Awaited<ReturnType<typeof executeCases>>['results'] }> {
  const out = mkdtempSync(join(tmpdir(), 'trapcheck-keep-'));
  const { results } = await executeCases(cases, { command: 'run', seed: 1, config: {}, runtimes: ['fake'], outDir: out, reporters: ['json'], createRuntime: async () => alwaysReturns, ...(keep ? { keep } : {}) }, io);
  return { out, results };
}

describe('executeCases keep', () => {
  it("'failures' returns only the failed results, and the report still has every row", async () => {
    const { out, results } = await execute('failures');
    expect(results.map((r) => [r.case.id, r.verdict.verdict])).toEqual([
      ['f1', 'fail'],
      ['f2', 'fail'],
    ]);
    expect(results[0]!.observation?.steps[0]?.outcome).toEqual({ kind: 'return', values: [] });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: Array<{ id: string; verdict: string }>; coverage: Record<string, Record<string, Record<string, number>>> };
    expect(report.results.map((r) => `${r.id}:${r.verdict}`)).toEqual(['p1:pass', 'f1:fail', 'p2:pass', 'f2:fail', 'p3:pass']);
    expect(Object.keys(report.coverage['controls']!['n']!)).toEqual(['p1', 'f1', 'p2', 'f2', 'p3']);
    expect(readdirSync(join(out, 'repro')).length).toBe(2);
  });

  it('returns every result by default, with the same report', async () => {
    const all = await execute();
    const failures = await execute('failures');
    expect(all.results.map((r) => r.case.id)).toEqual(['p1', 'f1', 'p2', 'f2', 'p3']);
    const strip = (dir: string): string => readFileSync(join(dir, 'report.json'), 'utf8').replace(/"(durationMs|casesPerSecond)": \d+/g, '');
    expect(strip(all.out)).toBe(strip(failures.out));
    expect(existsSync(join(all.out, 'repro'))).toBe(true);
  });
});
