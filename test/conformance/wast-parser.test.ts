import { describe, expect, it } from 'vitest';
import { TrapcheckError } from '../../src/errors.ts';
import { parseFloatLiteral, parseIntBits } from '../../src/conformance/wast/numbers.ts';
import type { Command, ModuleCommand } from '../../src/conformance/wast/script.ts';
import { parseScript } from '../../src/conformance/wast/script.ts';
import { readSExprs, SourceText } from '../../src/conformance/wast/sexpr.ts';
import { detectBinaryFeatures, detectFeatures } from '../../src/conformance/wast/features.ts';
import { trapKindsFor } from '../../src/conformance/wast/patterns.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string): Command[] => parseScript('t.wast', enc(s)).commands;
const text = (m: ModuleCommand): string => (m.source.kind === 'binary' ? '' : new TextDecoder().decode(m.source.text));

function parseError(s: string): string {
  try {
    parse(s);
  } catch (e) {
    expect(e).toBeInstanceOf(TrapcheckError);
    expect((e as TrapcheckError).code).toBe('SPEC_PARSE_ERROR');
    return (e as Error).message;
  }
  throw new Error('expected a parse error');
}

describe('S-expression reader', () => {
  it('skips line and nested block comments and keeps positions', () => {
    const nodes = readSExprs(new SourceText('f', ';; c\n(; a (; b ;) ;)\n  (x "y\\n" $z)'));
    expect(nodes).toHaveLength(1);
    const l = nodes[0]!;
    expect(l).toMatchObject({ kind: 'list', line: 3, col: 3 });
    if (l.kind !== 'list') throw new Error();
    expect(l.items.map((i) => i.kind)).toEqual(['atom', 'string', 'atom']);
    expect(l.items[1]).toMatchObject({ bytes: Uint8Array.from([0x79, 0x0a]) });
  });

  it('decodes every string escape to bytes', () => {
    const [s] = readSExprs(new SourceText('f', '"\\t\\n\\r\\"\\\'\\\\\\00\\ff\\u{263a}"'));
    expect(s?.kind === 'string' && [...s.bytes]).toEqual([9, 10, 13, 34, 39, 92, 0, 0xff, 0xe2, 0x98, 0xba]);
  });

  it('keeps raw non-UTF-8 bytes', () => {
    const src = SourceText.fromBytes('f', Uint8Array.from([0x28, 0x22, 0xff, 0x00, 0x22, 0x29]));
    const [l] = readSExprs(src);
    expect(l?.kind === 'list' && l.items[0]?.kind === 'string' && [...l.items[0].bytes]).toEqual([0xff, 0]);
  });

  it('treats annotations as trivia for the grammar but records them', () => {
    const [l] = readSExprs(new SourceText('f', '((@a x (y)) module (@b) $m)'));
    if (l?.kind !== 'list') throw new Error();
    expect(l.items.map((i) => (i.kind === 'atom' ? i.text : i.kind))).toEqual(['module', '$m']);
    expect(l.annotations).toHaveLength(2);
  });

  it('reports unterminated strings, comments and lists with file:line:col', () => {
    expect(() => readSExprs(new SourceText('f.wast', '\n  "abc'))).toThrow('f.wast:2:3: unterminated string');
    expect(() => readSExprs(new SourceText('f.wast', '(; x'))).toThrow('f.wast:1:1: unterminated block comment');
    expect(() => readSExprs(new SourceText('f.wast', '(a\n (b)'))).toThrow('f.wast:1:1: unclosed parenthesis');
    expect(() => readSExprs(new SourceText('f.wast', 'a )'))).toThrow('f.wast:1:3: unexpected ")"');
    expect(() => readSExprs(new SourceText('f.wast', '"\\q"'))).toThrow('f.wast:1:2: unknown escape');
  });

  it('strict mode rejects empty identifiers and annotation ids', () => {
    expect(() => readSExprs(new SourceText('q', '(func $)'), true)).toThrow('empty identifier');
    expect(() => readSExprs(new SourceText('q', '(func $"")'), true)).toThrow('empty identifier');
    expect(() => readSExprs(new SourceText('q', '(@ x)'), true)).toThrow('empty annotation id');
    expect(() => readSExprs(new SourceText('q', '(@"\\ef")'), true)).toThrow('malformed UTF-8');
    expect(() => readSExprs(new SourceText('q', '(func $"a b" (@x))'), true)).not.toThrow();
  });
});

describe('numeric literals', () => {
  it('integers: signed and unsigned ranges, hex, underscores', () => {
    expect(parseIntBits('-1', 32)).toBe(0xffffffffn);
    expect(parseIntBits('0xffff_ffff', 32)).toBe(0xffffffffn);
    expect(parseIntBits('-0x8000_0000', 32)).toBe(0x80000000n);
    expect(parseIntBits('1_000', 64)).toBe(1000n);
    expect(() => parseIntBits('0x1_0000_0000', 32)).toThrow('out of range');
    expect(() => parseIntBits('-0x8000_0001', 32)).toThrow('out of range');
    expect(() => parseIntBits('1__0', 32)).toThrow('malformed');
  });

  it('floats round once, to nearest even (no double rounding through f64)', () => {
    // just above the halfway point between 1 and 1+2^-23: Math.fround(Number(s)) gives 1.0
    expect(parseFloatLiteral('1.0000000596046447753906251', 'f32')).toEqual({ kind: 'bits', bits: 0x3f800001n });
    expect(parseFloatLiteral('1.000000059604644775390625', 'f32')).toEqual({ kind: 'bits', bits: 0x3f800000n });
    expect(parseFloatLiteral('16777217', 'f32')).toEqual({ kind: 'bits', bits: 0x4b800000n });
    expect(parseFloatLiteral('0x1.fffffep+127', 'f32')).toEqual({ kind: 'bits', bits: 0x7f7fffffn });
    expect(parseFloatLiteral('0x1p-149', 'f32')).toEqual({ kind: 'bits', bits: 1n });
    expect(parseFloatLiteral('-0x1p-1074', 'f64')).toEqual({ kind: 'bits', bits: 0x8000000000000001n });
    expect(parseFloatLiteral('1e-400', 'f64')).toEqual({ kind: 'bits', bits: 0n });
    expect(parseFloatLiteral('-0', 'f64')).toEqual({ kind: 'bits', bits: 0x8000000000000000n });
    expect(parseFloatLiteral('0.1', 'f64')).toEqual({ kind: 'bits', bits: 0x3fb999999999999an });
    expect(() => parseFloatLiteral('1e39', 'f32')).toThrow('out of range');
  });

  it('NaNs: payloads, signs and the result-only patterns', () => {
    expect(parseFloatLiteral('nan', 'f32')).toEqual({ kind: 'bits', bits: 0x7fc00000n });
    expect(parseFloatLiteral('-nan:0x200000', 'f32')).toEqual({ kind: 'bits', bits: 0xffa00000n });
    expect(parseFloatLiteral('nan:0x1', 'f64')).toEqual({ kind: 'bits', bits: 0x7ff0000000000001n });
    expect(parseFloatLiteral('-inf', 'f64')).toEqual({ kind: 'bits', bits: 0xfff0000000000000n });
    expect(parseFloatLiteral('nan:canonical', 'f32', true)).toEqual({ kind: 'nan-pattern', nan: 'canonical' });
    expect(() => parseFloatLiteral('nan:arithmetic', 'f32')).toThrow('only allowed as an expected result');
    expect(() => parseFloatLiteral('nan:0x800000', 'f32')).toThrow('payload out of range');
  });
});

describe('script commands', () => {
  it('module forms: text, named, binary, quote, definition, instance', () => {
    const cmds = parse(`
(module $m (func))
(module binary "\\00asm" "\\01\\00\\00\\00")
(module $q quote "(func)" "(memory 1)")
(module definition $D (memory 1))
(module instance $I $D)
(module instance $D)`);
    expect(cmds.map((c) => c.type)).toEqual(['module', 'module', 'module', 'module', 'instance', 'instance']);
    const [m, b, q, d, i, j] = cmds as [ModuleCommand, ModuleCommand, ModuleCommand, ModuleCommand, Command, Command];
    expect(m).toMatchObject({ name: '$m', definition: false, line: 2, col: 1 });
    expect(text(m)).toMatch(/^\n\(module \$m \(func\)\)$/);
    expect(b.source).toMatchObject({ kind: 'binary', bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) });
    expect(q).toMatchObject({ name: '$q', source: { kind: 'quote' } });
    expect(text(q)).toBe('(module (func)(memory 1)\n)');
    expect(d).toMatchObject({ name: '$D', definition: true });
    expect(text(d)).not.toContain('definition');
    expect(i).toMatchObject({ type: 'instance', name: '$I', module: '$D' });
    expect(j).toMatchObject({ type: 'instance', module: '$D' });
  });

  it('module text keeps file positions and expands (ref null func) and $"…" ids', () => {
    const [m] = parse('\n\n  (module (func $"a b" (param (ref null func)) (@x y)))') as [ModuleCommand];
    const t = text(m);
    expect(t.split('\n')).toHaveLength(3);
    expect(t).toContain('(param funcref');
    expect(t).toContain('$q612062');
    expect(t).not.toContain('@x');
  });

  it('a script of bare module fields is one module', () => {
    const cmds = parse('(func) (memory 0) (func (export "f"))');
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toMatchObject({ type: 'module', definition: false });
  });

  it('register, invoke and get (with and without module names)', () => {
    const cmds = parse('(register "M") (register "N" $n) (invoke "f" (i32.const 1) (f64.const -0)) (get $m "g")');
    expect(cmds[0]).toMatchObject({ type: 'register', as: 'M' });
    expect(cmds[1]).toMatchObject({ type: 'register', as: 'N', name: '$n' });
    expect(cmds[2]).toMatchObject({ type: 'action', action: { type: 'invoke', field: 'f', args: [{ type: 'i32', bits: 1n }, { type: 'f64', bits: 0x8000000000000000n }] } });
    expect(cmds[3]).toMatchObject({ type: 'action', action: { type: 'get', module: '$m', field: 'g' } });
  });

  it('every assertion form', () => {
    const cmds = parse(`
(assert_return (invoke "f") (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic))
(assert_return (invoke "v" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)) (v128.const f32x4 nan:canonical 1 -0 nan:0x200000))
(assert_return (invoke "r" (ref.null extern) (ref.extern 3)) (ref.null func) (ref.extern 3) (ref.func) (ref.null) (either (i32.const 1) (i32.const 2)))
(assert_return (get "g") (i64.const -1))
(assert_trap (invoke "t") "unreachable")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_exhaustion (invoke "deep") "call stack exhausted")
(assert_exception (invoke "throw"))
(assert_malformed (module quote "(func") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module binary "") "x")`);
    const types = cmds.map((c) => (c.type === 'assertion' ? c.assertion.type : c.type));
    expect(types).toEqual(['assert_return', 'assert_return', 'assert_return', 'assert_return', 'assert_trap', 'assert_trap_module', 'assert_exhaustion', 'assert_exception', 'assert_malformed', 'assert_invalid', 'assert_unlinkable', 'assert_uninstantiable']);
    const a0 = cmds[0]!.type === 'assertion' && cmds[0]!.assertion;
    expect(a0 && a0.type === 'assert_return' && a0.results).toEqual([{ type: 'i32', bits: 1n }, { type: 'f32', nan: 'canonical' }, { type: 'f64', nan: 'arithmetic' }]);
    const a1 = cmds[1]!.type === 'assertion' && cmds[1]!.assertion;
    if (!a1 || a1.type !== 'assert_return' || a1.action.type !== 'invoke') throw new Error();
    expect(a1.action.args[0]).toMatchObject({ type: 'v128' });
    expect(a1.results[0]).toEqual({ type: 'v128', shape: 'f32x4', lanes: [{ nan: 'canonical' }, { bits: 0x3f800000n }, { bits: 0x80000000n }, { bits: 0x7fa00000n }] });
    const a2 = cmds[2]!.type === 'assertion' && cmds[2]!.assertion;
    expect(a2 && a2.type === 'assert_return' && a2.results.map((r) => r.type)).toEqual(['ref.null', 'ref.extern', 'ref.func', 'ref.null', 'either']);
    expect(cmds[4]).toMatchObject({ line: 6, col: 1, assertion: { message: 'unreachable' } });
  });

  it('names bad input with file:line:col', () => {
    expect(parseError('\n(assert_return (invoke "f" (i32.const 0x1_0000_0000)))')).toBe('t.wast:2:39: integer constant out of range for i32: 0x1_0000_0000');
    expect(parseError('(frobnicate)')).toBe('t.wast:1:1: unknown command "frobnicate"');
    expect(parseError('(assert_trap (invoke "f"))')).toMatch(/^t\.wast:1:1: assert_trap: expected a failure message string/);
    expect(parseError('(assert_return (invoke "f") (v128.const i32x4 1 2 3))')).toMatch(/^t\.wast:1:29: v128\.const i32x4: expected 4 lanes, found 3/);
    expect(parseError('(assert_return (invoke "f" (f32.const nan:canonical)))')).toMatch(/^t\.wast:1:39: .*only allowed as an expected result/);
    expect(parseError('(register $m)')).toMatch(/^t\.wast:1:11: register: expected a module name string/);
    expect(parseError('(module binary "\\00" $x)')).toMatch(/^t\.wast:1:22: module binary: expected strings/);
    expect(parseError('(assert_invalid (module instance $I $M) "x")')).toMatch(/^t\.wast:1:17: expected a module/);
    expect(parseError('(invoke "\\ff")')).toBe('t.wast:1:9: name is not valid UTF-8');
  });
});

describe('feature detection from the module itself', () => {
  const features = (s: string): string[] => {
    const [m] = parse(s) as [ModuleCommand];
    return m.source.kind === 'text' ? [...detectFeatures(m.source.node)].sort() : [];
  };
  it('finds each proposal by its syntax', () => {
    expect(features('(module (func (result i32) (i32.const 1)))')).toEqual([]);
    expect(features('(module (func (param (ref null func) (ref null extern))))')).toEqual([]);
    expect(features('(module (type $t (func)) (func (param (ref $t))))')).toEqual(['function-references']);
    expect(features('(module (type (struct (field i32))))')).toEqual(['gc']);
    expect(features('(module (memory i64 1))')).toEqual(['memory64']);
    expect(features('(module (memory (export "m") i64 1))')).toEqual(['memory64']);
    expect(features('(module (table i64 1 funcref))')).toEqual(['table64']);
    expect(features('(module (memory 1) (memory 1))')).toEqual(['multi-memory']);
    expect(features('(module (import "a" "b" (memory 1)) (memory 1))')).toEqual(['multi-memory']);
    expect(features('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))')).toEqual(['extended-const']);
    expect(features('(module (global $a i32 (i32.const 1)) (global i32 (global.get $a)))')).toEqual(['gc']);
    expect(features('(module (global $a (import "m" "g") i32) (global i32 (global.get $a)))')).toEqual([]);
    expect(features('(module (table 1 funcref (ref.null func)))')).toEqual(['function-references']);
    expect(features('(module (func (block (try_table))))')).toEqual(['exnref']);
    expect(features('(module (tag $e) (func (throw $e)))')).toEqual(['exceptions']);
    expect(features('(module (func (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))')).toEqual(['relaxed-simd', 'simd']);
    expect(features('(module (memory 1 (pagesize 1)))')).toEqual(['custom-page-sizes']);
    expect(features('(module (func $f (return_call $f)))')).toEqual(['tail-call']);
  });
  it('reads binary modules from their section headers', () => {
    const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));
    expect([...detectBinaryFeatures(hex('0061736d010000000503010401'))]).toEqual(['memory64']);
    expect([...detectBinaryFeatures(hex('0061736d0100000005050200010001'))]).toEqual(['multi-memory']);
    expect([...detectBinaryFeatures(hex('0061736d010000000103015f00'))]).toEqual(['gc']);
    expect([...detectBinaryFeatures(hex('0061736d0100000001040160000003020100'))]).toEqual([]);
  });
});

describe('spec trap messages → TrapKind', () => {
  it('maps by prefix as the reference interpreter compares', () => {
    expect(trapKindsFor('out of bounds memory access')).toEqual(['out of bounds memory access']);
    expect(trapKindsFor('uninitialized element 2')).toEqual(['uninitialized element']);
    expect(trapKindsFor('call stack exhausted')).toEqual(['call stack exhausted']);
    expect(trapKindsFor('out of bounds')).toEqual(['out of bounds memory access', 'out of bounds table access']);
    expect(trapKindsFor('cast failure')).toBeUndefined();
    expect(trapKindsFor('null array reference')).toBeUndefined();
  });
});
