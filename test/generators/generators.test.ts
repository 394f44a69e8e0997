/**
 * Generator families: determinism (same seed ⇒ same bytes and Case), validity of every
 * module, declared coverage (a family that never emits a declared tag value fails here), and
 * the shape of what they expect.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Case } from '../../src/case.ts';
import { parseCaseFile, toCaseFile } from '../../src/case.ts';
import { FAMILIES, FAMILY_NAMES, generateCase, getFamily } from '../../generators/index.ts';
import { SPECIAL_CODES } from '../../generators/wasi-exit.ts';
import { SITE_KEYS } from '../../generators/core-traps.ts';
import { buildModule, moduleText, binaryen } from '../../src/wasm/builder.ts';

const WA = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const DRAWS = 2000;

/** Everything of a Case except the bytes, which are compared by hash. */
function comparable(c: Case): unknown {
  return { ...c, modules: c.modules.map((m) => sha(m.bytes)) };
}

const generated = new Map<string, Case[]>();
function casesOf(family: string): Case[] {
  let cs = generated.get(family);
  if (!cs) {
    cs = Array.from({ length: DRAWS }, (_, i) => generateCase(family, 20240601, i));
    generated.set(family, cs);
  }
  return cs;
}

describe('registry', () => {
  it('lists the families and rejects unknown names with the valid choices', () => {
    expect(FAMILY_NAMES).toEqual(['core-traps', 'controls', 'wasi-exit', 'thread-panic', 'isolation', 'component', 'cancellation', 'jspi', 'thread-race']);
    expect(() => getFamily('nope')).toThrow(/unknown family "nope"; valid families: core-traps, controls, wasi-exit, thread-panic, isolation, component/);
  });
});

describe.each(FAMILY_NAMES)('%s', (family) => {
  it('same seed and index give byte-identical modules and identical cases', () => {
    for (let i = 0; i < 40; i++) {
      const a = generateCase(family, 7, i);
      const b = generateCase(family, 7, i);
      expect(sha(a.modules[0]!.bytes)).toBe(sha(b.modules[0]!.bytes));
      expect(comparable(a)).toEqual(comparable(b));
      expect(a.id).toBe(`${family}/7/${i}`);
      expect(a.provenance).toMatchObject({ kind: 'generator', generator: family, version: FAMILIES[family]!.version, seed: 7, path: String(i) });
    }
  });

  it('build is a pure function of the params (rebuilding from provenance gives the same bytes)', () => {
    const f = FAMILIES[family]!;
    for (let i = 0; i < 20; i++) {
      const c = generateCase(family, 99, i);
      const params = (c.provenance as { params: unknown }).params;
      const again = f.build(JSON.parse(JSON.stringify(params)), { seed: 99, path: String(i) });
      expect(sha(again.modules[0]!.bytes)).toBe(sha(c.modules[0]!.bytes));
    }
  });

  it('different seeds give different modules', () => {
    const hashes = (seed: number): string[] => Array.from({ length: 30 }, (_, i) => sha(generateCase(family, seed, i).modules[0]!.bytes));
    const a = hashes(1);
    const b = hashes(2);
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(15);
  });

  it(`every module of ${DRAWS} draws validates, and the case survives the corpus JSON round trip`, () => {
    for (const c of casesOf(family)) {
      if (!WA.validate(c.modules[0]!.bytes)) throw new Error(`${c.id} does not validate (tags ${JSON.stringify(c.tags)})`);
      expect(c.family).toBe(family);
      expect(c.steps.length).toBeGreaterThan(0);
    }
    for (const c of casesOf(family).slice(0, 50)) {
      const file = JSON.parse(JSON.stringify(toCaseFile(c, 'm.wasm')));
      expect(parseCaseFile(file, 'x.json').steps).toEqual(c.steps);
    }
  });

  it(`emits every declared tag value within ${DRAWS} draws, and only declared values`, () => {
    const declares = FAMILIES[family]!.declares;
    const seen: Record<string, Set<string>> = {};
    for (const c of casesOf(family)) for (const [k, v] of Object.entries(c.tags ?? {})) (seen[k] ??= new Set()).add(v);
    for (const [tag, values] of Object.entries(declares)) {
      const missing = values.filter((v) => !seen[tag]?.has(v));
      expect(missing, `${family}: declared ${tag} values never emitted`).toEqual([]);
      const undeclared = [...(seen[tag] ?? [])].filter((v) => !values.includes(v));
      expect(undeclared, `${family}: ${tag} values emitted but not declared`).toEqual([]);
    }
  });

  it('shrinks to a buildable case (fast-check property over the family arbitrary)', () => {
    const f = FAMILIES[family]!;
    fc.assert(
      fc.property(f.arbitrary, (p) => WA.validate(f.build(p, { seed: 0, path: 'p' }).modules[0]!.bytes)),
      { seed: 42, numRuns: 60 },
    );
  });
});

describe('core-traps expectations', () => {
  it('ordinary cases: instantiate returns, run traps with state, probe returns a value', () => {
    for (const c of casesOf('core-traps')) {
      const trap = c.tags!['trap'];
      if (c.tags!['stage'] === 'instantiate') {
        expect(c.steps).toEqual([{ op: 'instantiate', expect: { outcome: { kind: 'trap', trap } } }]);
        continue;
      }
      expect(c.steps.map((s) => s.op)).toEqual(['instantiate', 'invoke', 'invoke']);
      const run = c.steps[1]!;
      expect(run.expect.outcome).toEqual({ kind: 'trap', trap });
      expect(Object.keys(run.expect.globals ?? {})).toEqual(['g0', 'g1']);
      if (c.tags!['detail'] !== 'zero-page') expect(run.expect.memory?.length).toBeGreaterThan(0);
      expect(c.steps[2]!.expect.outcome).toMatchObject({ kind: 'return', values: [{ type: 'i32' }] });
    }
  });

  it('covers every site key', () => {
    const seen = new Set(casesOf('core-traps').map((c) => (c.provenance as { params: { site: string } }).params.site));
    expect(SITE_KEYS.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('watches the in-bounds bytes a straddling store targets (pattern unchanged)', () => {
    // any store of 2 bytes or more (a 1-byte store cannot straddle: it starts at the end)
    const c = casesOf('core-traps').find((x) => /\.store(16|32)?$/.test(x.tags!['site']!) && x.tags!['detail'] === 'straddle' && x.tags!['stage'] === 'run')!;
    expect(c).toBeDefined();
    const regions = c.steps[1]!.expect.memory!;
    const last = regions[regions.length - 1]!;
    expect(last.hex.endsWith('a0a1a2a3a4a5a6a7')).toBe(true);
  });
});

describe('controls expectations', () => {
  it('every case expects an exact return value from run', () => {
    for (const c of casesOf('controls')) {
      expect(c.steps[1]!.expect.outcome).toMatchObject({ kind: 'return', values: [expect.objectContaining({ type: expect.any(String) })] });
    }
  });
  it('encodes the spec#1224 boundary: i32.trunc_f64_s(-2147483648.9) = -2147483648', () => {
    const c = casesOf('controls').find((x) => x.tags!['control'] === 'i32.trunc_f64_s/edge' && x.tags!['detail'] === 'min')!;
    expect(c.steps[1]!.expect.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '-2147483648' }] });
  });
});

describe('wasi-exit expectations', () => {
  it('uses raw guest codes, including every special code', () => {
    const codes = new Set(casesOf('wasi-exit').map((c) => Number(c.tags!['code'])));
    for (const code of SPECIAL_CODES) expect(codes.has(code), `code ${code}`).toBe(true);
    const c = casesOf('wasi-exit').find((x) => x.tags!['code'] === '4294967295')!;
    const exitStep = c.steps.find((s) => s.expect.outcome?.kind === 'exit')!;
    expect(exitStep.expect.outcome).toEqual({ kind: 'exit', code: 4294967295 });
  });
  it('declares wasi and drives the right steps per site', () => {
    for (const c of casesOf('wasi-exit')) {
      expect(c.features).toContain('wasi');
      const ops = c.steps.map((s) => s.op).join(',');
      const site = c.tags!['site'];
      const want = { 'start-section': 'instantiate', export: 'instantiate,invoke', reuse: 'instantiate,start,invoke' }[site as string] ?? 'instantiate,start';
      expect(ops, `${c.id} ${site}`).toBe(want);
      if (site === 'return') expect(c.steps[1]!.expect.outcome).toEqual({ kind: 'exit', code: 0 });
    }
  });
});

describe('builder', () => {
  it('names the generator when binaryen rejects a module, and frees it', () => {
    expect(() =>
      buildModule('test-gen', [], (m) => {
        m.addFunction('f', binaryen.none, binaryen.i32, [], m.i64.const(1 as unknown as number));
      }),
    ).toThrow(/generator test-gen: binaryen rejected the module/);
  });
  it('prints WAT on demand', () => {
    const c = generateCase('controls', 1, 0);
    expect(moduleText(c.modules[0]!.bytes)).toMatch(/\(module/);
  });
});
