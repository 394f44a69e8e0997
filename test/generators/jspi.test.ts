/**
 * The jspi family: each scenario's steps say what its row of issue #17 claims (checked on the
 * steps themselves), and its cases pass on the Asyncify host in process, where a planted wrong
 * expectation fails. (Determinism, validation and declared-tag coverage: generators.test.ts; 300
 * cases on the reference runtime: reference.test.ts; the JSPI engines: test/runtimes/jspi.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import { jspi, SCENARIOS as ROWS } from '../../generators/jspi.ts';
import type { JspiParams } from '../../generators/jspi.ts';
import { outerMark } from '../../generators/jspi/refusal.ts';
import { SCENARIOS } from '../../generators/jspi/steps.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
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

/** Issue #17's abnormal-path rows, each as the `scenario` tag that marks it in report.json. */
const ISSUE_ROWS = ['through-js-frame', 'outside-promising', 'trap-after-resume', 'trap-while-suspended', 'deep-suspension', 'exhaust-after-resume', 'mass-abandon', 'fuel-suspension'];

describe('jspi family: the JSPI-only refusals (SuspendError)', () => {
  const hexAt = (c: Case, step: number): string => c.steps[step]!.expect.memory![0]!.hex.slice(32);

  it('through-js-frame: outer is refused at its first suspending import, keeping what ran before it; then a call parks and resumes, and outer is refused again, also on a fresh instance', () => {
    const c = build({ scenario: 'through-js-frame', suspension: 2, resumeValue: 40 });
    expect(c.features).toEqual(['mutable-globals', 'jspi']);
    expect(c.tags).toMatchObject({ scenario: 'through-js-frame', mechanism: 'jspi-only' });
    expect(ops(c)).toEqual(['instantiate', 'call', 'call', 'resume', 'call', 'instantiate', 'call']);
    const mark = (outerMark(0x5eed) >>> 0).toString(16).match(/../g)!.reverse().join('');
    // refused: outer's write at 28 and inner's bump happened, block never ran (nothing at 20)
    expect(c.steps[1]).toMatchObject({ export: 'outer', expect: { outcome: { kind: 'host-error' }, globals: { g: { value: '1' } } } });
    expect(hexAt(c, 1)).toBe('00000000'.repeat(3) + mark);
    // usable: run parks at the yield (block returned 0 there), resumes and returns g = 2
    expect(outcome(c.steps[2])).toEqual({ kind: 'suspended', at: 'host' });
    expect(outcome(c.steps[3])).toEqual({ kind: 'return', values: [{ type: 'i32', value: '2' }] });
    expect(c.steps[4]).toMatchObject({ export: 'outer', expect: { outcome: { kind: 'host-error' }, globals: { g: { value: '3' } } } });
    expect(c.steps[6]).toMatchObject({ instance: 'fresh', expect: { outcome: { kind: 'host-error' }, globals: { g: { value: '1' } } } });
  });

  it('outside-promising: the start function makes instantiation fail twice, then another module parks and resumes', () => {
    const c = build({ scenario: 'outside-promising', suspension: 1, resumeValue: 40 });
    expect(c.modules).toHaveLength(2);
    expect(c.steps.slice(0, 3).map((s) => [s.op, (s as { module?: number }).module, outcome(s)?.kind])).toEqual([
      ['instantiate', 0, 'host-error'],
      ['instantiate', 0, 'host-error'],
      ['instantiate', 1, 'return'],
    ]);
    expect(c.steps[4]).toMatchObject({ op: 'resume', value: 40, expect: { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] } } });
    // block parked and got the resume value 40 (0x28) at 20; run's result 40 + depth 5 (0x2d) at 24
    expect(hexAt(c, 4).slice(8, 24)).toBe('28000000' + '2d000000');
  });

  it('the reference runtime (Asyncify) lacks the jspi feature, so it skips them and runs every other row', () => {
    const rt = createReferenceRuntime();
    try {
      expect(missingCapability(build({ scenario: 'outside-promising' }), rt.capabilities)).toBe('feature jspi');
      expect(missingCapability(build({ scenario: 'through-js-frame' }), rt.capabilities)).toBe('feature jspi');
      expect(missingCapability(build({}), rt.capabilities)).toBeUndefined();
    } finally {
      void rt.close();
    }
  });
});

describe('jspi family: coverage of issue #17', () => {
  it('emits every abnormal-path row of the issue, tagged, within 120 draws of seed 1', () => {
    expect([...ROWS].sort()).toEqual([...ISSUE_ROWS].sort());
    const seen = new Set(Array.from({ length: 120 }, (_, i) => generateCase('jspi', 1, i).tags?.['scenario']));
    expect(ISSUE_ROWS.filter((r) => !seen.has(r))).toEqual([]);
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
