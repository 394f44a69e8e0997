/**
 * What mutations leave alone: functions on a call cycle (their frames stay as they are, so a
 * bounded recursion keeps its margin), memories a step reads, whole cases whose instruction counts
 * are observable, and WASI argv, which defaults to the case id, is pinned to the original's.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { mutateCase } from '../../src/mutate/index.ts';
import { ModuleFacts } from '../../src/mutate/module-facts.ts';
import { watToBinary } from '../../src/wasm/wabt.ts';
import { plainCase } from './helpers.ts';

const GROWING = ['context', 'dead-code', 'outline-call', 'outline-subexpr', 'add-locals', 'deep-nesting'] as const;

describe('what mutations leave alone', () => {
  it('a recursive function keeps its body byte for byte; the rest of the module is still mutated', async () => {
    // Arrange: $sum recurses; $helper does not
    const wat = `(module
      (func $sum (export "sum") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (local.get $n) (call $sum (i32.sub (local.get $n) (i32.const 1)))))))
      (func $helper (export "helper") (result i32) (i32.add (i32.const 1) (i32.const 2))))`;
    const c: Case = { ...(await plainCase()), id: 'test/recursive', modules: [{ bytes: await watToBinary(wat) }], steps: [{ op: 'instantiate', expect: {} }] };
    const facts = new ModuleFacts(c.modules[0]!.bytes);
    const bodyOf = (f: ModuleFacts, i: number): string => Buffer.from(f.bytes.subarray(f.body(i).start, f.body(i).end)).toString('hex');
    // Act
    const mutated = Array.from({ length: 12 }, (_, index) => mutateCase(c, { seed: 3, index }, { transforms: GROWING }).case!);
    // Assert
    expect(facts.growable()).toEqual([1]);
    for (const m of mutated) expect(bodyOf(new ModuleFacts(m.modules[0]!.bytes), 0)).toBe(bodyOf(facts, 0));
    expect(new Set(mutated.map((m) => bodyOf(new ModuleFacts(m.modules[0]!.bytes), 1))).size).toBeGreaterThan(6);
  });

  it('no memory is added when a step reads memory', async () => {
    const c = await plainCase();
    const reading: Case = { ...c, steps: [{ op: 'instantiate', expect: { memory: [{ offset: 0, hex: '' }] } }] };
    expect(mutateCase(c, { seed: 1, index: 0 }, { transforms: ['add-memory'] }).applied).toEqual(['add-memory']);
    const m = mutateCase(reading, { seed: 1, index: 0 }, { transforms: ['add-memory'] });
    expect(m.case).toBeUndefined();
    expect(m.skipped).toContain('add-memory: a step reads memory');
  });

  it('cases whose instruction counts are observable are not mutated at all', async () => {
    const c = await plainCase();
    for (const feature of ['fuel', 'asyncify', 'lunatic'] as const) {
      const m = mutateCase({ ...c, features: [feature] }, { seed: 1, index: 0 });
      expect(m.case).toBeUndefined();
      expect(m.skipped[0]).toMatch(/^case: (fuel|lunatic)/);
    }
  });

  it('WASI argv stays the original case id', async () => {
    const wat = `(module
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $sizes (i32.const 0) (i32.const 4)))))`;
    const c: Case = { ...(await plainCase()), id: 'test/argv', features: ['wasi'], modules: [{ bytes: await watToBinary(wat) }], steps: [{ op: 'start', expect: {} }] };
    const m = mutateCase(c, { seed: 1, index: 0 }, { transforms: ['add-table'] }).case!;
    expect(m.id).toBe('test/argv~1:0');
    expect(m.wasi?.args).toEqual(['test/argv']);
    // a corpus WASI case without argv imports keeps its configuration as it was
    const exit = await loadCaseFile('corpus/wasi-exit/' + (await import('node:fs')).readdirSync('corpus/wasi-exit').find((f) => f.endsWith('.json'))!);
    expect(mutateCase(exit, { seed: 1, index: 0 }, { transforms: ['add-table'] }).case!.wasi).toEqual(exit.wasi);
  });
});
