/**
 * The spine's invariants as properties (fast-check drives the generators' own arbitraries, so a
 * counterexample is printed with its seed and path and shrinks to minimal parameters):
 *   - every generated case ends with its expected outcome on the reference runtime;
 *   - after a core trap the instance is still callable and memory/globals equal the generator's
 *     tracked pre-trap state (a trapping store writes nothing);
 *   - exit codes and captured stdout/stderr bytes are exact;
 *   - same seed ⇒ same module bytes and the same observation;
 *   - the judge is not vacuous: a wrong expectation fails.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { createHash } from 'node:crypto';
import type { Case, ExpectedOutcome } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { TRAP_KINDS } from '../../src/outcome.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { FAMILIES, generateCase } from '../../generators/index.ts';

const runtime = createReferenceRuntime();
afterAll(() => runtime.close());

/** V8 11's folded messages: the only allowed reasons for an `imprecise` verdict here. */
const FOLDED = ['null function or function signature mismatch', 'table index is out of bounds', 'float unrepresentable in integer range'];
const PROPERTY_RUNS = { numRuns: 150, seed: 20261121 };

async function verdictOf(c: Case): Promise<ReturnType<typeof judge>> {
  const [observation] = await runtime.executeAll([c]);
  return judge(c, observation!, runtime.profile);
}

const sha = (c: Case): string => createHash('sha256').update(c.modules[0]!.bytes).digest('hex');
const origin = { seed: 0, path: 'property' };

describe('core-traps', () => {
  const family = FAMILIES['core-traps']!;
  test.prop([family.arbitrary], PROPERTY_RUNS)('traps as expected, leaves tracked state intact and the instance callable', async (params) => {
    const c = family.build(params, origin);
    const trapStep = c.steps.findIndex((s) => s.expect.outcome?.kind === 'trap');
    expect(trapStep).toBeGreaterThanOrEqual(0);
    if (c.steps[trapStep]!.op === 'invoke') {
      // A run-stage trap: the state after it is checked, and a later step proves the instance works.
      // (A zero-page memory has no bytes to track.)
      if (c.tags?.detail !== 'zero-page') expect(c.steps[trapStep]!.expect.memory?.length ?? 0).toBeGreaterThan(0);
      expect(Object.keys(c.steps[trapStep]!.expect.globals ?? {})).not.toHaveLength(0);
      expect(c.steps.slice(trapStep + 1).some((s) => s.op === 'invoke' && s.expect.outcome?.kind === 'return' && s.expect.outcome.values?.length)).toBe(true);
    }
    const v = await verdictOf(c);
    expect(v.verdict === 'pass' || (v.verdict === 'imprecise' && FOLDED.some((m) => v.reason?.includes(m))), `${v.verdict}: ${v.reason}`).toBe(true);
  });

  test.prop([family.arbitrary, fc.constantFrom(...TRAP_KINDS)], { numRuns: 60, seed: 7 })('a wrong trap kind in the expectation fails', async (params, other) => {
    const c = family.build(params, origin);
    const i = c.steps.findIndex((s) => s.expect.outcome?.kind === 'trap');
    const expected = c.steps[i]!.expect.outcome as Extract<ExpectedOutcome, { kind: 'trap' }>;
    const [observation] = await runtime.executeAll([c]);
    const observed = observation!.steps[i]!.outcome;
    fc.pre(observed.kind === 'trap' && !observed.trap.includes(other) && other !== expected.trap);
    const mutated: Case = { ...c, steps: c.steps.map((s, j) => (j === i ? { ...s, expect: { ...s.expect, outcome: { kind: 'trap', trap: other } } } : s)) };
    expect(judge(mutated, observation!, runtime.profile).verdict).toBe('fail');
  });
});

describe('controls', () => {
  const family = FAMILIES['controls']!;
  test.prop([family.arbitrary], PROPERTY_RUNS)('never trap and return exactly the expected values', async (params) => {
    const c = family.build(params, origin);
    expect(c.steps.every((s) => s.expect.outcome?.kind !== 'trap')).toBe(true);
    const v = await verdictOf(c);
    expect(v.verdict, v.reason).toBe('pass');
  });
});

describe('wasi-exit', () => {
  const family = FAMILIES['wasi-exit']!;
  test.prop([family.arbitrary], PROPERTY_RUNS)('exit code and stdout/stderr bytes are exact', async (params) => {
    const c = family.build(params, origin);
    const [observation] = await runtime.executeAll([c]);
    const exitStep = c.steps.findIndex((s) => s.expect.outcome?.kind === 'exit');
    const expected = c.steps[exitStep]!.expect.outcome as Extract<ExpectedOutcome, { kind: 'exit' }>;
    expect(observation!.steps[exitStep]!.outcome).toEqual({ kind: 'exit', code: expected.code });
    const lastWithOutput = [...c.steps].reverse().find((s) => s.expect.stdout !== undefined);
    if (lastWithOutput) expect(observation!.stdout).toBe(lastWithOutput.expect.stdout);
    const v = judge(c, observation!, runtime.profile);
    expect(v.verdict, v.reason).toBe('pass');
  });
});

describe('determinism', () => {
  test.prop([fc.constantFrom('core-traps', 'controls', 'wasi-exit'), fc.nat(), fc.nat(5000)], { numRuns: 60, seed: 11 })(
    'same (family, seed, index) ⇒ same module sha256 and the same observation',
    async (family, seed, index) => {
      const a = generateCase(family, seed, index);
      const b = generateCase(family, seed, index);
      expect(sha(b)).toBe(sha(a));
      expect(JSON.stringify({ ...b, modules: [] })).toBe(JSON.stringify({ ...a, modules: [] }));
      const [oa, ob] = await runtime.executeAll([a, b]);
      expect(ob).toEqual(oa);
    },
  );
});
