/** The cancellation family: every generated case passes on the reference executor, covers its declared tags, and is deterministic. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cancellation } from '../../generators/cancellation.ts';
import { generateCase } from '../../generators/index.ts';
import { judge } from '../../src/judge.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';

const profile = loadReferenceProfile();
const N = 160;

describe('cancellation family', () => {
  it(`${N} generated cases pass on the reference executor and hit every declared tag value`, () => {
    const seen: Record<string, Set<string>> = {};
    const failures: string[] = [];
    for (let i = 0; i < N; i++) {
      const c = generateCase('cancellation', 1, i);
      for (const [k, v] of Object.entries(c.tags ?? {})) (seen[k] ??= new Set()).add(v);
      const obs = executeCase(toPoolCase(c), { calls: callRuntime });
      const v = judge(c, obs, profile);
      if (v.verdict !== 'pass') failures.push(`${c.id} [${c.tags?.['scenario']}] step ${v.step}: ${v.reason}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    for (const [tag, values] of Object.entries(cancellation.declares)) expect([...(seen[tag] ?? [])].sort(), tag).toEqual([...values].sort());
  });

  it('the same seed gives the same bytes and the same out-of-fuel point (step, memory) on every run', () => {
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    for (let i = 0; i < 40; i++) {
      const a = generateCase('cancellation', 7, i);
      const b = generateCase('cancellation', 7, i);
      expect(sha(b.modules[0]!.bytes)).toBe(sha(a.modules[0]!.bytes));
      expect(b.steps).toEqual(a.steps);
      if (!a.features.includes('fuel')) continue;
      const o1 = executeCase(toPoolCase(a), { calls: callRuntime });
      const o2 = executeCase(toPoolCase(a), { calls: callRuntime });
      const dry = (o: typeof o1): number => o.steps.findIndex((s) => (s.outcome.kind === 'trap' && s.outcome.trap.includes('out of fuel')) || (s.outcome.kind === 'suspended' && s.outcome.at === 'fuel'));
      expect(dry(o2)).toBe(dry(o1));
      expect(o2.steps).toEqual(o1.steps);
    }
  });
});
