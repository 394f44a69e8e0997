/**
 * The `wabt-wasi` evaluator: wasm-interp running WASI commands through the wasm shim. It must
 * confirm a right expectation and catch a planted wrong one (exit code, stdout, stderr, the step
 * that exits), read exits from `_start`, an export and the start section, keep the output written
 * before an exit (iovecs split, text up to the last byte of memory), and call what the shim cannot
 * do exactly not evaluable (another fd, a buffer outside memory, another WASI function), never a pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, Expectation } from '../../src/case.ts';
import { checkBatch } from '../../src/oracle-check/check.ts';
import type { Evaluator } from '../../src/oracle-check/evaluator.ts';
import { createEvaluator } from '../../src/oracle-check/evaluator.ts';
import type { CheckResult } from '../../src/oracle-check/result.ts';
import { lowerWasi } from '../../src/oracle-check/wasi/lower-wasi.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import { generateCase } from '../../generators/index.ts';
import { call, inst, mkCase, start, wat } from '../runtime/helpers.ts';

const WA = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
const IMPORTS = `(import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))`;
/** "hi" then "é\n" in two iovecs to stdout, "E" to stderr; text at the last 5 bytes of the one page. */
const WRITER = `(module ${IMPORTS}
  (memory (export "memory") 1 1)
  (data (i32.const 65531) "hi\\c3\\a9\\0a")
  (data (i32.const 65526) "E")
  (data (i32.const 0) "\\fb\\ff\\00\\00\\02\\00\\00\\00\\fd\\ff\\00\\00\\03\\00\\00\\00\\f6\\ff\\00\\00\\01\\00\\00\\00")
  (func $out (drop (call $w (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 100))) (drop (call $w (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 100))))
  (func $ret3 (result i32 i64) (call $exit (i32.const 300)) unreachable)
  (func (export "_start") (call $out) (drop (drop (call $ret3))))
  (func (export "nwritten") (result i32) (call $out) (i32.load (i32.const 100)))
  (func (export "again") (result i32) (i32.const 7)))`;
const exitAt = (code: number, stdout = 'hié\n', stderr = 'E'): Expectation => ({ outcome: { kind: 'exit', code }, stdout, stderr });
const wasiCase = (text: string, steps: Case['steps'], id: string): Case => mkCase([text], steps, { id, features: ['wasi', 'multi-value'] });

const CASES: Case[] = [
  wasiCase(WRITER, [inst({ outcome: { kind: 'return' }, stdout: '', stderr: '' }), start(exitAt(300)), call('again', [], exitAt(300))], 'exit-from-start'),
  wasiCase(WRITER, [inst(), start(exitAt(301))], 'wrong-code'),
  wasiCase(WRITER, [inst(), start(exitAt(300, 'hie\n'))], 'wrong-stdout'),
  wasiCase(WRITER, [inst(), start(exitAt(300, 'hié\n', ''))], 'wrong-stderr'),
  wasiCase(WRITER, [inst(), call('nwritten', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '1' }] }, stdout: 'hié\n', stderr: 'E' })], 'nwritten'),
  wasiCase(WRITER, [inst(), call('again', [], { outcome: { kind: 'exit', code: 7 } })], 'wrong-step-exits'),
  wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (func $s (call $exit (i32.const -1)) unreachable) (start $s) (func (export "_start")))`, [inst({ outcome: { kind: 'exit', code: 4294967295 } })], 'start-section'),
  wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (func (export "_start")))`, [inst(), start({ outcome: { kind: 'exit', code: 0 }, stdout: '' })], 'return-is-exit-0'),
  wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (func (export "_start") unreachable))`, [inst(), start({ outcome: { kind: 'trap', trap: 'unreachable' } })], 'guest-trap'),
  wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (data (i32.const 0) "\\10\\00\\00\\00\\01\\00\\00\\00") (func (export "_start") (drop (call $w (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 8)))))`, [inst(), start({ outcome: { kind: 'exit', code: 0 } })], 'other-fd'),
  wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (data (i32.const 0) "\\ff\\ff\\00\\00\\02\\00\\00\\00") (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`, [inst(), start({ outcome: { kind: 'exit', code: 0 } })], 'outside-memory'),
  wasiCase(`(module (import "wasi_snapshot_preview1" "args_get" (func (param i32 i32) (result i32))) (func (export "_start")))`, [inst(), start({ outcome: { kind: 'exit', code: 0 } })], 'other-function'),
];

/** Generated wasi-exit cases (seed 1, one per exit site among the first ten), and copies with a planted wrong code or stdout. */
const GENERATED = Array.from({ length: 10 }, (_, i) => generateCase('wasi-exit', 1, i));
function planted(c: Case, id: string, change: (e: Expectation) => void): Case {
  const copy = structuredClone(c);
  const step = copy.steps.find((s) => s.expect.outcome?.kind === 'exit')!;
  change(step.expect);
  return { ...copy, id };
}
const withOutput = GENERATED.find((c) => c.steps.some((s) => (s.expect.stdout ?? '') !== ''))!;
const PLANTED = [
  planted(GENERATED[0]!, 'planted/code', (e) => {
    if (e.outcome?.kind === 'exit') e.outcome.code = (e.outcome.code + 1) >>> 0;
  }),
  planted(withOutput, 'planted/stdout', (e) => {
    e.stdout = `${e.stdout}!`;
  }),
];

let evaluator: Evaluator;
let results: CheckResult[] = [];
const byId = (id: string): CheckResult => results.find((r) => r.caseId === id)!;

beforeAll(async () => {
  evaluator = await createEvaluator('wabt-wasi');
  results = await checkBatch([...CASES, ...GENERATED, ...PLANTED], [evaluator]);
}, 120_000);

afterAll(async () => {
  await evaluator.close();
});

describe('wabt-wasi evaluator (wasm-interp + WASI shim)', () => {
  it('confirms an exit from a function with results, its output, and the same exit at a later step', () => {
    expect(byId('exit-from-start')).toMatchObject({ status: 'agree', evaluator: 'wabt-wasi' });
    expect(byId('nwritten')).toMatchObject({ status: 'agree' });
  });

  it('catches a planted wrong exit code, stdout, stderr, or exit at the wrong step', () => {
    expect(byId('wrong-code')).toMatchObject({ status: 'disagree', step: 1, expected: 'exit 301', evaluated: 'exit 300' });
    expect(byId('wrong-stdout')).toMatchObject({ status: 'disagree', step: 1, expected: 'stdout "hie\\n"', evaluated: 'stdout "hié\\n"' });
    expect(byId('wrong-stderr')).toMatchObject({ status: 'disagree', step: 1, evaluated: 'stderr "E"' });
    expect(byId('wrong-step-exits')).toMatchObject({ status: 'disagree', step: 1 });
  });

  it('reads exits in the start section (u32 codes as is), a returning _start as exit 0, and guest traps', () => {
    expect(byId('start-section')).toMatchObject({ status: 'agree' });
    expect(byId('return-is-exit-0')).toMatchObject({ status: 'agree' });
    expect(byId('guest-trap')).toMatchObject({ status: 'agree' });
  });

  it('confirms generated wasi-exit cases and catches a planted wrong code or stdout in one', () => {
    for (const c of GENERATED) expect(byId(c.id)).toMatchObject({ status: 'agree', evaluator: 'wabt-wasi' });
    expect(new Set(GENERATED.map((c) => c.tags?.['site'])).size).toBeGreaterThanOrEqual(4);
    expect(byId('planted/code')).toMatchObject({ status: 'disagree', evaluated: expect.stringMatching(/^exit \d+$/) });
    expect(byId('planted/stdout')).toMatchObject({ status: 'disagree', expected: expect.stringMatching(/^stdout .*!"$/) });
  });

  it('calls what the shim cannot do exactly not evaluable, with the reason', () => {
    expect(byId('other-fd')).toMatchObject({ status: 'not-evaluable', reason: expect.stringContaining('fd 3') });
    expect(byId('outside-memory')).toMatchObject({ status: 'not-evaluable', reason: expect.stringContaining('outside memory') });
    expect(byId('other-function')).toMatchObject({ status: 'not-evaluable', reason: expect.stringContaining('args_get') });
  });
});

describe('wasm-interp children', () => {
  it('a run past its budget is a timeout, its child is replaced, and the next case runs', async () => {
    const { createWabtWasiRuntime } = await import('../../src/oracle-check/wasi/runtime.ts');
    const runtime = await createWabtWasiRuntime({ concurrency: 1 });
    try {
      const spin = wasiCase(`(module ${IMPORTS} (memory (export "memory") 1) (func (export "_start") (loop (br 0))))`, [inst(), start({ outcome: { kind: 'exit', code: 0 } })], 'spin');
      const [hung, next] = await runtime.executeAll([{ ...spin, timeoutMs: 300 }, CASES[0]!]);
      expect(hung!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'timeout']);
      expect(next!.steps.map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, { kind: 'exit', code: 300 }, { kind: 'exit', code: 300 }]);
    } finally {
      await runtime.close();
    }
  }, 60_000);
});

describe('lowerWasi', () => {
  it('keeps the guest code and renumbers calls: host.print first, defined functions next, shims last', () => {
    const bytes = wat(`(module ${IMPORTS} (memory (export "memory") 1) (func $f (call $exit (i32.const 1))) (start $f) (export "f" (func $f)))`);
    const lowered = lowerWasi(bytes);
    if (!('bytes' in lowered)) throw new Error(lowered.unsupported);
    expect(lowered.shims).toEqual(['fd_write', 'proc_exit']);
    const layout = readLayout(lowered.bytes);
    expect(layout.imports).toEqual([{ module: 'host', name: 'print', kind: 'func' }]);
    expect(layout.exports.get('f')).toEqual({ kind: 'func', index: 1 });
    expect(layout.start).toBe(1);
    expect(layout.funcs).toHaveLength(4);
    expect(WA.validate(lowered.bytes)).toBe(true);
  });
});
