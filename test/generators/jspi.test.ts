/**
 * The jspi family: each scenario's steps say what its row of issue #17 claims (checked on the
 * steps themselves), and its cases pass on the Asyncify host in process, where a planted wrong
 * expectation fails. (Determinism, validation and declared-tag coverage: generators.test.ts; 300
 * cases on the reference runtime: reference.test.ts; the JSPI engines: test/runtimes/jspi.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { jspi } from '../../generators/jspi.ts';
import type { JspiParams } from '../../generators/jspi.ts';
import { SCENARIOS } from '../../generators/jspi/steps.ts';
import type { Case, Step } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';

const profile = loadReferenceProfile();
const BASE: JspiParams = { scenario: 'trap-after-resume', marker: 0x5eed, depth: 5, deepDepth: 600, suspension: 1, resumeValue: 40, trap: 'div-zero', reject: true, calls: 1000, budgetPick: 7, grantPick: 3 };
const build = (p: Partial<JspiParams>): Case => jspi.build({ ...BASE, ...p }, { seed: 0, path: 'test' });
const ops = (c: Case): string[] => c.steps.map((s) => s.op);
const outcome = (s: Step | undefined) => s?.expect.outcome;
const runOnReference = (c: Case) => judge(c, executeCase(toPoolCase(c), { calls: callRuntime }), profile);

describe('jspi family: what each scenario claims', () => {
  it('trap-after-resume: parks in block with only the marker written, the resumed call stores value + depth then traps', () => {
    const c = build({});
    expect(ops(c)).toEqual(['instantiate', 'call', 'resume', 'call', 'cancel', 'call', 'instantiate', 'call']);
    expect(outcome(c.steps[1])).toEqual({ kind: 'suspended', at: 'host' });
    // guest pattern, marker 0x5eed at 16, nothing at 20 and 24 yet
    expect(c.steps[1]!.expect.memory![0]!.hex.slice(32)).toBe('ed5e0000' + '00000000' + '00000000' + '00000000');
    expect(outcome(c.steps[2])).toEqual({ kind: 'trap', trap: 'integer divide by zero' });
    expect(c.steps[2]!.expect.memory![0]!.hex.slice(32)).toBe('ed5e0000' + '28000000' + '2d000000' + '00000000');
    expect(c.steps[2]!.expect.globals).toEqual({ g: { type: 'i32', value: '1' } });
    expect(c.steps[4]).toMatchObject({ op: 'cancel', reject: true, expect: { outcome: { kind: 'cancelled' } } });
  });

  it('trap-while-suspended: the other export traps between the pause and the resume, whose result sees its bump', () => {
    const c = build({ scenario: 'trap-while-suspended', suspension: 2 });
    expect(ops(c).slice(0, 4)).toEqual(['instantiate', 'call', 'invoke', 'resume']);
    expect(outcome(c.steps[2])).toEqual({ kind: 'trap', trap: 'unreachable' });
    expect(outcome(c.steps[3])).toEqual({ kind: 'return', values: [{ type: 'i32', value: '2' }] });
  });

  it('exhaust-after-resume: the resumed stack runs out', () => {
    expect(outcome(build({ scenario: 'exhaust-after-resume' }).steps[2])).toEqual({ kind: 'trap', trap: 'call stack exhausted' });
  });

  it('mass-abandon: a thousand parked calls, a thousand cancels (one in two rejected), then a call returns', () => {
    const c = build({ scenario: 'mass-abandon' });
    expect(c.steps.filter((s) => s.op === 'call' && s.pauseAt !== undefined)).toHaveLength(1000);
    const cancels = c.steps.filter((s) => s.op === 'cancel') as Array<Step & { reject?: boolean }>;
    expect(cancels).toHaveLength(1000);
    expect(cancels.filter((s) => s.reject)).toHaveLength(500);
    expect(outcome(c.steps[c.steps.length - 3])).toEqual({ kind: 'return', values: [{ type: 'i32', value: '1' }] });
  });

  it('fuel-suspension: parks at the fuel hook inside the recursion, with the marker written and nothing after it', () => {
    const c = build({ scenario: 'fuel-suspension' });
    expect(c.features).toContain('fuel');
    expect(outcome(c.steps[1])).toEqual({ kind: 'suspended', at: 'fuel' });
    expect(c.steps[1]!.expect.fuel).toBe(0);
    expect(c.steps[1]!.expect.memory![0]!.hex.slice(32, 40)).toBe('ed5e0000');
  });
});

describe('jspi family on the Asyncify host', () => {
  it.each(SCENARIOS.filter((s) => s !== 'mass-abandon'))('%s passes in process (both pause points, both cancels)', (scenario) => {
    for (const suspension of [1, 2] as const) {
      const c = build({ scenario, suspension, reject: suspension === 2 });
      expect(runOnReference(c), `${scenario} at suspension ${suspension}`).toMatchObject({ verdict: 'pass' });
    }
  });

  it('a wrong resume value in the model is caught', () => {
    const c = build({});
    const resume = c.steps[2] as Extract<Step, { op: 'resume' }>;
    const planted: Case = { ...c, steps: c.steps.map((s) => (s === resume ? { ...resume, value: resume.value! + 1 } : s)) };
    const v = runOnReference(planted);
    expect(v.verdict).toBe('fail');
    expect(v.step).toBe(2);
  });
});
