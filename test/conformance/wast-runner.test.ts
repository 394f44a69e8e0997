import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpecFileResult } from '../../src/conformance/wast/index.ts';
import { runSpec, specFiles } from '../../src/conformance/wast/index.ts';
import { looksBinary } from '../../src/conformance/wast/runner.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

let runtime: Runtime;
const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wast-'));
let n = 0;

beforeAll(() => {
  runtime = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await runtime.close();
});

async function run(script: string, options: { line?: number } = {}): Promise<SpecFileResult> {
  const file = join(dir, `s${++n}.wast`);
  writeFileSync(file, script);
  const r = await runSpec([file], runtime, options);
  expect(r.files).toHaveLength(1);
  return r.files[0]!;
}

const verdicts = (f: SpecFileResult): string[] => f.results.map((r) => `${r.line}:${r.verdict}`);

describe('runSpec on the reference runtime', () => {
  it('checks NaN payloads exactly through wrapper modules', async () => {
    const f = await run(`(module
  (func (export "id32") (param f32) (result f32) (local.get 0))
  (func (export "neg64") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "add32") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1))))
(assert_return (invoke "id32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke "id32" (f32.const -nan:0x1)) (f32.const -nan:0x1))
(assert_return (invoke "neg64" (f64.const nan:0x4)) (f64.const -nan:0x4))
(assert_return (invoke "add32" (f32.const nan) (f32.const 1)) (f32.const nan:canonical))
(assert_return (invoke "add32" (f32.const nan:0x200000) (f32.const 1)) (f32.const nan:arithmetic))
(assert_return (invoke "id32" (f32.const nan:0x200000)) (f32.const nan:0x200001))
(assert_return (invoke "id32" (f32.const nan:0x200000)) (f32.const nan:canonical))
`);
    expect(verdicts(f)).toEqual(['5:pass', '6:pass', '7:pass', '8:pass', '9:pass', '10:fail', '11:fail']);
    expect(f.results[5]!.reason).toBe('result 0: expected f32:nan:0x7fa00001, observed f32:nan:0x7fa00000');
  });

  it('passes v128 values through wrapper modules, lane by lane', async () => {
    const f = await run(`(module
  (func (export "id") (param v128) (result v128) (local.get 0))
  (func (export "two") (param v128) (result i32 v128) (i32.const 7) (local.get 0))
  (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
  (memory 1))
(assert_return (invoke "id" (v128.const i32x4 1 -2 3 0x7fffffff)) (v128.const i32x4 1 -2 3 0x7fffffff))
(assert_return (invoke "id" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)) (v128.const i64x2 0x0706050403020100 0x0f0e0d0c0b0a0908))
(assert_return (invoke "id" (v128.const f32x4 nan:0x1 1 -0 inf)) (v128.const f32x4 nan:0x1 1.0 -0.0 inf))
(assert_return (invoke "two" (v128.const f64x2 nan 2)) (i32.const 7) (v128.const f64x2 nan:canonical 2))
(assert_return (invoke "id" (v128.const i16x8 1 2 3 4 5 6 7 8)) (v128.const i16x8 1 2 3 4 5 6 7 9))
(assert_trap (invoke "load" (i32.const 65530)) "out of bounds memory access")
`);
    expect(verdicts(f)).toEqual(['6:pass', '7:pass', '8:pass', '9:pass', '10:fail', '11:pass']);
    expect(f.results[4]!.reason).toBe('result 0: expected v128:i16x8[1 2 3 4 5 6 7 9], observed v128:i16x8[1 2 3 4 5 6 7 8]');
  });

  it('skips what needs a missing proposal, names it, and still runs the rest of the file', async () => {
    const f = await run(`(module $a (func (export "f") (result i32) (i32.const 1)))
(module $b (memory i64 1) (func (export "g") (result i32) (i32.const 2)))
(assert_return (invoke $a "f") (i32.const 1))
(assert_return (invoke $b "g") (i32.const 2))
(register "b" $b)
(module (import "b" "g" (func (result i32))) (func (export "h") (result i32) (i32.const 3)))
(assert_return (invoke "h") (i32.const 3))
(assert_invalid (module (memory 1) (memory 1) (func (i32.load 2 (i32.const 0)))) "unknown memory")
(assert_return (invoke $a "f") (i32.const 1))
`);
    expect(verdicts(f)).toEqual(['3:pass', '4:skip', '7:skip', '8:skip', '9:pass']);
    expect(f.results[1]).toMatchObject({ feature: 'memory64', reason: 'unsupported: feature memory64' });
    expect(f.results[2]!.reason).toContain('(imports "b")');
    expect(f.results[3]!.feature).toBe('multi-memory');
    expect(f.skippedBy).toEqual({ 'feature memory64': 2, 'feature multi-memory': 1 });
    expect(f.usesUnsupportedFeature).toBe(true);
  });

  it('judges malformed/invalid/unlinkable/trap-on-instantiation modules', async () => {
    const f = await run(`(assert_malformed (module quote "(func") "unexpected end")
(assert_malformed (module quote "(func $)") "empty identifier")
(assert_malformed (module binary "\\00asm\\02\\00\\00\\00") "unknown binary version")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
`);
    expect(verdicts(f)).toEqual(['1:pass', '2:pass', '3:pass', '4:pass', '5:pass', '6:pass', '7:fail']);
    expect(f.results.map((r) => r.decidedBy)).toEqual(['text-parser', 'text-parser', 'engine', 'engine', 'engine', 'engine', 'engine']);
    expect(f.results[6]).toMatchObject({ observed: 'return []', replay: expect.stringMatching(/ spec .*s\d+\.wast --line 7$/) });
  });

  it('every assertion gets exactly one verdict, even when it cannot be converted', async () => {
    const f = await run(`(module (func (export "f") (result i32) (i32.const 1)) (func (export "t") unreachable))
(assert_return (invoke "nope") (i32.const 1))
(assert_return (invoke "f" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "t") "unreachable")
(assert_trap (invoke "f") "unreachable")
(assert_trap (invoke "t") "cast failure")
`);
    expect(verdicts(f)).toEqual(['2:fail', '3:fail', '4:pass', '5:fail', '6:pass']);
    expect(f.results[0]!.reason).toBe('the module has no export "nope"');
    expect(f.results[4]!.reason).toMatch(/judged by outcome kind/);
    expect(f).toMatchObject({ assertions: 5, passed: 2, failed: 3 });
  });

  it('a failed module is one failure at its line; the assertions that use it are blocked, with the reason', async () => {
    const f = await run(`(module (memory 1) (data (i32.const 65536) "x") (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
`);
    expect(f.results[0]).toMatchObject({ verdict: 'skip', blockedBy: expect.stringMatching(/:1$/) });
    expect(f.results[0]!.reason).toMatch(/^blocked: depends on the module at line 1 \(.*:1\), which failed there: trap "out of bounds memory access"/);
    expect(f.commands[0]).toMatchObject({ verdict: 'fail' });
    expect(f).toMatchObject({ failed: 0, commandsFailed: 1 });
  });

  it('--line replays one assertion with the state built by everything before it', async () => {
    const script = `(module (global $g (mut i32) (i32.const 0))
  (func (export "inc") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
(assert_return (invoke "inc") (i32.const 1))
(assert_return (invoke "inc") (i32.const 2))
(assert_return (invoke "inc") (i32.const 4))
(assert_return (invoke "inc") (i32.const 4))
`;
    const all = await run(script);
    expect(verdicts(all)).toEqual(['3:pass', '4:pass', '5:fail', '6:pass']);
    const one = await run(script, { line: 5 });
    expect(verdicts(one)).toEqual(['5:fail']);
    expect(one.results[0]!.reason).toBe('result 0: expected i32:4, observed i32:3');
  });

  it('reports a script that does not parse as a file error, with file:line:col', async () => {
    const f = await run('(module)\n(assert_return (invoke "f" (i32.const 99999999999)))');
    expect(f.error).toMatch(/s\d+\.wast:2:39: integer constant out of range for i32/);
    expect(f.assertions).toBe(0);
  });
});

describe('specFiles: a script named on the command line', () => {
  it('accepts a text script whose comment holds every control byte (as the core suite comments.wast does)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-spec-files-'));
    try {
      const script = join(dir, 'comments.wast');
      const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f';
      writeFileSync(script, `(module)\n${';; padding line of an ordinary script\n'.repeat(16)}(;${controls};)\n(assert_return (invoke "f"))\n`);
      expect(specFiles([script])).toEqual([script]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells binary data from text: invalid UTF-8 or mostly control bytes', () => {
    expect(looksBinary(new TextEncoder().encode('(module (func))\n'))).toBe(false);
    expect(looksBinary(new TextEncoder().encode('(; é ü ;)'))).toBe(false);
    // a read cut in the middle of a two-byte character is still text
    expect(looksBinary(new TextEncoder().encode('(; é').subarray(0, 5))).toBe(false);
    expect(looksBinary(new Uint8Array([0x28, 0x6d, 0xff, 0x29]))).toBe(true);
    expect(looksBinary(new Uint8Array([1, 2, 3, 0x41, 0, 0, 0, 0x42]))).toBe(true);
  });
});
