import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FAMILY_NAMES } from '../../generators/index.ts';
import { TrapcheckError } from '../../src/errors.ts';
import { CONFORMANCE_DEFAULTS, resolveConformanceOptions } from '../../src/vitest/options.ts';

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof TrapcheckError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a TrapcheckError');
};

describe('conformance() options', () => {
  afterEach(() => fc.resetConfigureGlobal());

  it('fills the documented defaults', () => {
    const r = resolveConformanceOptions({ runtime: 'reference', seed: 5 });
    expect(CONFORMANCE_DEFAULTS).toEqual({ runs: 100, per: 'family', timeout: 60_000, maxFailuresShown: 5 });
    expect(r).toEqual({ runtime: 'reference', families: [...FAMILY_NAMES], seed: 5, paths: Array.from({ length: 100 }, (_, i) => String(i)), path: undefined, per: 'family', name: undefined, timeout: 60_000, maxFailuresShown: 5, reproDir: undefined });
  });

  it('takes the seed from fast-check’s global configuration when none is given (the @fast-check/vitest convention)', () => {
    fc.configureGlobal({ seed: 77 });
    expect(resolveConformanceOptions({ runtime: 'reference' }).seed).toBe(77);
    expect(resolveConformanceOptions({ runtime: 'reference', seed: 3 }).seed).toBe(3);
    // fast-check seeds may be negative; trapcheck's are not: the same 32 bits, unsigned
    fc.configureGlobal({ seed: -2 });
    expect(resolveConformanceOptions({ runtime: 'reference' }).seed).toBe(2 ** 32 - 2);
  });

  it('replays one path of one family', () => {
    const r = resolveConformanceOptions({ runtime: 'reference', families: ['core-traps'], seed: 1, path: '17:3:0', runs: 5 });
    expect([r.paths, r.path]).toEqual([['17:3:0'], '17:3:0']);
  });

  it('refuses bad options with one line naming the option', () => {
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', families: ['nope'] }))).toMatch(/^UNKNOWN_FAMILY: unknown family "nope"; valid families: core-traps/);
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', families: [] }))).toMatch(/^USAGE: conformance: `families` is empty/);
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', runs: 0 }))).toBe('USAGE: conformance: `runs` must be an integer ≥ 1, got 0');
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', seed: -1 }))).toBe('USAGE: conformance: `seed` must be an integer ≥ 0, got -1');
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', seed: 1, path: '3' }))).toMatch(/^USAGE: conformance: `path` replays one case of one family; got \d+ families$/);
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', families: ['wasi-exit'], path: '3:x' }))).toBe(`USAGE: conformance: \`path\` must look like '17' or '17:3:0', got "3:x"`);
    expect(usage(() => resolveConformanceOptions({ runtime: 'reference', per: 'file' as 'case' }))).toBe(`USAGE: conformance: \`per\` must be 'family' or 'case', got "file"`);
    expect(usage(() => resolveConformanceOptions({ runtime: 42 as unknown as string }))).toMatch(/^USAGE: conformance: `runtime` must be/);
  });
});
