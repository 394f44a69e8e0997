/**
 * Who a case's results blame (src/fuzz/attribution.ts, issue #16 §1): a runtime failing alone, two
 * independent engines agreeing against the oracle, versions of one engine counted once, and the
 * all-pairs differential with disagreements attributed to the side that fails its expectation.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import type { Verdict } from '../../src/judge.ts';
import type { Observation } from '../../src/observation.ts';
import type { Outcome } from '../../src/outcome.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';
import type { RuntimeResult } from '../../src/fuzz/attribution.ts';
import { attributeCase, engineOf } from '../../src/fuzz/attribution.ts';

const profile = loadReferenceProfile();
const trapCase = {
  id: 'core-traps/1/0',
  family: 'core-traps',
  modules: [],
  features: [],
  steps: [{ op: 'invoke', export: 'run', args: [], expect: { outcome: { kind: 'trap', trap: 'integer divide by zero' } } }],
  provenance: { kind: 'hand-written', note: '' },
} as unknown as Case;

const trap = (kind: string): Outcome => ({ kind: 'trap', trap: [kind], message: kind }) as Outcome;
const observed = (o: Outcome): Observation => ({ steps: [{ outcome: o }], stdout: '', stderr: '' });
const pass = (name: string, o: Outcome = trap('integer divide by zero')): RuntimeResult => ({ name, profile, verdict: { verdict: 'pass' }, observation: observed(o) });
const fail = (name: string, o: Outcome, verdict: Partial<Verdict> = {}): RuntimeResult => ({
  name,
  profile,
  verdict: { verdict: 'fail', step: 0, expected: 'trap "integer divide by zero"', observed: JSON.stringify(o), ...verdict },
  observation: observed(o),
});

describe('engineOf', () => {
  it('folds versions, variants and shared engines', () => {
    expect(engineOf('wasm3@0.9.0')).toBe('wasm3');
    expect(engineOf('iwasm-classic@2.4.5')).toBe(engineOf('iwasm@2.0.0'));
    expect(engineOf('reference')).toBe('v8');
    expect(engineOf('deno-jspi')).toBe(engineOf('node'));
    expect(engineOf('bun')).toBe('jsc');
    expect(engineOf('wasmtime=/opt/wasmtime')).toBe('wasmtime');
    expect(engineOf('wazero@1.6.0')).not.toBe(engineOf('wasm3@0.5.0'));
  });
});

describe('attributeCase', () => {
  it('a runtime failing alone is its own verdict finding, with who passed', () => {
    const a = attributeCase(trapCase, [pass('reference'), fail('wasm3@0.9.0', trap('unreachable')), pass('wazero@1.6.0')], false);
    expect(a.candidates).toHaveLength(1);
    expect(a.candidates[0]).toMatchObject({ kind: 'verdict', runtimes: ['wasm3@0.9.0'], agreedBy: ['reference', 'wazero@1.6.0'] });
    expect(a.candidates[0]!.signature).toBe('fail · core-traps · wasm3@0.9.0 · step invoke · expected trap "integer divide by zero", observed trap "unreachable"');
    expect(a.rowSignatures).toEqual([undefined, a.candidates[0]!.signature, undefined]);
    expect(a.differential).toBeUndefined();
  });

  it('two independent engines failing the same way blame the oracle, not themselves', () => {
    const a = attributeCase(trapCase, [fail('reference', trap('unreachable')), fail('wazero@1.6.0', trap('unreachable')), pass('wasm3@0.9.0')], false);
    expect(a.candidates).toEqual([
      expect.objectContaining({ kind: 'oracle', runtimes: ['reference', 'wazero@1.6.0'], agreedBy: ['wasm3@0.9.0'], signature: 'suspected oracle bug · core-traps · step invoke · expected trap "integer divide by zero", observed trap "unreachable"' }),
    ]);
    // the rows still carry each runtime's own failure (tallies and buckets are unchanged)
    expect(a.rowSignatures.filter(Boolean)).toHaveLength(2);
  });

  it('versions of one engine are not independent: two verdict findings, no oracle finding', () => {
    const a = attributeCase(trapCase, [pass('reference'), fail('wasm3@0.5.0', trap('unreachable')), fail('wasm3@0.9.0', trap('unreachable'))], false);
    expect(a.candidates.map((c) => [c.kind, c.runtimes])).toEqual([
      ['verdict', ['wasm3@0.5.0']],
      ['verdict', ['wasm3@0.9.0']],
    ]);
  });

  it('different failures of two engines stay two verdict findings', () => {
    const a = attributeCase(trapCase, [fail('wazero@1.6.0', trap('unreachable')), fail('wasm3@0.9.0', trap('out of bounds memory access'))], false);
    expect(a.candidates.map((c) => c.kind)).toEqual(['verdict', 'verdict']);
  });

  it('harness crashes alike are not engines agreeing', () => {
    const crash: Outcome = { kind: 'crash', detail: 'runtime failed' };
    const a = attributeCase(trapCase, [fail('wazero@1.6.0', crash), fail('wasm3@0.9.0', crash)], false);
    expect(a.candidates.map((c) => c.kind)).toEqual(['verdict', 'verdict']);
  });

  it('differential: every pair compared; a disagreement with a failing side is attributed to it', () => {
    const a = attributeCase(trapCase, [pass('reference'), pass('wazero@1.6.0'), fail('wasm3@0.9.0', trap('unreachable'))], true);
    expect(a.differential).toEqual({ compared: 3, agreed: 1, disagreed: 2, attributed: 2, quarantined: {} });
    expect(a.candidates.map((c) => c.kind)).toEqual(['verdict']);
  });

  it('differential: a disagreement the expectation cannot decide is a finding of the pair', () => {
    // both pass (an imprecise engine's set overlaps the expectation) yet their sets do not overlap
    const wide: Outcome = { kind: 'trap', trap: ['integer divide by zero', 'integer overflow'], message: '' } as Outcome;
    const stateOnly = { ...trapCase, steps: [{ ...trapCase.steps[0]!, expect: {} }] } as Case;
    const a = attributeCase(stateOnly, [pass('reference', { kind: 'return', values: [] }), pass('wazero@1.6.0', wide)], true);
    expect(a.differential).toMatchObject({ compared: 1, disagreed: 1, attributed: 0 });
    expect(a.candidates).toEqual([expect.objectContaining({ kind: 'differential', runtimes: ['reference', 'wazero@1.6.0'], signature: 'differential · core-traps · reference vs wazero@1.6.0 · step invoke · return vs trap "integer divide by zero"|"integer overflow"' })]);
  });

  it('a known divergence quarantines the pair', () => {
    const a = attributeCase(trapCase, [pass('reference'), { ...pass('jco', trap('unreachable')), verdict: { verdict: 'known-divergence', divergence: 'x' } }], true);
    expect(a.differential).toMatchObject({ compared: 1, disagreed: 0, quarantined: { 'known divergence x': 1 } });
    expect(a.candidates).toEqual([]);
  });
});

describe('oracleTag', () => {
  it('writes runs of one expectation row once, with their length', async () => {
    const { oracleTag } = await import('../../src/fuzz/state.ts');
    const step = (op: string, kind?: string) => ({ op, expect: kind ? { outcome: { kind } } : {} });
    const steps = [step('instantiate', 'return'), ...Array.from({ length: 2000 }, () => step('call', 'suspended')), step('invoke', 'trap'), step('get')];
    expect(oracleTag({ steps } as never)).toBe('instantiate→return call→suspended×2000 invoke→trap get→state');
    expect(oracleTag({ steps: [step('invoke', 'trap')] } as never)).toBe('invoke→trap');
  });
});
