/**
 * The generation pool (src/cli/generation-pool.ts) hands back exactly the cases inline generation
 * builds, in job order: what `run` and `fuzz` judge and report must not depend on whether the
 * cases came through the pool's worker (packed as JSON plus module bytes) or not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { GenerationJob } from '../../src/cli/generation-pool.ts';
import { GenerationPool } from '../../src/cli/generation-pool.ts';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';

/**
 * A case as JSON, with module bytes as hex, and every value JSON would drop or change (undefined,
 * NaN, ±Infinity, -0, a bigint) spelled out: those must survive the pool as they are, or fail here.
 */
const asJson = (c: Case): string =>
  JSON.stringify(c, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (v === undefined || typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) return `<${typeof v} ${String(v)}>`;
    if (Object.is(v, -0)) return '<number -0>';
    return v;
  });

describe('GenerationPool', () => {
  // a chunk that does not divide the job list: the last request is a partial one
  const pool = new GenerationPool({ chunk: 7 });
  afterAll(() => pool.close());

  it('gives every family’s cases as inline generation does, in job order', async () => {
    const jobs: GenerationJob[] = FAMILY_NAMES.flatMap((f) => Array.from({ length: 40 }, (_, i): GenerationJob => [f, 3, i]));
    const got: Case[] = [];
    for await (const c of pool.generate(jobs)) got.push(c);
    expect(got).toHaveLength(jobs.length);
    got.forEach((c, k) => {
      const [f, s, i] = jobs[k]!;
      expect(asJson(c)).toBe(asJson(generateCase(f, s, i)));
    });
  });

  it('a generator that throws rejects with its message, not a hang', async () => {
    const run = async (): Promise<void> => {
      for await (const _ of pool.generate([['no-such-family', 1, 0]])) void _;
    };
    await expect(run()).rejects.toThrow(/generation failed: .*no-such-family/);
  });
});
