/**
 * The component generator's expectations for the re-entry rows C7 and C9 under both re-entry rule
 * sets (src/component/rules.ts): `spec` follows the current Component Model (CM PR #705 removed
 * the may_enter trap: the re-entered call runs and returns), the wasmtime profiles keep
 * `may-enter-2025` (the inner entry traps `cannot enter component instance`). The values are
 * spelled out here; then each case runs on the reference executor and must observe exactly them.
 */
import { describe, expect, it } from 'vitest';
import type { Case, Step } from '../../src/case.ts';
import { COMPONENT_PROFILES } from '../../src/case.ts';
import type { ComponentProfile } from '../../src/case.ts';
import { CaseRun } from '../../src/runtime/exec.ts';
import type { ComponentParams, Row } from '../../generators/component.ts';
import { component, ROWS } from '../../generators/component.ts';
import { MEM } from '../../generators/component-guest.ts';

const K = 7;
const ARGS = [100, 200, 300, 400];
const ENTER = 'trap cannot enter component instance';

function build(row: Row, profile: ComponentProfile): Case {
  const p: ComponentParams = { row: ROWS.indexOf(row), profile: COMPONENT_PROFILES.indexOf(profile), k: K, args: ARGS, text: 'ab', site: 0, fresh: false, strings: false, exitArg: 0 };
  return component.build(p, { seed: 1, path: `${row}-${profile}` });
}

/** `op instance.export -> outcome` per step, in one string per step for readable assertions. */
function describeStep(s: Step): string {
  const o = s.expect.outcome!;
  const what = s.op === 'call' || s.op === 'post-return' ? `${s.op} ${s.instance}.${s.export}` : `${s.op} ${'as' in s ? s.as : ''}`;
  if (o.kind === 'return') return `${what} -> return${o.values?.length ? ` ${o.values.map((v) => v.value).join(',')}` : ''}`;
  if (o.kind === 'trap') return `${what} -> trap ${[o.trap].flat().join('|')}`;
  return `${what} -> ${o.kind}`;
}

function counters(s: Step): Record<keyof typeof MEM, number> {
  const hex = s.expect.memory![0]!.hex;
  const word = (off: number): number => Buffer.from(hex.slice(off * 2, off * 2 + 8), 'hex').readUInt32LE(0);
  return Object.fromEntries(Object.entries(MEM).map(([k, off]) => [k, word(off)])) as Record<keyof typeof MEM, number>;
}

/** Runs the case on the reference executor; every step's outcome and counters must be what the case expects. */
function runMatches(c: Case): void {
  const run = new CaseRun(c);
  c.steps.forEach((step, i) => {
    const obs = run.step(step);
    const o = obs.outcome;
    const got = o.kind === 'return' ? { kind: 'return', values: o.values.map((v) => v.value) } : o.kind === 'trap' ? { kind: 'trap', trap: o.trap } : { kind: o.kind };
    const want = step.expect.outcome!;
    const wanted = want.kind === 'return' ? { kind: 'return', values: (want.values ?? []).map((v) => v.value) } : want.kind === 'trap' ? { kind: 'trap', trap: [want.trap].flat() } : { kind: want.kind };
    expect(got, `${c.id} step ${i}`).toEqual(wanted);
    if (step.expect.memory) expect(obs.memory, `${c.id} step ${i} counters`).toEqual(step.expect.memory);
  });
}

describe('C7: host → A → host import → A', () => {
  it('spec (reentrant-2026): the inner f runs, h returns f + k, A stays usable', () => {
    const c = build('C7', 'spec');
    expect(c.tags).toMatchObject({ row: 'C7', profile: 'spec', reentry: 'reentrant-2026', jco: 'runnable' });
    expect(c.steps.map(describeStep)).toEqual(['instantiate a -> return', 'call a.f -> return 107', 'call a.h -> return 214', 'call a.f -> return 307']);
    expect(counters(c.steps[2]!)).toMatchObject({ calls: 3, postF: 2, postH: 1, lastPost: 214 });
    runMatches(c);
  });
  it('wasmtime-store (may-enter-2025): the inner entry traps and A is locked down', () => {
    const c = build('C7', 'wasmtime-store');
    expect(c.tags).toMatchObject({ row: 'C7', reentry: 'may-enter-2025', jco: 'no' });
    expect(c.steps.map(describeStep)).toEqual(['instantiate a -> return', 'call a.f -> return 107', `call a.h -> ${ENTER}`, `call a.f -> ${ENTER}`]);
    expect(counters(c.steps[2]!)).toMatchObject({ calls: 2, postF: 1, postH: 0 });
    runMatches(c);
  });
  it('wasmtime-legacy (may-enter-2025): the same trap after the embedder\'s post-return', () => {
    const c = build('C7', 'wasmtime-legacy');
    expect(c.tags).toMatchObject({ reentry: 'may-enter-2025' });
    expect(c.steps.map(describeStep)).toEqual(['instantiate a -> return', 'call a.f -> return 107', 'post-return a.f -> return', `call a.h -> ${ENTER}`, `call a.f -> ${ENTER}`]);
    runMatches(c);
  });
});

describe('C9: A → host → B → host → A', () => {
  it('spec (reentrant-2026): f in A, g in B, h in A all return; neither instance is locked down', () => {
    const c = build('C9', 'spec');
    expect(c.tags).toMatchObject({ row: 'C9', profile: 'spec', reentry: 'reentrant-2026', jco: 'runnable' });
    expect(c.steps.map(describeStep)).toEqual(['instantiate a -> return', 'instantiate b -> return', 'call a.h -> return 121', 'call b.f -> return 207', 'call a.f -> return 307']);
    expect(counters(c.steps[2]!)).toMatchObject({ calls: 2, postF: 1, postH: 1, lastPost: 121 });
    expect(counters(c.steps[3]!)).toMatchObject({ calls: 2, postF: 1, lastPost: 207 });
    runMatches(c);
  });
  it.each(['wasmtime-store', 'wasmtime-legacy'] as const)('%s (may-enter-2025): the entry into A traps; A and B are locked down', (profile) => {
    const c = build('C9', profile);
    expect(c.tags).toMatchObject({ reentry: 'may-enter-2025' });
    expect(c.steps.map(describeStep)).toEqual(['instantiate a -> return', 'instantiate b -> return', `call a.h -> ${ENTER}`, `call b.f -> ${ENTER}`, `call a.f -> ${ENTER}`]);
    expect(counters(c.steps[3]!)).toMatchObject({ calls: 1, postF: 0 });
    runMatches(c);
  });
});

describe('re-entry tag', () => {
  it('only the re-entry rows carry it, and the family declares both rule sets', () => {
    expect(component.declares['reentry']).toEqual(['reentrant-2026', 'may-enter-2025']);
    expect(build('C8', 'spec').tags?.['reentry']).toBeUndefined();
    expect(build('C10', 'spec').tags).toMatchObject({ reentry: 'reentrant-2026' });
  });
});
