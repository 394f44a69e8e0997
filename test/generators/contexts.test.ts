/**
 * Transparent contexts (generators/contexts/, issue #18): random contexts around functions of
 * real generated cases validate (binaryen and V8), leave every observation of the case on the
 * reference runtime unchanged, and tag exactly the constructs they contain.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContextParams } from '../../generators/contexts/index.ts';
import { CONSTRUCTS, NO_CONTEXT, constructsOf, contextArbitrary, contextTags, encodeContext, wrapInContext } from '../../generators/contexts/index.ts';
import type { ControlParams } from '../../generators/controls.ts';
import { controls } from '../../generators/controls.ts';
import { generateCase } from '../../generators/index.ts';
import type { Case, Step } from '../../src/case.ts';
import type { Observation } from '../../src/observation.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import { describeFunction, wrapBody } from '../../src/wasm/wrap-body.ts';
import { PROBE_ARGS, PROBE_RESULTS, probeArg, withProbe } from './context-probe.ts';
import { contextEvidence } from './context-evidence.ts';
import { binaryenValidates } from './binaryen-validates.ts';

const FAMILIES = ['core-traps', 'controls', 'wasi-exit'];
const SEED = 18;
/** Features executeCase runs only with runtimes loaded by the pool (not in-process here). */
const POOL_ONLY = ['wasi-threads', 'lunatic', 'fuel', 'asyncify', 'component'];

function definedFunctions(bytes: Uint8Array): number[] {
  const layout = readLayout(bytes);
  const imported = layout.imports.filter((i) => i.kind === 'func').length;
  return Array.from({ length: layout.funcs.length - imported }, (_, i) => imported + i);
}


function resultKind(bytes: Uint8Array, f: number): string {
  const results = describeFunction(bytes, f).results;
  return results.length === 0 ? 'none' : results.length > 1 ? 'multi' : results[0]!;
}

describe('contexts validate', () => {
  it('600 random contexts around functions of every result type validate in binaryen and V8', () => {
    const contexts = fc.sample(contextArbitrary(), { seed: SEED, numRuns: 600 });
    const failures: string[] = [];
    const byResult: Record<string, number> = {};
    contexts.forEach((params, k) => {
      const c = generateCase(FAMILIES[k % 3]!, SEED, Math.floor(k / 3));
      const probe = withProbe(c.modules[0]!.bytes, PROBE_RESULTS[k % PROBE_RESULTS.length]!, '__probe');
      const own = definedFunctions(c.modules[0]!.bytes);
      // half the targets are the case's own functions, half the probe (multi-value, escaping branches)
      const f = k % 2 === 0 ? own[(k >> 1) % own.length]! : probe.index;
      const wrapped = wrapInContext(probe.bytes, f, params).bytes;
      byResult[resultKind(probe.bytes, f)] = (byResult[resultKind(probe.bytes, f)] ?? 0) + 1;
      const v8 = WA.validate(wrapped);
      const bin = binaryenValidates(wrapped);
      if (!v8 || !bin) failures.push(`${c.id} function ${f} v8=${v8} binaryen=${bin} ${JSON.stringify(params)}`);
    });
    expect(failures.slice(0, 3)).toEqual([]);
    for (const kind of ['none', 'i32', 'i64', 'f32', 'f64', 'multi']) expect(byResult[kind] ?? 0, kind).toBeGreaterThanOrEqual(20);
  });
});

/** Every step also observes all exported globals; the last one the first two pages of memory. */
function observed(c: Case, bytes: Uint8Array, probes: boolean): Observation {
  const layout = readLayout(bytes);
  const globals = Object.fromEntries([...layout.exports].filter(([, e]) => e.kind === 'global').map(([name]) => [name, { type: 'i32' as const, value: '0' }]));
  const steps: Step[] = c.steps.map((s, i) => {
    const memory = i === c.steps.length - 1 ? [...(s.expect.memory ?? []), { offset: 0, hex: '00'.repeat(2 * 65536) }] : s.expect.memory;
    return { ...s, expect: { ...s.expect, globals, ...(memory ? { memory } : {}) } };
  });
  // the probe runs right after the first instantiation, before a command's _start can end the process
  if (probes && steps[0]?.op === 'instantiate') steps.splice(1, 0, ...PROBE_ARGS.map((p): Step => ({ op: 'invoke', export: '__probe', args: [probeArg(p)], expect: {} })));
  return executeCase({ id: c.id, modules: [{ bytes }, ...c.modules.slice(1)], steps, ...(c.wasi ? { wasi: c.wasi } : {}) });
}

describe('contexts are transparent on the reference runtime', () => {
  const contexts = fc.sample(contextArbitrary(), { seed: SEED + 1, numRuns: 1000 });
  let next = 0;
  /** What the unwrapped cases observed, over all families: the comparison must cover real variety. */
  const outcomes = new Set<string>();
  let probeReturns = 0;

  it.each(FAMILIES)('%s: 100 cases with every function wrapped observe exactly what the unwrapped case observes', (family) => {
    let compared = 0;
    const differences: string[] = [];
    for (let i = 0; i < 100; i++) {
      const c = generateCase(family, SEED, i);
      if (c.features.some((f) => POOL_ONLY.includes(f))) continue;
      const probe = withProbe(c.modules[0]!.bytes, PROBE_RESULTS[i % PROBE_RESULTS.length]!, '__probe');
      let wrapped = probe.bytes;
      for (const f of [...definedFunctions(c.modules[0]!.bytes), probe.index]) wrapped = wrapInContext(wrapped, f, contexts[next++ % contexts.length]!).bytes;
      const before = observed(c, probe.bytes, true);
      const after = observed(c, wrapped, true);
      compared++;
      before.steps.forEach((s, k) => {
        outcomes.add(s.outcome.kind === 'trap' ? `trap:${s.outcome.trap.join('|')}` : s.outcome.kind);
        if (k >= 1 && k <= PROBE_ARGS.length && s.outcome.kind === 'return') probeReturns++;
      });
      if (JSON.stringify(after) !== JSON.stringify(before)) differences.push(`${c.id}: ${JSON.stringify(before).slice(0, 200)} ≠ ${JSON.stringify(after).slice(0, 200)}`);
    }
    expect(differences.slice(0, 3)).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(95);
  });

  it('compared returns, traps of several kinds, exits, and the probe’s every path', () => {
    expect(outcomes).toContain('return');
    expect(outcomes).toContain('exit');
    expect([...outcomes].filter((o) => o.startsWith('trap:')).length).toBeGreaterThanOrEqual(5);
    // 300 cases × 5 probe paths, less the cases that trap at instantiation
    expect(probeReturns).toBeGreaterThan(1200);
  });

  it('a context that changes the results is caught by the same comparison', () => {
    let differ = 0;
    let returned = 0;
    for (let i = 0; i < 30; i++) {
      // without the case's own context: a `return` in it would leave run before the lying suffix
      const drawn = generateCase('controls', SEED, i);
      const c = controls.build({ ...(drawn.provenance as { params: ControlParams }).params, context: NO_CONTEXT }, { seed: SEED, path: String(i) });
      const bytes = c.modules[0]!.bytes;
      const run = readLayout(bytes).exports.get('run')!.index;
      const shape = describeFunction(bytes, run);
      const { context } = encodeContext(NO_CONTEXT, shape);
      // drop the real result, return a constant of its type
      const lie = [0x1a, ...({ i32: [0x41, 0x07], i64: [0x42, 0x07], f32: [0x43, 0, 0, 0xe0, 0x40], f64: [0x44, 0, 0, 0, 0, 0, 0, 0x1c, 0x40] } as Record<string, number[]>)[shape.results[0]!]!];
      const lying = wrapBody(bytes, run, { ...context, suffix: [...context.suffix, ...lie] });
      const before = observed(c, bytes, false);
      if (before.steps[1]?.outcome.kind === 'return') returned++;
      if (JSON.stringify(observed(c, lying, false)) !== JSON.stringify(before)) differ++;
    }
    expect(returned).toBeGreaterThan(20);
    expect(differ).toBeGreaterThanOrEqual(returned - 1); // a real result may happen to equal 7
  });
});

describe('context parameters and tags', () => {
  const sample = fc.sample(contextArbitrary(), { seed: SEED + 2, numRuns: 400 });
  const { bytes, index } = withProbe(generateCase('controls', SEED, 0).modules[0]!.bytes, ['i32', 'f64'], '__probe');
  const shape = describeFunction(bytes, index);

  it('tags name exactly the constructs the encoded context contains, all of them enabled by its swarm', () => {
    const seen = new Set<string>();
    for (const params of sample) {
      const tags = Object.keys(contextTags(params)).map((t) => t.slice('ctx:'.length));
      for (const t of tags) seen.add(t);
      expect(tags.every((t) => (params.swarm as string[]).includes(t))).toBe(true);
      const { sure, possible } = contextEvidence(encodeContext(params, shape).context, shape);
      // sure ⊆ tags ⊆ possible (equal for the constructs with a unique signature in the bytes)
      expect({ untagged: [...sure].filter((t) => !tags.includes(t)), unexplained: tags.filter((t) => !possible.has(t)) }, JSON.stringify(params)).toEqual({ untagged: [], unexplained: [] });
    }
    expect([...seen].sort()).toEqual([...CONSTRUCTS].sort());
  });

  it('code after a bare return is dead code; after a return in its own block it is not', () => {
    const ret = (bare: boolean) => ({ k: 'return' as const, bare, dead: [] });
    const select = { k: 'select' as const, cond: 1, typed: false, junk: 0 };
    const examples: Array<[ContextParams['root'], string[]]> = [
      [{ k: 'then', inner: { k: 'then', inner: { k: 'hole' }, carry: ret(true) }, carry: select }, ['select', 'return', 'dead-code']],
      [{ k: 'then', inner: { k: 'then', inner: { k: 'hole' }, carry: ret(false) }, carry: select }, ['select', 'return']],
      [{ k: 'br', inner: { k: 'then', inner: { k: 'hole' }, carry: ret(true) }, dead: [] }, ['br-values', 'return', 'dead-code']],
      [{ k: 'then', inner: { k: 'hole' }, carry: { k: 'loop-params', trips: 2, inner: [ret(true)] } }, ['loop-params', 'return', 'dead-code']],
      [{ k: 'then', inner: { k: 'hole' }, carry: { k: 'loop-params', trips: 2, inner: [ret(false)] } }, ['loop-params', 'return']],
    ];
    for (const [root, expected] of examples) {
      const params: ContextParams = { swarm: [...CONSTRUCTS], escape: 'function', root };
      expect(constructsOf(params)).toEqual(CONSTRUCTS.filter((c) => expected.includes(c)));
      const { sure, possible } = contextEvidence(encodeContext(params, shape).context, shape);
      expect(sure.has('dead-code')).toBe(expected.includes('dead-code'));
      expect(possible.has('dead-code')).toBe(expected.includes('dead-code'));
    }
  });

  it('the same parameters give the same bytes; parameters are plain JSON data and replay from the seed', () => {
    for (const params of sample.slice(0, 100)) {
      const copy = JSON.parse(JSON.stringify(params)) as ContextParams;
      expect(copy).toEqual(params);
      expect(wrapInContext(bytes, index, copy).bytes).toEqual(wrapInContext(bytes, index, params).bytes);
    }
    expect(fc.sample(contextArbitrary(), { seed: SEED + 2, numRuns: 400 })).toEqual(sample);
  });

  it('every shrink candidate is another context that still validates around the function, in a fixed order', () => {
    const arb = contextArbitrary();
    let checked = 0;
    for (const params of sample.slice(0, 60)) {
      const candidates = (p: ContextParams): ContextParams[] => [...arb.shrink(p, undefined).take(40)].map((v) => v.value);
      const first = candidates(params);
      expect(candidates(params)).toEqual(first);
      for (const c of first) {
        expect(c).not.toEqual(params);
        expect(c.swarm.every((x) => params.swarm.includes(x))).toBe(true);
        expect(constructsOf(c).every((x) => c.swarm.includes(x))).toBe(true);
        expect(WA.validate(wrapInContext(bytes, index, c).bytes), JSON.stringify(c)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('shrinks: a failing context comes back at most half its size, still with the construct that fails it', () => {
    const result = fc.check(
      fc.property(contextArbitrary(), (params) => !('ctx:select' in contextTags(params))),
      { seed: SEED, numRuns: 500, verbose: 1 },
    );
    expect(result.failed).toBe(true);
    const first = result.failures[0]![0];
    const shrunk = result.counterexample![0];
    expect(result.numShrinks).toBeGreaterThan(0);
    expect(constructsOf(shrunk)).toContain('select');
    expect(shrunk.swarm.length).toBeLessThanOrEqual(first.swarm.length);
    expect(JSON.stringify(shrunk).length).toBeLessThan(JSON.stringify(first).length / 2);
  });
});
