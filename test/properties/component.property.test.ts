/**
 * The invariants of instance-semantics.md §7.4 over random step sequences on component
 * instances (src/component/), checked from observations only (outcomes and the guest's own
 * counters), never from the generator's model:
 *   1/2 monotonic poisoning, no value after it: once a call into X fails (trap, host error),
 *       every later call into X's scope (X; every instance of the store in wasmtime-store) is
 *       refused `cannot enter component instance`;
 *   3   post-return exactly once per successful call, with that call's result (automatic
 *       profiles: inside the call; wasmtime-legacy: at the embedder's post-return step);
 *   4   re-entry: host → X → host → X traps at the inner entry and the inner body never runs under
 *       the wasmtime profiles (may-enter-2025); under spec (CM PR #705 removed may_enter) the inner
 *       body runs too;
 *   5   a fresh instance works (wasmtime-store: only while the store is unpoisoned).
 * The mutation checks run the same property on layers with a broken rule and require a
 * counterexample, so the property can fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComponentProfile } from '../../src/case.ts';
import { COMPONENT_PROFILES } from '../../src/case.ts';
import type { Outcome } from '../../src/outcome.ts';
import { PROFILE_RULES } from '../../src/component/rules.ts';
import type { ProfileRules } from '../../src/component/rules.ts';
import type { Imports } from '../component/helpers.ts';
import { Driver, guestCase } from '../component/helpers.ts';

const K = 10;
type Fn = 'f' | 's' | 'h';
type Action = { kind: 'call'; inst: number; fn: Fn; arg: number } | { kind: 'post'; inst: number; fn: Fn } | { kind: 'fresh'; arg: number };
type Hop = 'return' | 'throw' | 'self' | 'first';

/** f args: 0 body trap, 1 post-return trap, 2 post-return calls an import, else fine; s args pick a text (5 / 7 bytes misbehave in realloc). */
const TEXTS = ['', 'ab', 'héll', 'trapped', 'ok✓'];
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('call' as const), inst: fc.nat(3), fn: fc.constantFrom<Fn>('f', 's', 'h'), arg: fc.oneof(fc.nat(3), fc.integer({ min: 3, max: 0xffffffff })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('post' as const), inst: fc.nat(3), fn: fc.constantFrom<Fn>('f', 's', 'h') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fresh' as const), arg: fc.integer({ min: 3, max: 1000 }) }) },
);
const scenarioArb = fc.record({
  profile: fc.constantFrom<ComponentProfile>(...COMPONENT_PROFILES),
  hop: fc.constantFrom<Hop>('return', 'throw', 'self', 'first'),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 14 }),
});
type Scenario = { profile: ComponentProfile; hop: Hop; actions: Action[] };

const failed = (o: Outcome): boolean => o.kind === 'trap' || o.kind === 'host-error';
const refused = (o: Outcome): boolean => o.kind === 'trap' && o.trap.length === 1 && o.trap[0] === 'cannot enter component instance';

/** Runs one scenario and throws on the first invariant that does not hold. */
function check({ profile, hop, actions }: Scenario): void {
  const sig = { params: ['u32' as const], results: ['u32' as const] };
  const imports: Imports = { log: { kind: 'return', params: [], results: [] } };
  if (hop === 'return') imports['hop'] = { kind: 'return', value: 5, ...sig };
  if (hop === 'throw') imports['hop'] = { kind: 'throw', message: 'no', ...sig };
  if (hop === 'self' || hop === 'first') imports['hop'] = { kind: 'call', instance: 'i0', export: 'f', ...sig };
  const d = new Driver(guestCase(profile, { k: K, log: true }, imports));
  const legacy = profile === 'wasmtime-legacy';
  const storeScope = profile === 'wasmtime-store';
  const names: string[] = [];
  const poisoned = new Set<string>();
  let storePoisoned = false;
  /** wasmtime-legacy: the post-return each instance still owes (export and the value it returned). */
  const owed = new Map<string, { fn: Fn; value: number }>();
  const fresh = (arg: number): void => {
    const name = `i${names.length}`;
    names.push(name);
    d.inst(name);
    const o = d.call(name, 'f', arg);
    if (storeScope && storePoisoned) expect(refused(o), `fresh ${name} in a poisoned store`).toBe(true);
    else expect(o, `fresh ${name} works`).toMatchObject({ kind: 'return', values: [{ value: String(arg + K) }] });
    if (o.kind === 'return' && legacy) owed.set(name, { fn: 'f', value: arg + K });
  };
  fresh(3);
  for (const a of actions) {
    if (a.kind === 'fresh') {
      fresh(a.arg);
      continue;
    }
    const name = names[a.inst % names.length]!;
    const before = d.counters(name);
    const locked = poisoned.has(name) || (storeScope && storePoisoned);
    if (a.kind === 'post') {
      const o = d.post(name, a.fn);
      if (!legacy) continue;
      const due = owed.get(name);
      if (due?.fn !== a.fn) {
        expect(o.kind, `post-return with nothing of ${a.fn} owed`).toBe('host-error');
        continue;
      }
      owed.delete(name);
      const after = d.counters(name);
      const slot = a.fn === 'f' ? 'postF' : a.fn === 's' ? 'postS' : 'postH';
      expect(after[slot], 'post-return runs exactly once at the post-return step').toBe(before[slot] + 1);
      expect(after.lastPost >>> 0, 'post-return gets the call\'s result').toBe(due.value >>> 0);
      if (failed(o)) poisoned.add(name);
      continue;
    }
    const arg = a.fn === 's' ? TEXTS[a.arg % TEXTS.length]! : a.arg;
    const o = d.call(name, a.fn, arg);
    const after = d.counters(name);
    if (locked || owed.has(name)) {
      // 1, 2: refused, nothing ran (and C2: a pending post-return refuses without poisoning)
      expect(refused(o), `call into locked / owing ${name} is refused`).toBe(true);
      expect(after, 'a refused call runs nothing').toEqual(before);
      continue;
    }
    if (a.fn === 'h' && hop === 'self' && name === 'i0') {
      if (profile === 'spec') {
        // 4 (reentrant-2026): the re-entered f ran inside h (it may fail on its own: args 0, 1, 2)
        expect(after.calls, 'the re-entered body ran').toBe(before.calls + 2);
      } else {
        // 4 (may-enter-2025): the inner entry traps; only h's body ran
        expect(refused(o), 'host → X → host → X traps').toBe(true);
        expect(after.calls, 'the inner body never ran').toBe(before.calls + 1);
      }
    }
    if (failed(o)) {
      poisoned.add(name);
      storePoisoned = true;
      // h's import re-enters i0 with f(arg): f fails for arg 0, 1, 2 and then locks i0 down too
      // (unless i0 refused the entry because it owes a post-return: C2 does not poison)
      if (a.fn === 'h' && (hop === 'self' || hop === 'first') && typeof arg === 'number' && arg <= 2 && !owed.has('i0')) poisoned.add('i0');
      continue;
    }
    if (o.kind !== 'return') throw new Error(`unexpected outcome ${JSON.stringify(o)}`);
    const value = Number(o.values[0]!.value) >>> 0;
    const slot = a.fn === 'f' ? 'postF' : a.fn === 's' ? 'postS' : 'postH';
    if (legacy) {
      expect(after[slot], 'legacy: post-return waits for the embedder').toBe(before[slot]);
      owed.set(name, { fn: a.fn, value });
    } else {
      // 3: exactly once per successful call, with its result
      expect(after[slot], `post-return of ${a.fn} ran once`).toBe(before[slot] + 1);
      expect(after.lastPost >>> 0).toBe(value);
    }
  }
}

function withRules<T>(profile: ComponentProfile, patch: Partial<ProfileRules>, body: () => T): T {
  const rules = PROFILE_RULES[profile] as ProfileRules;
  const saved = { ...rules };
  Object.assign(rules, patch);
  try {
    return body();
  } finally {
    Object.assign(rules, saved);
  }
}

describe('component invariants (§7.4 1–5)', () => {
  it('hold over random step sequences in every profile', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        check(s);
      }),
      { seed: 20261121, numRuns: 250 },
    );
  });

  it.each([
    ['spec', { hostErrorPoisons: false }],
    ['wasmtime-store', { poisonScope: 'instance' as const }],
    ['spec', { postReturn: 'explicit' as const }],
    ['spec', { reentry: 'may-enter-2025' as const }],
    ['wasmtime-legacy', { reentry: 'reentrant-2026' as const }],
  ] as const)('fail on a layer with a broken %s rule %j', (profile, patch) => {
    const prop = fc.property(scenarioArb.map((s) => ({ ...s, profile })), (s) => {
      withRules(profile, patch, () => check(s));
    });
    const r = fc.check(prop, { seed: 7, numRuns: 300 });
    expect(r.failed, 'the broken layer must be caught').toBe(true);
    expect(r.counterexamplePath).toBeTruthy();
  });
});
