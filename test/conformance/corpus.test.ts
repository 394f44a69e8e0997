/**
 * Every corpus case passes on the reference runtime (in its worker pool, judged under its
 * profile). "imprecise" is accepted only for the cases listed below, where V8 reports one
 * message for two spec trap kinds; nothing may skip or fail.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadCorpus } from '../../src/conformance/corpus.ts';
import type { Verdict } from '../../src/judge.ts';
import { judge } from '../../src/judge.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const NULL_OR_SIGNATURE = 'V8 11: "null function or function signature mismatch"';
const TABLE_INDEX = 'V8: "table index is out of bounds" for call_indirect past the end and for table.get/set';
const FLOAT_UNREPRESENTABLE = 'V8: "float unrepresentable in integer range" for NaN and for out-of-range values';

/** Cases whose expected trap kind the engine folds with another one: imprecise (or pass on an engine that splits them). */
const FOLDED: Record<string, string> = {
  'core-traps/call-indirect-null-slot': NULL_OR_SIGNATURE,
  'core-traps/call-indirect-signature-mismatch': NULL_OR_SIGNATURE,
  'core-traps/call-indirect-second-table': NULL_OR_SIGNATURE,
  'core-traps/call-indirect-index-out-of-table': TABLE_INDEX,
  'core-traps/call-indirect-negative-index': TABLE_INDEX,
  'regressions/wasm3-elem-segment-past-table': TABLE_INDEX,
  'regressions/spidermonkey-dropped-segment-init-bounds': TABLE_INDEX,
  'core-traps/trunc-f64-s-out-of-range': FLOAT_UNREPRESENTABLE,
  'core-traps/trunc-f64-huge': FLOAT_UNREPRESENTABLE,
  'core-traps/trunc-nan': FLOAT_UNREPRESENTABLE,
};

/** A `compile` step that expects the module refused: a validation or binary-format regression (corpus/regressions/). */
const expectsRejection = (c: Case, step: number): boolean => c.steps[step]?.op === 'compile' && c.steps[step]?.expect.outcome?.kind === 'rejected';

describe('the corpus on the reference runtime', () => {
  let runtime: Runtime;
  let cases: Case[];
  let observations: Observation[];
  let verdicts: Map<string, Verdict>;

  beforeAll(async () => {
    cases = await loadCorpus([join(ROOT, 'corpus')]);
    runtime = createReferenceRuntime();
    observations = await runtime.executeAll(cases);
    verdicts = new Map(cases.map((c, i) => [c.id, judge(c, observations[i]!, runtime.profile)]));
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
  });

  it('runs every case (one observation each) with every feature the cases declare', () => {
    expect(observations).toHaveLength(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) expect(missingCapability(c, runtime.capabilities), c.id).toBeUndefined();
  });

  it('every case passes (imprecise only where the engine folds two trap kinds)', () => {
    const problems: string[] = [];
    for (const c of cases) {
      const v = verdicts.get(c.id)!;
      if (v.verdict === 'pass') continue;
      if (v.verdict === 'imprecise' && FOLDED[c.id]) continue;
      problems.push(`${c.id}: ${v.verdict} at step ${v.step}: ${v.reason ?? ''}`);
    }
    expect(problems).toEqual([]);
  });

  it('the fold list is exact: each listed case is imprecise or passes, for the listed reason', () => {
    for (const [id, why] of Object.entries(FOLDED)) {
      const v = verdicts.get(id);
      expect(v, id).toBeDefined();
      expect(['pass', 'imprecise'], id).toContain(v!.verdict);
      if (v!.verdict === 'imprecise') expect(v!.reason, id).toContain(why.slice(why.indexOf('"') + 1, why.indexOf('"', why.indexOf('"') + 1)));
    }
  });

  it('controls never trap', () => {
    for (const [i, c] of cases.entries()) {
      if (c.family !== 'controls') continue;
      for (const [j, s] of observations[i]!.steps.entries()) expect(s.outcome.kind, c.id).toBe(expectsRejection(c, j) ? 'rejected' : 'return');
    }
  });

  it('traps and exits leave the harness standing: later steps of the same case still run', () => {
    for (const [i, c] of cases.entries()) {
      expect(observations[i]!.steps.length, c.id).toBe(c.steps.length);
      for (const [j, s] of observations[i]!.steps.entries())
        expect(['return', 'trap', 'exit', 'suspended', 'cancelled', 'host-error', ...(expectsRejection(c, j) ? ['rejected'] : [])], c.id).toContain(s.outcome.kind);
    }
  });

  it('is deterministic: a second run gives the same outcomes and output', async () => {
    const again = await runtime.executeAll(cases);
    const strip = (o: Observation): unknown => ({ steps: o.steps.map((s) => ({ ...s, outcome: { ...s.outcome, message: undefined } })), stdout: o.stdout, stderr: o.stderr });
    expect(again.map(strip)).toEqual(observations.map(strip));
  }, 120_000);

  it('the wrong-expectation fixture fails with expected vs observed', async () => {
    const [wrong] = await loadCorpus([join(ROOT, 'test/fixtures/wrong-expectation')]);
    const [obs] = await runtime.executeAll([wrong!]);
    const v = judge(wrong!, obs!, runtime.profile);
    expect(v.verdict).toBe('fail');
    expect(v.step).toBe(1);
    expect(v.reason).toBe('expected trap "integer overflow", observed trap "integer divide by zero"');
  });
});
