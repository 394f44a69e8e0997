/** The one state reader (src/runtime/state-reader.ts) every runner observes memory and globals with. */
import { describe, expect, it } from 'vitest';
import { fromJs } from '../../src/values.ts';
import { readGlobals, readRegions } from '../../src/runtime/state-reader.ts';
import { CaseRun } from '../../src/runtime/exec.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { readSignatures } from '../../src/wasm/signatures.ts';
import { mkCase, wat } from './helpers.ts';

const MODULE = `(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\\01\\ab\\ff")
  (global (export "g32") i32 (i32.const -7))
  (global (export "g64") (mut i64) (i64.const -9007199254740993))
  (global (export "gf") f32 (f32.const -0))
  (global (export "gref") externref (ref.null extern))
  (global (export "gvec") v128 (v128.const i64x2 0 0))
  (func (export "f")))`;

describe('readRegions', () => {
  it('reads each region as lowercase hex and cuts off bytes past the end of memory', () => {
    // Arrange
    const memory = new WA.Memory({ initial: 1 });
    new Uint8Array(memory.buffer).set([0x01, 0xab, 0xff], 0);
    new Uint8Array(memory.buffer).set([0x10, 0x20], 65534);
    // Act
    const regions = readRegions(memory, [
      { offset: 0, hex: '000000' },
      { offset: 65534, hex: '00000000' },
      { offset: 70000, hex: '00' },
    ]);
    // Assert
    expect(regions).toEqual([
      { offset: 0, hex: '01abff' },
      { offset: 65534, hex: '1020' },
      { offset: 70000, hex: '' },
    ]);
  });

  it('observes nothing without a memory', () => {
    expect(readRegions(undefined, [{ offset: 0, hex: '00' }])).toEqual([]);
  });
});

describe('readGlobals', () => {
  const bytes = wat(MODULE);
  const exports = new WA.Instance(new WA.Module(bytes), {}).exports;
  const sigs = readSignatures(bytes).exports;
  const plain = { value: (type: Parameters<typeof fromJs>[0], x: unknown) => fromJs(type, x) };

  it('converts every global that crosses the JS boundary and leaves out the rest', () => {
    // Act
    const globals = readGlobals(exports, sigs, ['g32', 'g64', 'gf', 'gref', 'gvec', 'f', 'missing'], plain);
    // Assert: v128, a function and an absent name are reported missing (the judge names them)
    expect(globals).toEqual({
      g32: { type: 'i32', value: '-7' },
      g64: { type: 'i64', value: '-9007199254740993' },
      gf: { type: 'f32', value: '-0' },
      gref: { type: 'externref', value: 'null' },
    });
  });

  it('leaves out a global whose value the reader cannot convert', () => {
    const failing = { value: (): never => { throw new Error('unconvertible'); } };
    expect(readGlobals(exports, sigs, ['g32'], failing)).toEqual({});
  });
});

describe('the step executor observes through the shared reader', () => {
  it('reports memory and globals of the addressed instance, and exposes that instance', () => {
    // Arrange
    const run = new CaseRun(mkCase([MODULE], []));
    run.step({ op: 'instantiate', as: 'a', expect: {} });
    // Act
    const obs = run.step({ op: 'invoke', instance: 'a', export: 'f', args: [], expect: { memory: [{ offset: 1, hex: '0000' }], globals: { g32: { type: 'i32', value: '0' }, gvec: { type: 'i32', value: '0' } } } });
    // Assert
    expect(obs).toEqual({ outcome: { kind: 'return', values: [] }, memory: [{ offset: 1, hex: 'abff' }], globals: { g32: { type: 'i32', value: '-7' } } });
    expect(run.instance('a')?.exports['f']).toBeTypeOf('function');
    expect(run.instance('b')).toBeUndefined();
  });
});
