/** The oracle check's pure parts: verdict → status, binaryen's trap texts and output, tallies, report lines. */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { classifyBinaryenTrap, hostLimitOutcome } from '../../src/oracle-check/binaryen/messages.ts';
import type { ShellPlan } from '../../src/oracle-check/binaryen/plan.ts';
import { caseObservation, splitOutput } from '../../src/oracle-check/binaryen/script.ts';
import { countLines, disagreementLine } from '../../src/oracle-check/report.ts';
import type { CheckResult } from '../../src/oracle-check/result.ts';
import { statusOf } from '../../src/oracle-check/result.ts';
import { tallyResults } from '../../src/oracle-check/tally.ts';
import { judge } from '../../src/judge.ts';
import type { Profile } from '../../src/profile.ts';

const PROFILE: Profile = { runtime: 'binaryen', versions: '', exitCodes: { trap: 1, exit: 'posix' }, instanceAfterTrap: 'usable', knownDivergences: [], sources: [] };

describe('verdict → oracle-check status', () => {
  it('reads the judge: pass agrees, fail disagrees, imprecise and documented divergences cannot confirm, skip is not evaluable', () => {
    expect(statusOf({ verdict: 'pass' })).toBe('agree');
    expect(statusOf({ verdict: 'fail' })).toBe('disagree');
    expect(statusOf({ verdict: 'imprecise' })).toBe('imprecise');
    expect(statusOf({ verdict: 'known-divergence' })).toBe('imprecise');
    expect(statusOf({ verdict: 'skip' })).toBe('not-evaluable');
  });
});

describe("binaryen's interpreter texts", () => {
  it('maps its trap texts to trap kinds, one shared text to several', () => {
    expect(classifyBinaryenTrap('i32.div_s by 0')).toMatchObject({ kind: 'trap', trap: ['integer divide by zero'] });
    expect(classifyBinaryenTrap('i64.div_s overflow')).toMatchObject({ trap: ['integer overflow'] });
    expect(classifyBinaryenTrap('truncUFloat of nan')).toMatchObject({ trap: ['invalid conversion to integer'] });
    expect(classifyBinaryenTrap('final > memory: 70000 > 65536')).toMatchObject({ trap: ['out of bounds memory access'] });
    expect(classifyBinaryenTrap('null target in call_indirect')).toMatchObject({ trap: ['uninitialized element'] });
    expect(classifyBinaryenTrap('out of bounds table access')).toMatchObject({ trap: ['out of bounds table access', 'undefined element'] });
    expect(classifyBinaryenTrap('something new')).toMatchObject({ kind: 'crash' });
  });

  it('a host limit is binaryen giving up (not evaluable), never a call-stack trap', () => {
    expect(hostLimitOutcome('stack limit')).toMatchObject({ kind: 'unsupported' });
  });
});

describe('wasm-shell output → observations', () => {
  const c: Case = {
    id: 't/1',
    family: 't',
    modules: [{ bytes: new Uint8Array() }],
    features: [],
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'f', expect: { outcome: { kind: 'trap', trap: 'unreachable' }, memory: [{ offset: 0, hex: '01ff' }] } },
      { op: 'invoke', export: 'g', expect: { outcome: { kind: 'return', values: [{ type: 'i32', value: '-1' }, { type: 'f32', value: 'nan:0x7fc00001' }] } } },
    ],
    provenance: { kind: 'hand-written', note: 'test' },
  };
  const plan: ShellPlan = {
    bytes: new Uint8Array(),
    entries: [
      { kind: 'step', step: 1, results: [] },
      { kind: 'memory', step: 1, region: 0, offset: 0, length: 2 },
      { kind: 'step', step: 2, results: ['i32', 'f32'] },
    ],
  };

  it('splits by case and entry markers; a trap before the first entry is the instantiation', () => {
    const out = splitOutput(['-1 : f64', '0 : f64', '[trap unreachable]', '1 : f64', '1 : i32', '255 : i32', '2 : f64', '-1 : i32', '2143289345 : i32', '-2 : f64', '[trap highest > memory: 8 > 4]', ''].join('\n'));
    const obs = caseObservation({ c, plan }, out.get(0));
    expect(judge(c, obs, PROFILE)).toEqual({ verdict: 'pass' });
    expect(caseObservation({ c, plan }, out.get(1)).steps).toEqual([{ outcome: { kind: 'trap', trap: ['out of bounds memory access'], message: 'highest > memory: 8 > 4' } }]);
  });

  it('a process that ended inside a case gives the entry in progress its ending, never a pass', () => {
    const out = splitOutput(['-1 : f64', '0 : f64', '[trap unreachable]', '1 : f64', '1 : i32', '255 : i32', '2 : f64', ''].join('\n'));
    const obs = caseObservation({ c, plan }, out.get(0), { kind: 'timeout', budgetMs: 5000 });
    expect(obs.steps.at(-1)).toEqual({ outcome: { kind: 'timeout', budgetMs: 5000 } });
    expect(judge(c, obs, PROFILE).verdict).toBe('fail');
  });
});

describe('tallies and report lines', () => {
  const results: CheckResult[] = [
    { caseId: 'a/1/0', family: 'a', status: 'agree', evaluator: 'wabt' },
    { caseId: 'a/1/1', family: 'a', status: 'disagree', evaluator: 'wabt', step: 1, expected: 'trap "unreachable"', evaluated: 'return []', replay: 'npx trapcheck replay --family a --seed 1 --path 1 --runtime wabt', secondOpinions: [{ evaluator: 'binaryen', status: 'disagree', evaluated: 'return []' }] },
    { caseId: 'a/1/2', family: 'a', status: 'imprecise', evaluator: 'binaryen', expected: 'trap "undefined element"', evaluated: 'trap (one of …)' },
    { caseId: 'b/1/0', family: 'b', status: 'not-evaluable', reason: 'wabt: unsupported: feature wasi' },
    { caseId: 'b/1/1', family: 'b', status: 'not-evaluable', reason: 'wabt: unsupported: feature wasi' },
  ];

  it('puts every result in exactly one count, not-evaluable ones by reason', () => {
    const t = tallyResults(results);
    expect(t.summary).toEqual({ total: 5, agree: 1, disagree: 1, imprecise: 1, notEvaluable: 2 });
    expect(t.families['a']!.byEvaluator).toEqual({ wabt: { agree: 1, disagree: 1, imprecise: 0 }, binaryen: { agree: 0, disagree: 0, imprecise: 1 } });
    expect(t.families['b']!.notEvaluableReasons).toEqual({ 'wabt: unsupported: feature wasi': 2 });
    expect(countLines(t).at(-1)).toBe('oracle-check: 5 cases: 1 agree, 1 disagree, 1 imprecise, 2 not evaluable');
  });

  it('prints a disagreement with expected vs evaluated, the second opinion and the replay command', () => {
    const line = disagreementLine(results[1]!);
    expect(line).toContain('DISAGREE a/1/1 step 1 (wabt): expected trap "unreachable", evaluated return []');
    expect(line).toContain('second opinion: binaryen disagree, evaluated return []');
    expect(line).toContain('replay: npx trapcheck replay --family a --seed 1 --path 1 --runtime wabt');
  });
});
