/**
 * The real check of the generators' expectations: their cases run on the reference runtime
 * and every verdict is pass, or imprecise where V8 11 folds two trap kinds into one message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';

const PER_FAMILY = 300;
/**
 * Fewer for jspi: one draw in 32 parks 1,000–1,200 calls, and on the reference runtime every
 * Asyncify park copies the guest memory out and back (~2 s a case); test/generators/jspi.test.ts
 * and test/runtimes/jspi.test.ts cover its scenarios on every runtime that runs them. Fewer for
 * thread-race: its threads block in waits and reads, and each case costs ~80 ms of worker hand-offs.
 */
const CASES: Record<string, number> = { jspi: 100, 'thread-race': 60 };
const runtime = createReferenceRuntime();
afterAll(() => runtime.close());

/**
 * V8 11 (Node 20) messages shared by two kinds:
 *   "null function or function signature mismatch": uninitialized element / indirect call type mismatch;
 *   "table index is out of bounds": undefined element / out of bounds table access (also an elem segment at instantiation);
 *   "float unrepresentable in integer range": invalid conversion to integer (NaN) / integer overflow (trunc).
 */
const FOLDED_MESSAGES = ['null function or function signature mismatch', 'table index is out of bounds', 'float unrepresentable in integer range'];

describe.each(FAMILY_NAMES)('%s on the reference runtime', (family) => {
  const count = CASES[family] ?? PER_FAMILY;
  it(`${count} generated cases pass (or are imprecise only for folded V8 messages)`, async () => {
    // the jspi family's JSPI-only rows need the engine's own JSPI (feature `jspi`, which this runtime lacks): test/runtimes/jspi.test.ts runs them
    const cases: Case[] = Array.from({ length: count }, (_, i) => generateCase(family, 1, i)).filter((c) => !c.features.includes('jspi'));
    const observations = await runtime.executeAll(cases);
    const problems: string[] = [];
    const tally: Record<string, number> = {};
    cases.forEach((c, i) => {
      const v = judge(c, observations[i]!, runtime.profile);
      tally[v.verdict] = (tally[v.verdict] ?? 0) + 1;
      const ok = v.verdict === 'pass' || (v.verdict === 'imprecise' && FOLDED_MESSAGES.some((m) => v.reason?.includes(`("${m}")`)));
      if (!ok) problems.push(`${c.id} ${JSON.stringify(c.tags)}: ${v.verdict} ${v.reason ?? ''}`);
    });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(tally['pass']).toBeGreaterThan(count / 2);
  });
});
