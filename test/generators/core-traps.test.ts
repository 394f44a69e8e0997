/**
 * core-traps under issue #18: the function holding the trap runs inside a transparent context
 * (the tags show every construct, the wrapped modules validate in V8 and binaryen, the plain
 * build of the same parameters expects exactly the same, and the reference runtime agrees), and
 * every declared operand class is emitted, with truncation inputs checked independently from
 * the module text.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CONTEXT_DECLARES, NO_CONTEXT } from '../../generators/contexts/index.ts';
import type { CoreTrapParams } from '../../generators/core-traps.ts';
import { coreTraps } from '../../generators/core-traps.ts';
import { buildCore } from '../../generators/core-traps/module.ts';
import { generateCase } from '../../generators/index.ts';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { moduleText } from '../../src/wasm/builder.ts';
import { binaryenValidates } from './binaryen-validates.ts';

const WA = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
const SEED = 1818;


const paramsOf = (c: Case): CoreTrapParams => (c.provenance as { params: CoreTrapParams }).params;
const sample = (seed: number, n: number): Case[] => Array.from({ length: n }, (_, i) => generateCase('core-traps', seed, i));

describe('core-traps sites run inside transparent contexts', () => {
  const cases = sample(SEED, 400);
  const wrapped = cases.filter((c) => c.tags!['context'] === 'wrapped');

  it('wraps about 7 cases in 8 (segment sites never), and 400 cases show every context construct', () => {
    const withBody = cases.filter((c) => c.tags!['placement'] !== 'segment');
    expect(wrapped.length / withBody.length).toBeGreaterThan(0.8);
    expect(wrapped.length / withBody.length).toBeLessThan(0.95);
    expect(cases.filter((c) => c.tags!['placement'] === 'segment').every((c) => c.tags!['context'] === 'none')).toBe(true);
    const missing = Object.keys(CONTEXT_DECLARES).filter((tag) => !wrapped.some((c) => c.tags![tag] === 'on'));
    expect(missing).toEqual([]);
  });

  it('every wrapped module validates in V8 and binaryen, and differs from the plain build only in its bytes', () => {
    const problems: string[] = [];
    for (const c of wrapped) {
      if (!WA.validate(c.modules[0]!.bytes) || !binaryenValidates(c.modules[0]!.bytes)) problems.push(`${c.id} does not validate`);
      const plain = coreTraps.build({ ...paramsOf(c), context: NO_CONTEXT }, { seed: SEED, path: 'plain' });
      if (plain.modules[0]!.bytes.length >= c.modules[0]!.bytes.length) problems.push(`${c.id}: the context added nothing`);
      if (JSON.stringify(plain.steps) !== JSON.stringify(c.steps)) problems.push(`${c.id}: the context changed the expectation`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('the wrapped function is the one holding the trapping instruction', () => {
    let checked = 0;
    for (const c of wrapped.slice(0, 150)) {
      const p = paramsOf(c);
      const { bytes, siteFn } = buildCore({ ...p, context: NO_CONTEXT });
      // binaryen names the functions of a binary without names $0, $1, … by index
      const text = moduleText(bytes);
      const start = text.indexOf(`(func $${siteFn} `);
      const body = text.slice(start, text.indexOf('\n (func ', start + 1) >>> 0);
      const site = c.tags!['site']!;
      // table.fill / table.copy / recursion sit in a helper the site function calls
      const op = /^(table\.fill|table\.copy|recursion)$/.test(site) ? 'call $' : site;
      expect(start, c.id).toBeGreaterThan(0);
      expect(body.includes(op), `${c.id}: ${site} not in $${siteFn}`).toBe(true);
      checked++;
    }
    expect(checked).toBe(150);
  });

  const runtime = createReferenceRuntime();
  afterAll(() => runtime.close());

  it('the reference runtime observes what 200 wrapped cases expect (imprecise only for folded V8 messages)', async () => {
    const run = wrapped.slice(0, 200);
    const observations = await runtime.executeAll(run);
    const folded = ['null function or function signature mismatch', 'table index is out of bounds', 'float unrepresentable in integer range'];
    const problems = run
      .map((c, i) => ({ c, v: judge(c, observations[i]!, runtime.profile) }))
      .filter(({ v }) => !(v.verdict === 'pass' || (v.verdict === 'imprecise' && folded.some((m) => v.reason?.includes(`("${m}")`)))))
      .map(({ c, v }) => `${c.id} ${JSON.stringify(c.tags)}: ${v.verdict} ${v.reason ?? ''}`);
    expect(problems.slice(0, 5)).toEqual([]);
  });
});

/** A float constant as binaryen prints it (`nan:0x…`, `-inf`, `2147483648`, `-1.0000000000000002`). */
function parseFloatText(s: string): number {
  if (/^-?nan/.test(s)) return NaN;
  if (/^-?inf$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

/** Independent of the generator: the trap truncating `v` to `to` raises. */
function truncTrapOf(v: number, to: 'i32' | 'i64', signed: boolean): string | undefined {
  if (Number.isNaN(v)) return 'invalid conversion to integer';
  const n = to === 'i32' ? 32 : 64;
  const [lo, hi] = signed ? [-(2 ** (n - 1)), 2 ** (n - 1)] : [0, 2 ** n];
  const t = Math.trunc(v);
  return t < lo || t >= hi ? 'integer overflow' : undefined;
}

describe('core-traps operands come from the interesting-value dictionaries', () => {
  const cases = sample(SEED + 1, 3000);
  const valueKeys = Object.keys(coreTraps.declares).filter((k) => k.startsWith('value:'));

  it('emits every declared value class of every operand, and only declared ones', () => {
    const missing: string[] = [];
    const undeclared: string[] = [];
    for (const key of valueKeys) {
      const seen = new Set(cases.map((c) => c.tags![key]).filter((v): v is string => v !== undefined));
      missing.push(...coreTraps.declares[key]!.filter((v) => !seen.has(v)).map((v) => `${key}=${v}`));
      undeclared.push(...[...seen].filter((v) => !coreTraps.declares[key]!.includes(v)).map((v) => `${key}=${v}`));
    }
    expect({ missing, undeclared }).toEqual({ missing: [], undeclared: [] });
  });

  it('a failing memory.grow (every delta above 0: the maximum is the initial size) leaves −1 in g0', () => {
    let checked = 0;
    for (const c of cases) {
      const p = paramsOf(c);
      // prefix ops run level by level (a level past the depth runs at the innermost one), in list order within a level
      const depth = p.wrappers.length;
      const ordered = [...p.prefix].sort((x, y) => Math.min(x.level, depth) - Math.min(y.level, depth));
      const last = ordered.filter((op) => op.op === 'grow' || (op.op === 'global' && op.g === 0)).at(-1);
      if (c.tags!['stage'] !== 'run' || last?.op !== 'grow' || last.delta.value === 0) continue;
      expect(c.steps[1]!.expect.globals!['g0']).toEqual({ type: 'i32', value: '-1' });
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('the truncated constant in the module raises exactly the trap the case expects (read back from the module text)', () => {
    let checked = 0;
    for (const c of cases.filter((x) => x.tags!['value:trunc-input'] !== undefined).slice(0, 250)) {
      const [, to, from, sign] = /^(i32|i64)\.trunc_(f32|f64)_([su])$/.exec(c.tags!['site']!)!;
      const m = new RegExp(`${to}\\.trunc_${from}_${sign}\\s+\\(${from}\\.const ([^)]+)\\)`).exec(moduleText(c.modules[0]!.bytes));
      expect(m, c.id).not.toBeNull();
      expect(truncTrapOf(parseFloatText(m![1]!), to as 'i32', sign === 's'), `${c.id} ${m![1]}`).toBe(c.tags!['trap']);
      checked++;
    }
    expect(checked).toBe(250);
  });
});
