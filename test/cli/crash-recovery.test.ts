/**
 * Issue #14 item 2: every command runs cases through one pipeline with the campaign's crash
 * recovery. A runtime whose harness throws inside `run` costs the cases it was running a
 * `crash` verdict; it is restarted, the other cases are judged as usual, and the full report
 * is written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import type { Case } from '../../src/case.ts';
import { executeCases } from '../../src/cli/execute.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

const POISON = 3;
const cases: Case[] = Array.from({ length: 8 }, (_, i) => generateCase('core-traps', 5, i));
const poisonId = cases[POISON]!.id;
const reference = createReferenceRuntime({ processes: 0 });
afterAll(() => reference.close());

/** The reference runtime, except that its harness throws whenever a batch holds the poisoned case. */
function flaky(created: { count: number; closed: number }): Runtime {
  created.count++;
  return {
    name: 'reference',
    profile: reference.profile,
    capabilities: reference.capabilities,
    version: () => reference.version(),
    close: async () => {
      created.closed++;
    },
    executeAll: async (batch: readonly Case[]): Promise<Observation[]> => {
      if (batch.some((c) => c.id === poisonId)) throw new Error('harness exploded');
      return reference.executeAll(batch);
    },
  };
}

describe('run with a runtime that throws', () => {
  it('gives the thrown-on case a crash verdict, judges the rest and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'trapcheck-crash-'));
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
    const created = { count: 0, closed: 0 };
    const { results, report, exitCode } = await executeCases(
      cases,
      { command: 'run', seed: 5, config: {}, runtimes: ['reference'], outDir: out, reporters: ['json'], createRuntime: async () => flaky(created) },
      io,
    );
    expect(results).toHaveLength(cases.length);
    const crashed = results.filter((r) => r.verdict.verdict === 'fail' && r.observation?.steps[0]?.outcome.kind === 'crash');
    expect(crashed.map((r) => r.case.id)).toEqual([poisonId]);
    expect(crashed[0]!.observation!.steps[0]!.outcome).toMatchObject({ kind: 'crash', detail: 'runtime failed: harness exploded' });
    for (const r of results) if (r.case.id !== poisonId) expect(['pass', 'imprecise']).toContain(r.verdict.verdict);
    // the failed batch was retried case by case, restarting the runtime after each failure
    expect(created.count).toBeGreaterThanOrEqual(2);
    expect(created.closed).toBe(created.count);
    expect(exitCode).toBe(1);
    expect(report.summary.total).toBe(cases.length);
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: Array<{ id: string; verdict: string }> };
    expect(written.results.find((r) => r.id === poisonId)?.verdict).toBe('fail');
    expect(existsSync(join(out, 'repro'))).toBe(true);
    expect(lines.some((l) => l.startsWith(`FAIL ${poisonId} on reference`))).toBe(true);
    expect(lines.some((l) => l.includes(`replay: npx trapcheck replay --family core-traps --seed 5 --path ${POISON}`))).toBe(true);
  });
});
