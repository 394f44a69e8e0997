/**
 * Allowed-outcome sets (`Expectation.anyOf`): a member passes only when its outcome and its streams
 * both match; everything outside the set (a hang, a mixed exit code, output a racing thread should
 * have prevented) fails with the whole set in the message; case files with a malformed set are
 * refused with a one-line error naming the JSON path.
 */
import { describe, expect, it } from 'vitest';
import type { AllowedOutcome, Case, Expectation } from '../src/case.ts';
import { parseCaseFile } from '../src/case.ts';
import { TrapcheckError } from '../src/errors.ts';
import { judge } from '../src/judge.ts';
import type { Observation, StepObservation } from '../src/observation.ts';
import type { Outcome } from '../src/outcome.ts';
import type { Profile } from '../src/profile.ts';

const P: Profile = { runtime: 'test', versions: 'any', exitCodes: { trap: 1, exit: 'raw' }, instanceAfterTrap: 'usable', knownDivergences: [], sources: [] };

/** Two terminators race: thread 1 writes "a\n" then exits 3, thread 2 traps; main never writes. */
const RACE: AllowedOutcome[] = [
  { outcome: { kind: 'exit', code: 3 }, stdout: 'a\n' },
  { outcome: { kind: 'trap', trap: 'unreachable' }, stdout: '' },
  { outcome: { kind: 'trap', trap: 'unreachable' }, stdout: 'a\n' },
];

function raceCase(expect: Expectation): Case {
  return {
    id: 'race',
    family: 'thread-race',
    modules: [],
    features: ['threads', 'wasi', 'wasi-threads'],
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }, { op: 'start', expect }],
    provenance: { kind: 'hand-written', note: 'test' },
  };
}
/** A run whose start step ended with `end`; the step itself captured no streams (it states none). */
function ran(end: Outcome, stdout: string, stderr = '', startObs: Partial<StepObservation> = {}): Observation {
  return { steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: end, ...startObs }], stdout, stderr };
}
const trap = (message = 'unreachable'): Outcome => ({ kind: 'trap', trap: ['unreachable'], message });

describe('judging an allowed set', () => {
  it('passes any member, outcome and stream both', () => {
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'exit', code: 3 }, 'a\n'), P).verdict).toBe('pass');
    expect(judge(raceCase({ anyOf: RACE }), ran(trap(), ''), P).verdict).toBe('pass');
    expect(judge(raceCase({ anyOf: RACE }), ran(trap(), 'a\n'), P).verdict).toBe('pass');
  });

  it('fails an exit whose output a racing thread should have prevented, naming the set and what was seen', () => {
    // exit 3 always follows the write of "a\n": an exit 3 with no output is no interleaving's end
    const v = judge(raceCase({ anyOf: RACE }), ran({ kind: 'exit', code: 3 }, ''), P);
    expect(v).toMatchObject({ verdict: 'fail', step: 1 });
    expect(v.reason).toBe('expected one of {exit 3, stdout "a\\n"} | {trap "unreachable", stdout ""} | {trap "unreachable", stdout "a\\n"}, observed exit 3, stdout ""');
    expect(v.expected).toBe('one of {exit 3, stdout "a\\n"} | {trap "unreachable", stdout ""} | {trap "unreachable", stdout "a\\n"}');
  });

  it('fails a mixed exit code, a hang, a deadlock and a trap of another kind', () => {
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'exit', code: 1 }, 'a\n'), P).verdict).toBe('fail');
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'timeout', budgetMs: 5000 }, 'a\n'), P).observed).toBe('timeout after 5000 ms, stdout "a\\n"');
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'deadlock' }, ''), P).verdict).toBe('fail');
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'trap', trap: ['integer overflow'], message: '' }, ''), P).verdict).toBe('fail');
  });

  it('compares the step’s own captured stream when it has one, not the case’s whole output', () => {
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'exit', code: 3 }, 'a\n', '', { stdout: 'b\n' }), P).verdict).toBe('fail');
  });

  it('a member without streams leaves them unchecked; stderr is compared like stdout', () => {
    const set: AllowedOutcome[] = [{ outcome: { kind: 'exit', code: 0 } }, { outcome: { kind: 'exit', code: 2 }, stderr: 'x' }];
    expect(judge(raceCase({ anyOf: set }), ran({ kind: 'exit', code: 0 }, 'anything', 'at all'), P).verdict).toBe('pass');
    expect(judge(raceCase({ anyOf: set }), ran({ kind: 'exit', code: 2 }, '', 'x'), P).verdict).toBe('pass');
    expect(judge(raceCase({ anyOf: set }), ran({ kind: 'exit', code: 2 }, '', 'y'), P).reason).toBe('expected one of {exit 0} | {exit 2, stderr "x"}, observed exit 2, stderr "y"');
  });

  it('an engine that folds trap kinds is imprecise, not a pass; unsupported is a skip', () => {
    const folded: Outcome = { kind: 'trap', trap: ['unreachable', 'integer overflow'], message: 'trap' };
    expect(judge(raceCase({ anyOf: RACE }), ran(folded, ''), P).verdict).toBe('imprecise');
    expect(judge(raceCase({ anyOf: RACE }), ran({ kind: 'unsupported', feature: 'wasi-threads' }, ''), P)).toMatchObject({ verdict: 'skip', reason: 'unsupported: wasi-threads' });
  });

  it('exit codes of members follow the runtime’s exit rules, as `outcome` does', () => {
    // wasmtime's CLI reports proc_exit(300) as status 1
    const wasmtime: Profile = { ...P, exitCodes: { trap: 1, exit: 'wasmtime' } };
    const set: AllowedOutcome[] = [{ outcome: { kind: 'exit', code: 3 } }, { outcome: { kind: 'exit', code: 300 } }];
    expect(judge(raceCase({ anyOf: set }), ran({ kind: 'exit', code: 1 }, ''), wasmtime).verdict).toBe('pass');
    expect(judge(raceCase({ anyOf: set }), ran({ kind: 'exit', code: 1 }, ''), P).verdict).toBe('fail');
  });

  it('a case without anyOf is judged exactly as before', () => {
    expect(judge(raceCase({ outcome: { kind: 'exit', code: 3 }, stdout: 'a\n' }), ran({ kind: 'exit', code: 3 }, 'a\n', '', { stdout: 'a\n' }), P).verdict).toBe('pass');
    expect(judge(raceCase({ outcome: { kind: 'exit', code: 3 } }), ran(trap(), ''), P).reason).toBe('expected exit 3, observed trap "unreachable"');
  });
});

describe('validating an allowed set in a case file', () => {
  const file = (expectation: unknown): unknown => ({
    schema: 'trapcheck.case/1',
    id: 'x',
    family: 'thread-race',
    module: 'x.wat',
    features: ['wasi'],
    steps: [{ op: 'start', expect: expectation }],
    provenance: { kind: 'hand-written', note: 'n' },
  });
  const problem = (expectation: unknown): string => {
    try {
      parseCaseFile(file(expectation), 'x.json');
    } catch (e) {
      expect(e).toBeInstanceOf(TrapcheckError);
      expect((e as TrapcheckError).code).toBe('INVALID_CASE');
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts a well-formed set', () => {
    expect(problem({ anyOf: [{ outcome: { kind: 'exit', code: 1 }, stdout: 'a' }, { outcome: { kind: 'deadlock' } }] })).toBe('accepted');
  });

  it('refuses an empty or non-array set, a set beside outcome or streams, and malformed members, naming the path', () => {
    expect(problem({ anyOf: [] })).toBe('x.json: $.steps[0].expect.anyOf must be a non-empty array of {outcome, stdout?, stderr?}');
    expect(problem({ anyOf: { outcome: { kind: 'deadlock' } } })).toBe('x.json: $.steps[0].expect.anyOf must be a non-empty array of {outcome, stdout?, stderr?}');
    expect(problem({ outcome: { kind: 'deadlock' }, stdout: '', anyOf: [{ outcome: { kind: 'deadlock' } }] })).toBe('x.json: $.steps[0].expect.anyOf replaces outcome, stdout: state them in each member instead');
    expect(problem({ anyOf: [{ stdout: 'a' }] })).toBe('x.json: $.steps[0].expect.anyOf[0].outcome is missing');
    expect(problem({ anyOf: [{ outcome: { kind: 'exit', code: 1.5 } }] })).toBe('x.json: $.steps[0].expect.anyOf[0].outcome.code must be an integer');
    expect(problem({ anyOf: [{ outcome: { kind: 'exit', code: 1 }, stdout: 7 }] })).toBe('x.json: $.steps[0].expect.anyOf[0].stdout must be a string');
    expect(problem({ anyOf: [{ outcome: { kind: 'exit', code: 1 }, memory: [] }] })).toBe('x.json: $.steps[0].expect.anyOf[0].memory is not a member field (outcome, stdout, stderr)');
  });
});
