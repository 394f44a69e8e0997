/**
 * controls (issue #18): `run` sits inside a transparent context in 7 cases out of 8 (only `run`:
 * the deep recursion keeps its frames), every declared interesting-operand class is emitted, and
 * the cases still pass on the in-process reference runtime, whose results V8 computes on its own
 * while the generator computes them with bigints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ControlParams } from '../../generators/controls.ts';
import { controls } from '../../generators/controls.ts';
import { CONSTRUCTS, NO_CONTEXT } from '../../generators/contexts/index.ts';
import { generateCase } from '../../generators/index.ts';
import { f32Bits, f64Bits, i64Operand, shiftCount, u32Operand, VALUE_CLASSES } from '../../generators/values.ts';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { Reader } from '../../src/wasm/binary-reader.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import { readSections } from '../../src/wasm/sections.ts';

const SEED = 18;
const cases: Case[] = Array.from({ length: 400 }, (_, i) => generateCase('controls', SEED, i));
const paramsOf = (c: Case): ControlParams => (c.provenance as { params: ControlParams }).params;

/** Each code entry's bytes (locals and code), by defined-function position. */
function codeEntries(bytes: Uint8Array): string[] {
  const s = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, s.start, s.end);
  const out: string[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    out.push(Buffer.from(bytes.subarray(r.pos, r.pos + size)).toString('hex'));
    r.pos += size;
  }
  return out;
}

describe('controls: run inside contexts', () => {
  it('7 cases in 8 have a context, every construct shows up, and every module validates', () => {
    const on = cases.filter((c) => c.tags!['context'] === 'on').length;
    expect(on).toBeGreaterThan(0.8 * cases.length);
    expect(on).toBeLessThan(0.95 * cases.length);
    for (const construct of CONSTRUCTS) expect(cases.some((c) => c.tags![`ctx:${construct}`] === 'on'), construct).toBe(true);
    for (const c of cases) expect(WA.validate(c.modules[0]!.bytes), c.id).toBe(true);
    // a case without a context carries no construct tag
    for (const c of cases.filter((x) => x.tags!['context'] === 'none')) expect(Object.keys(c.tags!).filter((k) => k.startsWith('ctx:'))).toEqual([]);
  });

  it('only run is wrapped: without the context the other functions have the same bytes, run does not', () => {
    const wrapped = cases.filter((c) => c.tags!['context'] === 'on').slice(0, 120);
    expect(wrapped.some((c) => c.tags!['control'] === 'recursion/deep' || c.tags!['control'] === 'call_indirect/match')).toBe(true);
    for (const c of wrapped) {
      const bytes = c.modules[0]!.bytes;
      const bare = controls.build({ ...paramsOf(c), context: NO_CONTEXT }, { seed: SEED, path: 'bare' }).modules[0]!.bytes;
      const run = readLayout(bare).exports.get('run')!.index;
      const [before, after] = [codeEntries(bare), codeEntries(bytes)];
      // the context may append an identity function after the module's own
      expect(after.length).toBeGreaterThanOrEqual(before.length);
      before.forEach((entry, k) => {
        if (k === run) expect(after[k], `${c.id}: run`).not.toBe(entry);
        else expect(after[k], `${c.id}: function ${k}`).toBe(entry);
      });
    }
  });

  it('cases in contexts pass on the in-process reference runtime', () => {
    const profile = loadProfile('reference');
    const sample = cases.filter((c) => c.tags!['context'] === 'on' || Object.keys(c.tags!).some((k) => k.startsWith('value:'))).slice(0, 200);
    const problems: string[] = [];
    for (const c of sample) {
      const v = judge(c, executeCase(c), profile);
      if (v.verdict !== 'pass') problems.push(`${c.id} ${JSON.stringify(c.tags)}: ${v.verdict} ${v.reason ?? ''}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(sample.length).toBeGreaterThan(150);
  });
});

describe('controls: interesting operands', () => {
  const declared = Object.entries(controls.declares).filter(([tag]) => tag.startsWith('value:'));

  it('declares the operands it draws, with the values.ts classes (and its own fallbacks)', () => {
    expect(Object.fromEntries(declared.map(([tag]) => [tag, true]))).toEqual({
      'value:dividend': true,
      'value:divisor': true,
      'value:shifted': true,
      'value:shift-count': true,
      'value:trunc-input': true,
      'value:trunc-sat-input': true,
      'value:address': true,
      'value:mem-offset': true,
    });
    const known = new Set<string>([...Object.values(VALUE_CLASSES).flat(), 'edge-max', 'edge-min', 'none', 'whole', 'part']);
    for (const [tag, classes] of declared) expect(classes.filter((c) => !known.has(c)), tag).toEqual([]);
    // a zero divisor would trap: it is never emitted as one
    expect(controls.declares['value:divisor']).not.toContain('zero');
  });

  it('emits every declared class within 2,500 draws of another seed, and no undeclared one', () => {
    const seen: Record<string, Set<string>> = {};
    for (let i = 0; i < 2500; i++) for (const [k, v] of Object.entries(generateCase('controls', 7, i).tags!)) if (k.startsWith('value:')) (seen[k] ??= new Set()).add(v);
    for (const [tag, classes] of declared) {
      expect(classes.filter((c) => !seen[tag]?.has(c)), `${tag} never emitted`).toEqual([]);
      expect([...(seen[tag] ?? [])].filter((c) => !classes.includes(c)), `${tag} undeclared`).toEqual([]);
    }
  });

  it('draws its operands with every class equally often (values.ts `classes: uniform`)', () => {
    const uniform = { classes: 'uniform' } as const;
    const arbs: Array<[fc.Arbitrary<{ class: string }>, readonly string[]]> = [
      [u32Operand(uniform), VALUE_CLASSES.u32],
      [i64Operand(uniform), VALUE_CLASSES.i64],
      [f32Bits(uniform), [...VALUE_CLASSES.float, ...VALUE_CLASSES.f32Only]],
      [f64Bits(uniform), [...VALUE_CLASSES.float, ...VALUE_CLASSES.f64Only]],
      [shiftCount(64, uniform), VALUE_CLASSES.shift],
    ];
    for (const [arb, classes] of arbs) {
      const counts = new Map<string, number>();
      for (const d of fc.sample(arb, { seed: SEED, numRuns: 40 * classes.length })) counts.set(d.class, (counts.get(d.class) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual([...classes].sort());
      // 40 expected per class
      for (const [cls, n] of counts) expect(n, cls).toBeGreaterThan(15);
    }
  });

  it('the trapping pairs become their neighbours: a zero divisor is 1, div_s(MIN, -1) is div_s(MIN + 1, -1)', () => {
    const base = paramsOf(cases.find((c) => c.tags!['control'] === 'i32.div_s/operands')!);
    const build = (x: number, y: number): Case =>
      controls.build({ ...base, ops: { x: { value: x, class: 'int-min' }, y: { value: y, class: y === 0 ? 'zero' : 'minus-one' } }, context: NO_CONTEXT }, { seed: 0, path: 'p' });
    const byZero = build(0x80000000, 0);
    expect(byZero.tags!['value:divisor']).toBe('one');
    expect(byZero.steps[1]!.expect.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '-2147483648' }] });
    const overflow = build(0x80000000, 0xffffffff);
    expect(overflow.tags!['value:dividend']).toBe('int-min-plus-one');
    expect(overflow.steps[1]!.expect.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '2147483647' }] });
  });
});

describe('controls: the saturating conversions of NaN', () => {
  /** `f32.const` / `f64.const` of the canonical NaN with or without its sign bit, as bytes. */
  const nanConst = (type: 'f32' | 'f64', negative: boolean): string =>
    type === 'f32' ? `430000c0${negative ? 'ff' : '7f'}` : `44000000000000f8${negative ? 'ff' : '7f'}`;

  it("build the NaN their detail names, with the same bytes however hot the build is ('-nan' has the sign bit)", () => {
    const nanCases = Array.from({ length: 3000 }, (_, i) => generateCase('controls', 1, i)).filter((c) => c.tags!['detail'] === 'nan' || c.tags!['detail'] === '-nan');
    expect(new Set(nanCases.map((c) => c.tags!['detail']))).toEqual(new Set(['nan', '-nan']));
    const first = new Map(nanCases.map((c) => [c.id, Buffer.from(c.modules[0]!.bytes).toString('hex')]));
    // hot enough for V8 to optimise the build: the sign of a JS -NaN changed there
    for (let round = 0; round < 150; round++)
      for (const c of nanCases) {
        const hex = Buffer.from(controls.build(paramsOf(c), { seed: 1, path: 'again' }).modules[0]!.bytes).toString('hex');
        const type = c.tags!['site']!.endsWith('f32_s') || c.tags!['site']!.endsWith('f32_u') ? 'f32' : 'f64';
        const negative = c.tags!['detail'] === '-nan';
        expect(hex.includes(nanConst(type, negative)) && !hex.includes(nanConst(type, !negative)), `${c.id} round ${round}`).toBe(true);
        expect(hex, c.id).toBe(first.get(c.id));
      }
  });
});
