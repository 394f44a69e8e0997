/**
 * The cancellation family: every generated case passes on the reference executor, covers its
 * declared tags, and is deterministic; `run`'s body sits inside the context its parameters name,
 * and the context's fuel charges are part of every exact expectation.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CancellationParams } from '../../generators/cancellation.ts';
import { cancellation, program } from '../../generators/cancellation.ts';
import { trace } from '../../generators/cancellation-model.ts';
import { contextCharges } from '../../generators/cancellation/context-charges.ts';
import { plannedSteps } from '../../generators/cancellation/steps.ts';
import type { ContextParams } from '../../generators/contexts/index.ts';
import { CONSTRUCTS, contextTags } from '../../generators/contexts/index.ts';
import { generateCase } from '../../generators/index.ts';
import { drawCase } from '../../src/random.ts';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';
import { Reader } from '../../src/wasm/binary-reader.ts';
import { fuelPlan } from '../../src/wasm/instrument/fuel.ts';
import { readSections } from '../../src/wasm/sections.ts';

const profile = loadReferenceProfile();
const N = 160;

describe('cancellation family', () => {
  it(`${N} generated cases pass on the reference executor and hit every declared tag value`, () => {
    const seen: Record<string, Set<string>> = {};
    const failures: string[] = [];
    for (let i = 0; i < N; i++) {
      const c = generateCase('cancellation', 1, i);
      for (const [k, v] of Object.entries(c.tags ?? {})) (seen[k] ??= new Set()).add(v);
      const obs = executeCase(toPoolCase(c), { calls: callRuntime });
      const v = judge(c, obs, profile);
      if (v.verdict !== 'pass') failures.push(`${c.id} [${c.tags?.['scenario']}] step ${v.step}: ${v.reason}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    for (const [tag, values] of Object.entries(cancellation.declares)) expect([...(seen[tag] ?? [])].sort(), tag).toEqual([...values].sort());
  });

  it('the same seed gives the same bytes and the same out-of-fuel point (step, memory) on every run', () => {
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    for (let i = 0; i < 40; i++) {
      const a = generateCase('cancellation', 7, i);
      const b = generateCase('cancellation', 7, i);
      expect(sha(b.modules[0]!.bytes)).toBe(sha(a.modules[0]!.bytes));
      expect(b.steps).toEqual(a.steps);
      if (!a.features.includes('fuel')) continue;
      const o1 = executeCase(toPoolCase(a), { calls: callRuntime });
      const o2 = executeCase(toPoolCase(a), { calls: callRuntime });
      const dry = (o: typeof o1): number => o.steps.findIndex((s) => (s.outcome.kind === 'trap' && s.outcome.trap.includes('out of fuel')) || (s.outcome.kind === 'suspended' && s.outcome.at === 'fuel'));
      expect(dry(o2)).toBe(dry(o1));
      expect(o2.steps).toEqual(o1.steps);
    }
  });
});

/** Each defined function's code entry, as hex (the code section read directly). */
function codeEntries(bytes: Uint8Array): string[] {
  const code = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, code.start, code.end);
  const out: string[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    out.push(Buffer.from(bytes.subarray(r.pos, r.pos + size)).toString('hex'));
    r.skip(size);
  }
  return out;
}

const verdictOf = (c: Case): string => {
  const v = judge(c, executeCase(toPoolCase(c), { calls: callRuntime }), profile);
  return v.verdict === 'pass' ? 'pass' : `${v.verdict} at step ${v.step}: ${v.reason}`;
};

describe('cancellation: the context around run', () => {
  it('wraps exactly run (defined function 0) when the parameters have a context, tags its constructs, and counts its loops in run’s fuel plan', () => {
    let wrapped = 0;
    let bare = 0;
    for (let i = 0; i < 80; i++) {
      const p = drawCase(cancellation.arbitrary, 5, 'cancellation', i) as CancellationParams;
      const c = cancellation.build(p, { seed: 5, path: String(i) });
      const plain = cancellation.build({ ...p, context: null }, { seed: 5, path: String(i) });
      const [a, b] = [codeEntries(c.modules[0]!.bytes), codeEntries(plain.modules[0]!.bytes)];
      if (!p.context) {
        bare++;
        expect(a).toEqual(b);
        expect(Object.keys(c.tags!).filter((t) => t.startsWith('ctx:'))).toEqual([]);
        continue;
      }
      wrapped++;
      // run differs; probe and the tree levels are the same bytes; anything after them is the context's identity function
      expect(a[0]).not.toBe(b[0]);
      expect(a.slice(1, b.length)).toEqual(b.slice(1));
      for (const [tag, v] of Object.entries(contextTags(p.context))) expect(c.tags![tag], tag).toBe(v);
      const bodyLoops = program(p).segments.filter((s) => s.k === 'loop').length;
      expect(fuelPlan(c.modules[0]!.bytes).functions[0]!.loops.length).toBe(contextCharges(p.context).loops + bodyLoops);
    }
    expect(wrapped).toBeGreaterThan(55);
    expect(bare).toBeGreaterThan(3);
  });

  const one = { t: 'i32' as const, v: 1 };
  /** Hand-made contexts with every kind of metering point: a loop around the body, nested counted loops, a loop in an arm never taken, identity calls in a loop with parameters, code after a bare return, a return inside a loop. */
  const CONTEXTS: Array<[string, ContextParams['root']]> = [
    [
      'loops before the body',
      {
        k: 'loop',
        inner: {
          k: 'pre',
          code: [
            { k: 'loop', trips: 3, body: [{ k: 'loop', trips: 2, body: [{ k: 'set', c: one }] }] },
            { k: 'if', cond: 0, then: [{ k: 'loop', trips: 3, body: [] }], else: [{ k: 'loop', trips: 2, body: [] }] },
          ],
          inner: { k: 'hole' },
        },
      },
    ],
    [
      'calls and loops after the body, then a bare return',
      {
        k: 'then',
        inner: {
          k: 'then',
          inner: {
            k: 'then',
            inner: { k: 'hole' },
            carry: { k: 'loop-params', trips: 3, inner: [{ k: 'call' }, { k: 'call_indirect' }, { k: 'locals', tee: true, between: [{ k: 'loop', trips: 2, body: [] }] }] },
          },
          carry: { k: 'return', bare: true, dead: [] },
        },
        carry: { k: 'loop-params', trips: 2, inner: [{ k: 'call' }] },
      },
    ],
    ['a return inside a loop with parameters', { k: 'then', inner: { k: 'loop', inner: { k: 'hole' } }, carry: { k: 'loop-params', trips: 3, inner: [{ k: 'call' }, { k: 'return', bare: false, dead: [] }] } }],
  ];
  const base = drawCase(cancellation.arbitrary, 11, 'cancellation', 0) as CancellationParams;
  const paramsFor = (root: ContextParams['root'], scenario: CancellationParams['scenario'], pick: number): CancellationParams => ({
    ...base,
    scenario,
    pick,
    metered: true,
    segments: [{ k: 'loop', n: 3 }, { k: 'yield' }, { k: 'tree' }, { k: 'bump' }],
    treeDepth: 2,
    context: { swarm: [...CONSTRUCTS], escape: 'function', root },
  });

  it.each(CONTEXTS)('%s: budgets that run out at every metering point, resumed or cancelled, pass exactly', (_name, root) => {
    const failures: string[] = [];
    const stops = new Set<string>();
    for (const scenario of ['cancel-fuel', 'k2-refuel', 'resume'] as const) {
      for (let pick = 0; pick < 30; pick += 1) {
        const c = cancellation.build(paramsFor(root, scenario, pick * 7 + 1), { seed: 0, path: `${scenario}-${pick}` });
        if (c.tags!['fuel-stop']) stops.add(c.tags!['fuel-stop']);
        const v = verdictOf(c);
        if (v !== 'pass') failures.push(`${scenario} pick ${pick * 7 + 1}: ${v}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    expect(stops).toContain('context');
  });

  it('a model that left out the context’s charges would expect other fuel: the check has teeth', () => {
    let differ = 0;
    for (const [, root] of CONTEXTS) {
      for (let pick = 1; pick < 40; pick += 3) {
        const p = paramsFor(root, 'k2-refuel', pick);
        const c = cancellation.build(p, { seed: 0, path: String(pick) });
        const prog = program(p);
        const plan = fuelPlan(c.modules[0]!.bytes);
        const charges = contextCharges(p.context!);
        const blind = plannedSteps(p, prog, trace(prog, plan, { ...charges, before: [], after: [] }), true, plan.functions[1]!.entry).steps;
        if (JSON.stringify(blind) === JSON.stringify(c.steps)) continue;
        differ++;
        expect(verdictOf({ ...c, steps: blind })).not.toBe('pass');
      }
    }
    expect(differ).toBeGreaterThan(30);
  });
});
