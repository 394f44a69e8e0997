/**
 * The component state machine, row by row (instance-semantics.md §7.1), on the reference
 * executor in-process. Outcomes are spelled out here, not taken from the generator's model.
 * Guest: k = 10, so f(x) = x + 10; f(0) traps in the body, f(1) traps in post-return, f(2)'s
 * post-return calls `log`; realloc traps for 7-byte strings and calls `log` for 5-byte ones.
 */
import { describe, expect, it } from 'vitest';
import type { ComponentProfile } from '../../src/case.ts';
import type { ReentryRuleSet } from '../../src/component/rules.ts';
import { PROFILE_RULES } from '../../src/component/rules.ts';
import type { Step } from '../../src/case.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';
import { Driver, guestCase, short, u32 } from './helpers.ts';

const ENTER = 'trap cannot enter component instance';
const LEAVE = 'trap cannot leave component instance';
const PROFILES: ComponentProfile[] = ['spec', 'wasmtime-legacy', 'wasmtime-store'];
/**
 * The re-entry rule set each profile must follow, spelled out (not read from rules.ts): the spec
 * since CM PR #705 allows re-entry; wasmtime keeps the may_enter trap.
 */
const REENTRY: Record<ComponentProfile, ReentryRuleSet> = { spec: 'reentrant-2026', 'wasmtime-legacy': 'may-enter-2025', 'wasmtime-store': 'may-enter-2025' };
const ret = (v: number): string => `return ${v}`;

describe('C1: sequential calls, post-return once per call', () => {
  it.each(['spec', 'wasmtime-store'] as const)('%s: post-return runs inside each call, with that call\'s result', (profile) => {
    const d = new Driver(guestCase(profile, {}));
    d.inst('a');
    expect(short(d.call('a', 'f', 5))).toBe(ret(15));
    expect(short(d.call('a', 's', 'abc'))).toBe(ret(((3 << 8) | 0x61) + 10));
    expect(short(d.call('a', 'f', 6))).toBe(ret(16));
    expect(d.counters('a')).toMatchObject({ calls: 3, postF: 2, postS: 1, realloc: 1, lastPost: 16, bump: 1027 });
  });
  it('wasmtime-legacy: the embedder runs post-return between calls', () => {
    const d = new Driver(guestCase('wasmtime-legacy', {}));
    d.inst('a');
    expect(short(d.call('a', 'f', 5))).toBe(ret(15));
    expect(d.counters('a').postF).toBe(0);
    expect(short(d.post('a', 'f'))).toBe('return');
    expect(short(d.call('a', 'f', 6))).toBe(ret(16));
    expect(short(d.post('a', 'f'))).toBe('return');
    expect(d.counters('a')).toMatchObject({ calls: 2, postF: 2, lastPost: 16 });
  });
});

describe('C2: second call before post-return (wasmtime-legacy)', () => {
  it('traps without poisoning; post-return restores entry; a stray post-return is a host bug', () => {
    const d = new Driver(guestCase('wasmtime-legacy', {}));
    d.inst('a');
    expect(short(d.call('a', 'f', 5))).toBe(ret(15));
    expect(short(d.call('a', 'f', 6))).toBe(ENTER);
    expect(short(d.post('a', 's'))).toBe('host-error');
    expect(short(d.post('a', 'f'))).toBe('return');
    expect(short(d.post('a', 'f'))).toBe('host-error');
    expect(short(d.call('a', 'f', 6))).toBe(ret(16));
    expect(d.counters('a')).toMatchObject({ calls: 2, postF: 1 });
  });
  it('the other profiles have no explicit post-return', () => {
    const spec = new Driver(guestCase('spec', {}));
    spec.inst('a');
    expect(short(spec.post('a', 'f'))).toMatch(/^unsupported/);
    const store = new Driver(guestCase('wasmtime-store', {}));
    store.inst('a');
    expect(short(store.post('a', 'f'))).toBe('return');
  });
});

describe.each(PROFILES)('C3 / C12 / C4 under %s', (profile) => {
  const legacy = profile === 'wasmtime-legacy';
  it('C3 body trap poisons; C4 the other instance only in wasmtime-store; a fresh instance', () => {
    const d = new Driver(guestCase(profile, {}));
    d.inst('a');
    d.inst('b');
    expect(short(d.call('a', 'f', 0))).toBe('trap unreachable');
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
    expect(d.counters('a')).toMatchObject({ calls: 1, postF: 0 });
    expect(short(d.call('b', 'f', 5))).toBe(profile === 'wasmtime-store' ? ENTER : ret(15));
    d.inst('c');
    expect(short(d.call('c', 'f', 7))).toBe(profile === 'wasmtime-store' ? ENTER : ret(17));
  });
  it('C3 realloc trap poisons before the body runs', () => {
    const d = new Driver(guestCase(profile, {}));
    d.inst('a');
    expect(short(d.call('a', 's', 'trapped'))).toBe('trap unreachable');
    expect(d.counters('a')).toMatchObject({ calls: 0, realloc: 1 });
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it('C12 post-return trap: no value, counted once, poisoned', () => {
    const d = new Driver(guestCase(profile, {}));
    d.inst('a');
    if (legacy) {
      expect(short(d.call('a', 'f', 1))).toBe(ret(11));
      expect(short(d.post('a', 'f'))).toBe('trap unreachable');
    } else expect(short(d.call('a', 'f', 1))).toBe('trap unreachable');
    expect(d.counters('a')).toMatchObject({ calls: 1, postF: 1, lastPost: 11 });
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
});

describe.each(PROFILES)('imports under %s', (profile) => {
  const legacy = profile === 'wasmtime-legacy';
  const sig = { params: ['u32' as const], results: ['u32' as const] };
  it('C11: post-return calling an import traps cannot leave', () => {
    const d = new Driver(guestCase(profile, {}, { log: { kind: 'return', params: [], results: [] } }));
    d.inst('a');
    if (legacy) {
      expect(short(d.call('a', 'f', 2))).toBe(ret(12));
      expect(short(d.post('a', 'f'))).toBe(LEAVE);
    } else expect(short(d.call('a', 'f', 2))).toBe(LEAVE);
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it('C13: realloc calling an import traps cannot leave', () => {
    const d = new Driver(guestCase(profile, {}, { log: { kind: 'return', params: [], results: [] } }));
    d.inst('a');
    expect(short(d.call('a', 's', 'héll'))).toBe(LEAVE);
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it('C6: a host error is host-error and poisons', () => {
    const d = new Driver(guestCase(profile, {}, { hop: { kind: 'throw', message: 'boom', ...sig } }));
    d.inst('a');
    d.inst('b');
    expect(short(d.call('a', 'h', 3))).toBe('host-error');
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
    expect(short(d.call('b', 'f', 5))).toBe(profile === 'wasmtime-store' ? ENTER : ret(15));
  });
  it(`C7 (${REENTRY[profile]}): host → A → host → A`, () => {
    const d = new Driver(guestCase(profile, {}, { hop: { kind: 'call', instance: 'a', export: 'f', ...sig } }));
    d.inst('a');
    if (REENTRY[profile] === 'reentrant-2026') {
      // CM #705: the inner f(3) = 13 runs with its post-return, then h returns 13 + 10
      expect(short(d.call('a', 'h', 3))).toBe(ret(23));
      expect(d.counters('a')).toMatchObject({ calls: 2, postF: 1, postH: 1, lastPost: 23 });
      expect(short(d.call('a', 'f', 5))).toBe(ret(15));
      return;
    }
    // may-enter-2025: the inner entry traps, the trap unwinds h and locks A down
    expect(short(d.call('a', 'h', 3))).toBe(ENTER);
    expect(d.counters('a')).toMatchObject({ calls: 1, postF: 0, postH: 0 });
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it(`C7 (${REENTRY[profile]}): a trap in the re-entered call still locks A down`, () => {
    const d = new Driver(guestCase(profile, {}, { hop: { kind: 'call', instance: 'a', export: 'f', ...sig } }));
    d.inst('a');
    // h(0) re-enters with f(0), whose body traps (reentrant-2026), or is refused (may-enter-2025)
    expect(short(d.call('a', 'h', 0))).toBe(REENTRY[profile] === 'reentrant-2026' ? 'trap unreachable' : ENTER);
    expect(d.counters('a')).toMatchObject({ calls: REENTRY[profile] === 'reentrant-2026' ? 2 : 1, postF: 0, postH: 0 });
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it('C8: host → A → host → B is allowed; B\'s post-return ran', () => {
    const d = new Driver(guestCase(profile, {}, { hop: { kind: 'call', instance: 'b', export: 'f', ...sig } }));
    d.inst('a');
    d.inst('b');
    expect(short(d.call('a', 'h', 3))).toBe(ret(23));
    expect(d.counters('b')).toMatchObject({ calls: 1, postF: 1, lastPost: 13 });
    if (legacy) expect(short(d.post('a', 'h'))).toBe('return');
    expect(d.counters('a')).toMatchObject({ calls: 1, postH: 1, lastPost: 23 });
  });
  it(`C9 (${REENTRY[profile]}): A → host → B → host → A`, () => {
    const d = new Driver(guestCase(profile, {}, { hop: { kind: 'call', instance: 'b', export: 'g', ...sig }, back: { kind: 'call', instance: 'a', export: 'f', ...sig } }));
    d.inst('a');
    d.inst('b');
    if (REENTRY[profile] === 'reentrant-2026') {
      // f(3) = 13 in A, g = 13 + 10 in B, h = 23 + 10 in A; nothing locked down
      expect(short(d.call('a', 'h', 3))).toBe(ret(33));
      expect(d.counters('a')).toMatchObject({ calls: 2, postF: 1, postH: 1, lastPost: 33 });
      expect(d.counters('b')).toMatchObject({ calls: 1, postF: 0 });
      expect(short(d.call('b', 'f', 5))).toBe(ret(15));
      expect(short(d.call('a', 'f', 6))).toBe(ret(16));
      return;
    }
    // may-enter-2025: the entry into A traps and locks down B and A as it unwinds
    expect(short(d.call('a', 'h', 3))).toBe(ENTER);
    expect(d.counters('b')).toMatchObject({ calls: 1 });
    expect(short(d.call('b', 'f', 5))).toBe(ENTER);
    expect(short(d.call('a', 'f', 5))).toBe(ENTER);
  });
  it(`C10 (${REENTRY[profile]}): a same-instance adapter runs (reentrant-2026) or traps (may-enter-2025); to another instance it works`, () => {
    const same = new Driver(guestCase(profile, {}, { hop: { kind: 'adapter', instance: 'a', export: 'f', ...sig } }));
    same.inst('a');
    const reentrant = REENTRY[profile] === 'reentrant-2026';
    expect(short(same.call('a', 'h', 3))).toBe(reentrant ? ret(23) : ENTER);
    expect(short(same.call('a', 'f', 3))).toBe(reentrant ? ret(13) : ENTER);
    const other = new Driver(guestCase(profile, {}, { hop: { kind: 'adapter', instance: 'b', export: 'f', ...sig } }));
    other.inst('a');
    other.inst('b');
    expect(short(other.call('a', 'h', 3))).toBe(ret(23));
    expect(other.counters('b')).toMatchObject({ postF: 1 });
  });
  it('exit: wasi:cli/exit ends the process with 0 / 1, and every later step repeats it', () => {
    for (const [arg, code] of [[0, 0], [1, 1]] as const) {
      const d = new Driver(guestCase(profile, {}, { exit: { kind: 'exit', params: ['u32'], results: [] } }));
      d.inst('a');
      expect(short(d.call('a', 'h', arg))).toBe(`exit ${code}`);
      expect(short(d.call('a', 'f', 5))).toBe(`exit ${code}`);
    }
  });
  it('exit: a result discriminant ≥ 2 traps while lifting (no exit) and locks the instance down', () => {
    const d = new Driver(guestCase(profile, {}, { exit: { kind: 'exit', params: ['u32'], results: [] } }));
    d.inst('a');
    expect(short(d.call('a', 'h', 9))).toBe('trap invalid variant discriminant');
    expect(short(d.call('a', 'f', 5))).toBe('trap cannot enter component instance');
  });
});

describe('case format', () => {
  it('a pause point without fuel / asyncify is unsupported and leaves the instance usable', () => {
    const d = new Driver(guestCase('spec', {}));
    d.inst('a');
    expect(short(d.step({ op: 'call', instance: 'a', export: 'f', args: [{ type: 'u32', value: '5' }], pauseAt: 'entry' }))).toMatch(/^unsupported/);
    expect(short(d.call('a', 'f', 5))).toBe(ret(15));
  });
  it('an unknown export is a crash of that step only', () => {
    const d = new Driver(guestCase('spec', {}));
    d.inst('a');
    expect(short(d.call('a', 'nope', 1))).toMatch(/^crash/);
    expect(short(d.call('a', 'f', 1 + 4))).toBe(ret(15));
  });
});

describe('re-entry rule sets (C7, C9, C10)', () => {
  it('each profile runs the rule set stated above (the executor reads PROFILE_RULES)', () => {
    for (const profile of PROFILES) expect(PROFILE_RULES[profile].reentry, profile).toBe(REENTRY[profile]);
  });
  it('reentrant-2026: a re-entered call of a string export works while the outer call is on the stack', () => {
    const sig = { params: ['u32' as const], results: ['u32' as const] };
    const d = new Driver(guestCase('spec', {}, { hop: { kind: 'call', instance: 'a', export: 'f', ...sig } }));
    d.inst('a');
    expect(short(d.call('a', 'h', 40))).toBe(ret(60));
    expect(short(d.call('a', 's', 'ab'))).toBe(ret(((2 << 8) | 0x61) + 10));
    expect(short(d.call('a', 'h', 41))).toBe(ret(61));
    expect(d.counters('a')).toMatchObject({ calls: 5, postF: 2, postH: 2, postS: 1, realloc: 1 });
  });
});

describe('re-entry into an instance whose calls can pause (fuel + asyncify)', () => {
  it('reentrant-2026: is reported unsupported (the async invoker drives one core call at a time), and poisons nothing', () => {
    const sig = { params: ['u32' as const], results: ['u32' as const] };
    const c = guestCase('spec', {}, { hop: { kind: 'call', instance: 'a', export: 'f', ...sig } });
    c.features = ['component', 'fuel', 'asyncify'];
    const steps: Step[] = [
      { op: 'instantiate', as: 'a', expect: {} },
      { op: 'refuel', instance: 'a', amount: 100_000, expect: {} },
      { op: 'call', instance: 'a', export: 'h', args: [u32(3)], expect: {} },
      { op: 'call', instance: 'a', export: 'f', args: [u32(5)], expect: {} },
    ];
    c.steps = steps;
    const obs = executeCase(toPoolCase(c), { calls: callRuntime });
    expect(obs.steps.map((o) => short(o.outcome))).toEqual(['return', 'return', expect.stringMatching(/^unsupported re-entry/), ret(15)]);
  });
});
