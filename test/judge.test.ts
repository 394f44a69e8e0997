/**
 * The judge, branch by branch: every outcome kind, NaN classes, exit-code projection per profile,
 * state (memory, globals, fuel, output, processes), known divergences matched by outcome or by
 * state, and the severity order that picks a case's verdict. Each assertion names the exact
 * verdict (and, where it matters, the reason), so a changed branch fails here.
 */
import { describe, expect, it } from 'vitest';
import type { Case, ExpectedOutcome, Expectation, Step } from '../src/case.ts';
import { divergenceFor, judge, outcomeVerdict, processesVerdict, stateVerdict } from '../src/judge.ts';
import type { Observation, StepObservation } from '../src/observation.ts';
import type { Outcome, WasmValue } from '../src/outcome.ts';
import type { KnownDivergence, Profile } from '../src/profile.ts';

function profile(exit: Profile['exitCodes']['exit'] = 'raw', knownDivergences: KnownDivergence[] = []): Profile {
  return { runtime: 'test', versions: 'any', exitCodes: { trap: 1, exit }, instanceAfterTrap: 'usable', knownDivergences, sources: [] };
}
const P = profile();
const v = (type: WasmValue['type'], value: string): WasmValue => ({ type, value });
const verdictOf = (e: ExpectedOutcome, o: Outcome, p = P): string => outcomeVerdict(e, o, p).verdict;

describe('outcomeVerdict', () => {
  it('unsupported is a skip whatever was expected, with the feature named', () => {
    expect(outcomeVerdict({ kind: 'trap', trap: 'unreachable' }, { kind: 'unsupported', feature: 'simd' }, P)).toEqual({ verdict: 'skip', reason: 'unsupported: simd' });
  });

  it('return: kind, absent values, exact values and arity', () => {
    expect(verdictOf({ kind: 'return' }, { kind: 'trap', trap: ['unreachable'], message: '' })).toBe('fail');
    expect(verdictOf({ kind: 'return' }, { kind: 'return', values: [v('i32', '1')] })).toBe('pass');
    expect(verdictOf({ kind: 'return', values: [v('i32', '1')] }, { kind: 'return', values: [v('i32', '1')] })).toBe('pass');
    expect(verdictOf({ kind: 'return', values: [v('i32', '1')] }, { kind: 'return', values: [v('i32', '2')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('i32', '1')] }, { kind: 'return', values: [v('i64', '1')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('i32', '1')] }, { kind: 'return', values: [v('i32', '1'), v('i32', '1')] })).toBe('fail');
    expect(outcomeVerdict({ kind: 'return', values: [v('i32', '1')] }, { kind: 'return', values: [v('i32', '2')] }, P).reason).toBe('expected return [i32:1], observed return [i32:2]');
  });

  it('floats compare by bits; NaN expectations match by class', () => {
    expect(verdictOf({ kind: 'return', values: [v('f64', '0')] }, { kind: 'return', values: [v('f64', '-0')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('f32', 'nan:0x7fc00000')] }, { kind: 'return', values: [v('f32', 'nan:0x7fc00001')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('f32', 'nan:canonical')] }, { kind: 'return', values: [v('f32', 'nan:0xffc00000')] })).toBe('pass');
    expect(verdictOf({ kind: 'return', values: [v('f32', 'nan:canonical')] }, { kind: 'return', values: [v('f32', 'nan:0x7fc00001')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('f64', 'nan:canonical')] }, { kind: 'return', values: [v('f64', 'nan:0x7ff8000000000000')] })).toBe('pass');
    expect(verdictOf({ kind: 'return', values: [v('f64', 'nan:arithmetic')] }, { kind: 'return', values: [v('f64', 'nan:0x7ff8000000000001')] })).toBe('pass');
    expect(verdictOf({ kind: 'return', values: [v('f64', 'nan:arithmetic')] }, { kind: 'return', values: [v('f64', 'nan:0x7ff0000000000001')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('f32', 'nan:arithmetic')] }, { kind: 'return', values: [v('f32', 'nan:0x7f800001')] })).toBe('fail');
    expect(verdictOf({ kind: 'return', values: [v('f32', 'nan:arithmetic')] }, { kind: 'return', values: [v('f32', '1')] })).toBe('fail');
  });

  it('trap: the kind must be among the candidates; several candidates are imprecise', () => {
    expect(verdictOf({ kind: 'trap', trap: 'unreachable' }, { kind: 'trap', trap: ['unreachable'], message: 'x' })).toBe('pass');
    expect(verdictOf({ kind: 'trap', trap: 'unreachable' }, { kind: 'trap', trap: ['integer overflow'], message: 'x' })).toBe('fail');
    expect(verdictOf({ kind: 'trap', trap: 'unreachable' }, { kind: 'return', values: [] })).toBe('fail');
    const imprecise = outcomeVerdict({ kind: 'trap', trap: 'uninitialized element' }, { kind: 'trap', trap: ['uninitialized element', 'indirect call type mismatch'], message: 'null function' }, P);
    expect(imprecise.verdict).toBe('imprecise');
    expect(imprecise.reason).toBe('the runtime reports one message for "uninitialized element" and "indirect call type mismatch" ("null function")');
  });

  it('exit codes are projected through the profile', () => {
    expect(verdictOf({ kind: 'exit', code: 300 }, { kind: 'exit', code: 300 })).toBe('pass');
    expect(verdictOf({ kind: 'exit', code: 300 }, { kind: 'exit', code: 44 }, profile('posix'))).toBe('pass');
    expect(verdictOf({ kind: 'exit', code: 300 }, { kind: 'exit', code: 300 }, profile('posix'))).toBe('fail');
    expect(verdictOf({ kind: 'exit', code: 125 }, { kind: 'exit', code: 125 }, profile('wasmtime'))).toBe('pass');
    expect(verdictOf({ kind: 'exit', code: 126 }, { kind: 'exit', code: 1 }, profile('wasmtime'))).toBe('pass');
    expect(outcomeVerdict({ kind: 'exit', code: 126 }, { kind: 'exit', code: 126 }, profile('wasmtime')).reason).toBe("expected exit 1 (proc_exit(126) under test's rules), observed exit 126");
    expect(outcomeVerdict({ kind: 'exit', code: 3 }, { kind: 'exit', code: 4 }, P).reason).toBe('expected exit 3, observed exit 4');
    expect(verdictOf({ kind: 'exit', code: 0 }, { kind: 'trap', trap: ['unreachable'], message: '' })).toBe('fail');
  });

  it('a process exit status (wasi-testsuite) is compared as is, never projected', () => {
    expect(verdictOf({ kind: 'exit', code: 300, process: true }, { kind: 'exit', code: 300 }, profile('posix'))).toBe('pass');
    expect(verdictOf({ kind: 'exit', code: 300, process: true }, { kind: 'exit', code: 44 }, profile('posix'))).toBe('fail');
  });

  it('rejected: same stage, or a compile-time rejection for malformed/invalid, never for unlinkable', () => {
    expect(verdictOf({ kind: 'rejected', stage: 'invalid' }, { kind: 'rejected', stage: 'invalid', message: '' })).toBe('pass');
    expect(verdictOf({ kind: 'rejected', stage: 'invalid' }, { kind: 'rejected', stage: 'malformed', message: '' })).toBe('fail');
    expect(verdictOf({ kind: 'rejected', stage: 'malformed' }, { kind: 'rejected', stage: 'compile', message: '' })).toBe('pass');
    expect(verdictOf({ kind: 'rejected', stage: 'unlinkable' }, { kind: 'rejected', stage: 'compile', message: '' })).toBe('fail');
    expect(verdictOf({ kind: 'rejected', stage: 'invalid' }, { kind: 'return', values: [] })).toBe('fail');
  });

  it('suspended (with or without a point), and the kinds compared by kind alone', () => {
    expect(verdictOf({ kind: 'suspended' }, { kind: 'suspended', at: 'fuel' })).toBe('pass');
    expect(verdictOf({ kind: 'suspended', at: 'host' }, { kind: 'suspended', at: 'host' })).toBe('pass');
    expect(verdictOf({ kind: 'suspended', at: 'host' }, { kind: 'suspended', at: 'entry' })).toBe('fail');
    expect(verdictOf({ kind: 'suspended' }, { kind: 'cancelled' })).toBe('fail');
    for (const kind of ['deadlock', 'timeout', 'cancelled', 'host-error'] as const) {
      const same: Outcome = kind === 'timeout' ? { kind, budgetMs: 1 } : kind === 'host-error' ? { kind, message: 'x' } : ({ kind } as Outcome);
      expect([kind, verdictOf({ kind }, same)]).toEqual([kind, 'pass']);
      expect([kind, verdictOf({ kind }, { kind: 'exit', code: 0 })]).toEqual([kind, 'fail']);
    }
  });
});

describe('stateVerdict', () => {
  const obs = (o: Partial<StepObservation>): StepObservation => ({ outcome: { kind: 'return', values: [] }, ...o });

  it('memory regions: equal, different, not read', () => {
    const exp: Expectation = { memory: [{ offset: 8, hex: '0102' }] };
    expect(stateVerdict(exp, obs({ memory: [{ offset: 8, hex: '0102' }] }))).toBeUndefined();
    expect(stateVerdict(exp, obs({ memory: [{ offset: 8, hex: '0103' }] }))?.reason).toBe('memory at 8 differs: expected 0102, observed 0103');
    expect(stateVerdict(exp, obs({ memory: [{ offset: 0, hex: '0102' }] }))?.reason).toBe('memory at 8 differs: expected 0102, observed not read');
  });

  it('globals: equal, NaN class, different, missing', () => {
    expect(stateVerdict({ globals: { g: v('f32', 'nan:canonical') } }, obs({ globals: { g: v('f32', 'nan:0x7fc00000') } }))).toBeUndefined();
    expect(stateVerdict({ globals: { g: v('i32', '1') } }, obs({ globals: { g: v('i32', '2') } }))?.reason).toBe('global g differs: expected i32:1, observed i32:2');
    expect(stateVerdict({ globals: { g: v('i32', '1') } }, obs({}))?.reason).toBe('global g differs: expected i32:1, observed missing');
  });

  it('fuel: equal, different, not metered', () => {
    expect(stateVerdict({ fuel: 5 }, obs({ fuel: 5 }))).toBeUndefined();
    expect(stateVerdict({ fuel: 5 }, obs({ fuel: 4 }))?.reason).toBe('remaining fuel differs: expected 5, observed 4');
    expect(stateVerdict({ fuel: 5 }, obs({}))?.reason).toBe('remaining fuel differs: expected 5, observed not metered');
  });

  it('text-prefix output: the stream read as text must start with the expected text', () => {
    expect(stateVerdict({ stdout: 'a\nb\n', output: 'text-prefix' }, obs({ stdout: 'a\r\nb\rmore' }))).toBeUndefined();
    expect(stateVerdict({ stdout: 'a\nb\n', output: 'text-prefix' }, obs({ stdout: 'a\nc\n' }))?.verdict).toBe('fail');
    expect(stateVerdict({ stdout: 'a\n' }, obs({ stdout: 'a\r\n' }))?.verdict).toBe('fail');
  });

  it('stdout and stderr only when the expectation names them', () => {
    expect(stateVerdict({}, obs({ stdout: 'anything' }))).toBeUndefined();
    expect(stateVerdict({ stdout: 'a\n' }, obs({ stdout: 'a\n' }))).toBeUndefined();
    expect(stateVerdict({ stderr: 'x' }, obs({}))?.reason).toBe('stderr differs: expected "x", observed ""');
  });

  it('processes: count, existence, end, trap, code, mailbox as a multiset, memory', () => {
    const dead = { pid: 2, state: 'dead' as const, reason: 'failure' as const, cause: 'trap' as const, trap: ['unreachable' as const], mailbox: [{ kind: 'data' as const, tag: '1' }, { kind: 'link-died' as const, tag: '0' }], memory: [{ offset: 0, hex: 'aa' }] };
    const want = [{ pid: 2, state: 'dead' as const, cause: 'trap' as const, trap: 'unreachable' as const, mailbox: [{ kind: 'link-died' as const, tag: '0' }, { kind: 'data' as const, tag: '1' }], memory: [{ offset: 0, hex: 'aa' }] }];
    expect(processesVerdict(want, [dead])).toBeUndefined();
    expect(processesVerdict(want, [])?.reason).toBe('processes: expected 1, observed 0 (pids )');
    expect(processesVerdict(want, [{ ...dead, pid: 3 }])?.reason).toBe('process 2: expected to exist, observed missing');
    expect(processesVerdict(want, [{ ...dead, cause: 'exit' }])?.reason).toBe('process 2: expected dead trap, observed dead failure exit');
    expect(processesVerdict(want, [{ ...dead, trap: ['integer overflow'] }])?.reason).toBe('process 2 trap: expected "unreachable", observed "integer overflow"');
    expect(processesVerdict([{ pid: 2, code: 3 }], [{ ...dead, code: 4 }])?.reason).toBe('process 2 exit code: expected 3, observed 4');
    expect(processesVerdict(want, [{ ...dead, mailbox: [{ kind: 'data', tag: '1' }] }])?.reason).toBe('process 2 mailbox: expected [data:1, link-died:0], observed [data:1]');
    expect(processesVerdict(want, [{ ...dead, memory: [{ offset: 0, hex: 'ab' }] }])?.reason).toBe('process 2 memory[0]: expected aa, observed ab');
    expect(stateVerdict({ processes: want }, obs({ processes: [] }))?.verdict).toBe('fail');
  });
});

const CASE: Case = {
  id: 'fam/1/0',
  family: 'fam',
  features: [],
  modules: [],
  tags: { site: 'i32.div_s' },
  provenance: { kind: 'hand-written', note: 'judge test' },
  steps: [
    { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
    { op: 'invoke', export: 'run', expect: { outcome: { kind: 'trap', trap: 'integer overflow' }, globals: { g: v('i32', '1') } } },
    { op: 'invoke', export: 'probe', expect: { outcome: { kind: 'return', values: [v('i32', '7')] } } },
  ],
};
const ok: StepObservation = { outcome: { kind: 'return', values: [] } };
const trapped = (kinds: Outcome & { kind: 'trap' } extends infer T ? T : never): StepObservation => ({ outcome: kinds, globals: { g: v('i32', '1') } });
const observation = (...steps: StepObservation[]): Observation => ({ steps, stdout: '', stderr: '' });
const overflow = trapped({ kind: 'trap', trap: ['integer overflow'], message: 'm' });
const seven: StepObservation = { outcome: { kind: 'return', values: [v('i32', '7')] } };

describe('divergenceFor', () => {
  const step: Step = CASE.steps[1]!;
  const d = (match: KnownDivergence['match']): KnownDivergence => ({ id: 'd', match, reason: 'r', link: 'l' });
  const found = (match: KnownDivergence['match'], observed: Outcome = { kind: 'exit', code: 1 }, mismatch: 'outcome' | 'state' = 'outcome'): boolean =>
    divergenceFor(CASE, step, observed, profile('raw', [d(match)]), mismatch) !== undefined;

  it('every present field must match', () => {
    expect(found({})).toBe(true);
    expect(found({ family: 'fam' })).toBe(true);
    expect(found({ family: 'other' })).toBe(false);
    expect(found({ caseId: 'fam/1/0' })).toBe(true);
    expect(found({ caseId: 'fam/1/1' })).toBe(false);
    expect(found({ expected: 'trap' })).toBe(true);
    expect(found({ expected: 'exit' })).toBe(false);
    expect(found({ expectedTrap: 'integer overflow' })).toBe(true);
    expect(found({ expectedTrap: 'unreachable' })).toBe(false);
    expect(found({ observed: 'exit' })).toBe(true);
    expect(found({ observed: 'crash' })).toBe(false);
    expect(found({ tag: { site: 'i32.div_s' } })).toBe(true);
    expect(found({ tag: { site: 'i64.div_s' } })).toBe(false);
  });

  it('observedMessage: a regular expression over the runtime words', () => {
    const rejected: Outcome = { kind: 'rejected', stage: 'compile', message: 'initial table size (4294967295 elements) is larger than implementation limit' };
    expect(found({ observedMessage: '^initial table size' }, rejected)).toBe(true);
    expect(found({ observedMessage: '^memory' }, rejected)).toBe(false);
    expect(found({ observedMessage: 'lost the exit code' }, { kind: 'crash', detail: 'iwasm lost the exit code' })).toBe(true);
    expect(found({ observedMessage: '.' }, { kind: 'exit', code: 1 })).toBe(false);
  });

  it('a state divergence never covers an outcome mismatch, and the reverse', () => {
    expect(found({ mismatch: 'state' }, undefined, 'state')).toBe(true);
    expect(found({ mismatch: 'state' }, undefined, 'outcome')).toBe(false);
    expect(found({ mismatch: 'outcome' }, undefined, 'state')).toBe(false);
  });
});

describe('judge', () => {
  it('passes when every step matches', () => {
    expect(judge(CASE, observation(ok, overflow, seven), P)).toEqual({ verdict: 'pass' });
  });

  it('a step that never ran is a failure at that step', () => {
    const r = judge(CASE, observation(ok, overflow), P);
    expect(r).toMatchObject({ verdict: 'fail', step: 2, observed: 'step never ran' });
    expect(r.reason).toBe('step 2 (invoke) never ran: the case ended after step 1');
  });

  it('a state mismatch after a matching outcome fails, and stops the case', () => {
    const r = judge(CASE, observation(ok, { ...overflow, globals: { g: v('i32', '2') } }, { outcome: { kind: 'exit', code: 1 } }), P);
    expect(r).toMatchObject({ verdict: 'fail', step: 1, expected: 'global g = i32:1' });
  });

  it('known divergences: by outcome, and by state only when declared for state', () => {
    const byOutcome = profile('raw', [{ id: 'kd-outcome', match: { expectedTrap: 'integer overflow', observed: 'exit' }, reason: 'why', link: 'https://x' }]);
    const r = judge(CASE, observation(ok, { outcome: { kind: 'exit', code: 1 } }, seven), byOutcome);
    expect(r).toMatchObject({ verdict: 'known-divergence', step: 1, divergence: 'kd-outcome', reason: 'why (https://x)' });
    // a divergence does not excuse the steps after it: one that never ran still fails
    expect(judge(CASE, observation(ok, { outcome: { kind: 'exit', code: 1 } }), byOutcome)).toMatchObject({ verdict: 'fail', step: 2 });
    const stateOnly = profile('raw', [{ id: 'kd-state', match: { mismatch: 'state' }, reason: 'why', link: 'l' }]);
    const wrongGlobal: StepObservation = { ...overflow, globals: { g: v('i32', '9') } };
    expect(judge(CASE, observation(ok, wrongGlobal, seven), stateOnly)).toMatchObject({ verdict: 'known-divergence', divergence: 'kd-state' });
    expect(judge(CASE, observation(ok, { outcome: { kind: 'exit', code: 1 } }), stateOnly)).toMatchObject({ verdict: 'fail', step: 1 });
  });

  it('the most severe step decides: fail > skip > imprecise > known divergence > pass', () => {
    const kd = profile('raw', [{ id: 'kd', match: { expected: 'return', observed: 'return' }, reason: 'r', link: 'l' }]);
    const wrongProbe: StepObservation = { outcome: { kind: 'return', values: [v('i32', '8')] } };
    const foldedTrap = trapped({ kind: 'trap', trap: ['integer overflow', 'invalid conversion to integer'], message: 'm' });
    expect(judge(CASE, observation(ok, overflow, wrongProbe), kd).verdict).toBe('known-divergence');
    expect(judge(CASE, observation(ok, foldedTrap, wrongProbe), kd)).toMatchObject({ verdict: 'imprecise', step: 1 });
    expect(judge(CASE, observation(ok, foldedTrap, { outcome: { kind: 'unsupported', feature: 'x' } }), kd)).toMatchObject({ verdict: 'skip', step: 2 });
    expect(judge(CASE, observation(ok, foldedTrap, wrongProbe), P)).toMatchObject({ verdict: 'fail', step: 2 });
  });

  it('state a runtime cannot observe after a step is a skip, never a pass; its outcome is still judged', () => {
    const unseen = (o: Outcome): StepObservation => ({ outcome: o, unobservable: 'the process ended at the trap' });
    expect(judge(CASE, observation(ok, unseen({ kind: 'trap', trap: ['integer overflow'], message: '' }), seven), P)).toEqual({
      verdict: 'skip',
      step: 1,
      reason: 'the outcome fits the expectation; the state after it is not observable: the process ended at the trap',
    });
    expect(judge(CASE, observation(ok, unseen({ kind: 'trap', trap: ['unreachable'], message: '' }), seven), P)).toMatchObject({ verdict: 'fail', step: 1 });
    // a step that names no instance state is judged whole
    const noState: Case = { ...CASE, steps: [CASE.steps[0]!, { ...CASE.steps[1]!, expect: { outcome: { kind: 'trap', trap: 'integer overflow' }, stdout: 'x' } }] };
    expect(judge(noState, observation(ok, { ...unseen({ kind: 'trap', trap: ['integer overflow'], message: '' }), stdout: 'x' }), P)).toEqual({ verdict: 'pass' });
    expect(judge(noState, observation(ok, { ...unseen({ kind: 'trap', trap: ['integer overflow'], message: '' }), stdout: 'y' }), P)).toMatchObject({ verdict: 'fail', step: 1 });
  });

  it('a skipped step ends the case; a step without an expected outcome passes unless unsupported', () => {
    const noOutcome: Case = { ...CASE, steps: [{ op: 'instantiate', expect: {} }, CASE.steps[2]!] };
    expect(judge(noOutcome, observation({ outcome: { kind: 'crash', detail: 'x' } }, seven), P)).toEqual({ verdict: 'pass' });
    expect(judge(noOutcome, observation({ outcome: { kind: 'unsupported', feature: 'gc' } }, { outcome: { kind: 'exit', code: 9 } }), P)).toEqual({ verdict: 'skip', step: 0, reason: 'unsupported: gc' });
  });
});
