/**
 * Every transform keeps every observation: each one alone, on generated cases of core-traps,
 * controls and wasi-exit plus hand-written modules that name functions every way the binary
 * format allows, executed in this thread before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { mutateCase, TRANSFORM_NAMES } from '../../src/mutate/index.ts';
import { compareRuns, sampleCases } from './helpers.ts';

let cases: Case[] = [];
beforeAll(async () => {
  cases = await sampleCases(8);
});

describe.each(TRANSFORM_NAMES)('transform %s', (name) => {
  it('keeps the observations of every case it mutates, and mutates most of them', () => {
    // Arrange
    const differences: string[] = [];
    let applied = 0;
    // Act
    for (const c of cases)
      for (const index of [0, 1]) {
        const m = mutateCase(c, { seed: 11, index }, { transforms: [name] });
        if (!m.case) continue;
        applied++;
        expect(m.case.tags?.[`mutate:${name}`]).toBe('on');
        const r = compareRuns(c, m.case);
        if (!r.same) differences.push(`${m.case.id}\n  before ${r.original.slice(0, 300)}\n  after  ${r.mutated.slice(0, 300)}`);
      }
    // Assert
    expect(differences).toEqual([]);
    // add-memory only fits modules without a memory (the hand-written ones); reorder needs two functions
    expect(applied).toBeGreaterThanOrEqual(name === 'add-memory' ? 2 : 20);
  });
});
