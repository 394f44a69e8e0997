/**
 * `trapcheck mutate` end to end, as a user runs it: mutated case files plus one replay line each,
 * a folder `trapcheck run` takes and passes, and one-line errors for a bad source or option.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trapcheck, trapcheckInProcess } from '../cli/helpers.ts';

describe('trapcheck mutate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-mutate-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes mutated case files and replay lines; `run` passes them', () => {
    // Act
    const file = 'corpus/core-traps/divide-by-zero-kinds.json';
    const m = trapcheck(['mutate', file, '--seed', '3', '--runs', '4', '--out', join(dir, 'cases')]);
    const run = trapcheck(['run', '--corpus', join(dir, 'cases'), '--runs', '0', '--reporter', 'json', '--out', join(dir, 'report')]);
    // Assert
    expect(m.code).toBe(0);
    const lines = m.stdout.split('\n').filter((l) => l.startsWith('npx trapcheck replay'));
    expect(lines.map((l) => l.split('  #')[0])).toEqual([0, 1, 2, 3].map((i) => `npx trapcheck replay ${file} --mutate 3:${i}`));
    expect(readdirSync(join(dir, 'cases')).filter((f) => f.endsWith('.json'))).toHaveLength(4);
    expect(run.stdout).toMatch(/4 results: 4 pass, 0 fail/);
    expect(run.code).toBe(0);
  });

  it('a bad source or transform is a one-line usage error', async () => {
    // in-process (runCli, the bin's entry): `mutate` ran through the real bin in the test above
    const bad = await trapcheckInProcess(['mutate', 'no/such/thing/here', '--out', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/`trapcheck mutate` takes .*FAMILY\/SEED\/PATH/);
    const transform = await trapcheckInProcess(['mutate', 'core-traps/1/0', '--transform', 'shuffle', '--out', join(dir, 'y')]);
    expect(transform.code).toBe(2);
    expect(transform.stderr).toMatch(/unknown transform `shuffle`; valid choices: `context`/);
  });
});
