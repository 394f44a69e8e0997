import { describe, expect, it } from 'vitest';
import { crossesJsBoundary, readSignatures, SignatureError } from '../../src/wasm/signatures.ts';
import { wat } from './helpers.ts';

describe('readSignatures', () => {
  it('reads function, global, memory and table exports, counting imports in the index spaces', () => {
    const s = readSignatures(
      wat(`(module
        (type $unused (func (param f64)))
        (import "m" "f" (func $imp (param i64) (result f32)))
        (import "m" "g" (global $gi (mut f64)))
        (import "m" "mem" (memory 1))
        (func $a (param i32 i64 f32 f64) (result i32 i64) (i32.const 0) (i64.const 0))
        (func $b (param v128 externref funcref))
        (global $gl i64 (i64.const 7))
        (table $t 1 funcref)
        (export "a" (func $a)) (export "b" (func $b)) (export "imp" (func $imp))
        (export "gi" (global $gi)) (export "gl" (global $gl)) (export "mem" (memory 0)) (export "t" (table $t)))`),
    );
    expect(s.exports.get('a')).toEqual({ kind: 'func', params: ['i32', 'i64', 'f32', 'f64'], results: ['i32', 'i64'] });
    expect(s.exports.get('b')).toEqual({ kind: 'func', params: ['v128', 'externref', 'funcref'], results: [] });
    expect(s.exports.get('imp')).toEqual({ kind: 'func', params: ['i64'], results: ['f32'] });
    expect(s.exports.get('gi')).toEqual({ kind: 'global', type: 'f64', mutable: true });
    expect(s.exports.get('gl')).toEqual({ kind: 'global', type: 'i64', mutable: false });
    expect(s.exports.get('mem')).toEqual({ kind: 'memory' });
    expect(s.exports.get('t')).toEqual({ kind: 'table' });
    expect(s.imports).toEqual([
      { module: 'm', name: 'f', kind: 'func' },
      { module: 'm', name: 'g', kind: 'global' },
      { module: 'm', name: 'mem', kind: 'memory' },
    ]);
  });

  it('skips sections it does not need and rejects non-wasm input', () => {
    const s = readSignatures(wat('(module (memory 1) (data (i32.const 0) "abc") (func (export "f") (result i32) (i32.const 1)) (start 0))'.replace('(start 0)', '')));
    expect(s.exports.get('f')).toEqual({ kind: 'func', params: [], results: ['i32'] });
    expect(() => readSignatures(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(SignatureError);
  });

  it('knows which types cross the JS boundary', () => {
    expect(crossesJsBoundary('i64')).toBe(true);
    expect(crossesJsBoundary('externref')).toBe(true);
    expect(crossesJsBoundary('v128')).toBe(false);
    expect(crossesJsBoundary('other:0x6e')).toBe(false);
  });
});
