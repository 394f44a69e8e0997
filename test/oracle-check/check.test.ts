/**
 * The oracle check on real evaluators (wabt's wasm-interp, binaryen's wasm-shell): it confirms a
 * sample of generated cases, it can fail (a deliberately wrong trap kind or return value is a
 * disagreement, with a second opinion and a replay line), and what no evaluator can run is counted
 * with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, ExpectedOutcome } from '../../src/case.ts';
import { checkBatch } from '../../src/oracle-check/check.ts';
import type { Evaluator } from '../../src/oracle-check/evaluator.ts';
import { createEvaluator } from '../../src/oracle-check/evaluator.ts';
import type { CheckResult } from '../../src/oracle-check/result.ts';
import { generateCase } from '../../generators/index.ts';

const SAMPLE: Array<[string, number]> = [
  ['core-traps', 0],
  ['core-traps', 1],
  ['controls', 0],
  ['controls', 1],
];

/** A copy of `c` whose first expectation matching `pick` is replaced by `wrong(it)`. */
function corrupt(c: Case, id: string, pick: (o: ExpectedOutcome) => boolean, wrong: (o: ExpectedOutcome) => ExpectedOutcome): Case | undefined {
  const copy = structuredClone(c);
  const step = copy.steps.find((s) => s.expect.outcome && pick(s.expect.outcome));
  if (!step) return undefined;
  step.expect.outcome = wrong(step.expect.outcome!);
  return { ...copy, id };
}

const isTrap = (o: ExpectedOutcome): boolean => o.kind === 'trap';
const returnsI32 = (o: ExpectedOutcome): boolean => o.kind === 'return' && (o.values ?? []).some((v) => v.type === 'i32');
const wrongTrap = (o: ExpectedOutcome): ExpectedOutcome => ({ kind: 'trap', trap: o.kind === 'trap' && o.trap === 'unreachable' ? 'integer overflow' : 'unreachable' });
const wrongValue = (o: ExpectedOutcome): ExpectedOutcome => {
  const values = o.kind === 'return' ? structuredClone(o.values ?? []) : [];
  const v = values.find((x) => x.type === 'i32')!;
  v.value = String((Number(v.value) + 1) | 0);
  return { kind: 'return', values };
};

/** The first generated case of `family` (seed 1) with an expectation `pick` matches. */
function firstWith(family: string, pick: (o: ExpectedOutcome) => boolean): Case {
  for (let i = 0; i < 200; i++) {
    const c = generateCase(family, 1, i);
    if (c.steps.some((s) => s.expect.outcome && pick(s.expect.outcome))) return c;
  }
  throw new Error(`no ${family} case of seed 1 has such an expectation`);
}

let evaluators: Evaluator[] = [];
let results: CheckResult[] = [];
const byId = (id: string): CheckResult => results.find((r) => r.caseId === id)!;

beforeAll(async () => {
  evaluators = [await createEvaluator('wabt'), await createEvaluator('binaryen')];
  const sample = SAMPLE.map(([f, i]) => generateCase(f, 1, i));
  const badTrap = corrupt(firstWith('core-traps', isTrap), 'corrupt/trap-kind', isTrap, wrongTrap)!;
  const badValue = corrupt(firstWith('controls', returnsI32), 'corrupt/return-value', returnsI32, wrongValue)!;
  const unrunnable = [generateCase('wasi-exit', 1, 0), generateCase('component', 1, 0)];
  results = await checkBatch([...sample, badTrap, badValue, ...unrunnable], evaluators);
}, 120_000);

afterAll(async () => {
  await Promise.all(evaluators.map((e) => e.close()));
});

describe('oracle check on real evaluators', () => {
  it('confirms a sample of generated core-traps and controls cases (agree, or imprecise where the message is shared)', () => {
    const sample = results.slice(0, SAMPLE.length);
    expect(sample.map((r) => `${r.caseId}: ${r.status}${r.evaluated ? ` (${r.evaluated})` : ''}`)).toEqual(sample.map((r) => `${r.caseId}: ${r.status === 'imprecise' ? 'imprecise' : 'agree'}${r.evaluated ? ` (${r.evaluated})` : ''}`));
    expect(sample.filter((r) => r.status === 'agree').length).toBeGreaterThan(0);
  });

  it('disagrees with a wrong trap kind, with the other evaluator as second opinion and a replay line', () => {
    const r = byId('corrupt/trap-kind');
    expect(r).toMatchObject({ status: 'disagree', evaluator: 'wabt' });
    expect(r.expected).toMatch(/^trap "/);
    expect(r.replay).toMatch(/^npx trapcheck replay --family core-traps --seed 1 --path \d+ --runtime wabt$/);
    expect(r.secondOpinions?.map((o) => [o.evaluator, o.status])).toEqual([['binaryen', 'disagree']]);
  });

  it('disagrees with a wrong return value', () => {
    const r = byId('corrupt/return-value');
    expect(r).toMatchObject({ status: 'disagree', evaluator: 'wabt' });
    expect(r.expected).toMatch(/^return \[/);
    expect(r.evaluated).toMatch(/^return \[/);
    expect(r.evaluated).not.toBe(r.expected);
  });

  it('counts what no evaluator can run as not evaluable, with each evaluator’s reason', () => {
    expect(byId('wasi-exit/1/0')).toMatchObject({ status: 'not-evaluable', reason: 'wabt: unsupported: feature wasi; binaryen: unsupported: feature wasi' });
    expect(byId('component/1/0')).toMatchObject({ status: 'not-evaluable', reason: 'wabt: unsupported: feature component; binaryen: unsupported: feature component' });
  });
});
