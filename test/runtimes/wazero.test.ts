/**
 * The wazero adapter (src/runtimes/native/wazero.ts): the process-end reading (pure), then the
 * real wazero-1.6.0 binary for every trap kind it can raise, exits, compile errors, a hang, a
 * stack overflow's huge trace, and lowered multi-step cases. Real runs skip, with the reason,
 * when the binary is absent.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import type { TrapKind } from '../../src/outcome.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { WAZERO_TRAPS, runOnWazero, wazeroEnd } from '../../src/runtimes/native/wazero.ts';
import { call, inst, mkCase, start, wasiWriteExit } from '../runtime/helpers.ts';

const BINARY = process.env['TRAPCHECK_RUNTIMES_DIR'] ? `${process.env['TRAPCHECK_RUNTIMES_DIR']}/wazero-1.6.0` : new URL('../../../shared/runtimes/bin/wazero-1.6.0', import.meta.url).pathname;
const present = existsSync(BINARY);
const profile = loadProfile('wazero');

const result = (over: Partial<Parameters<typeof wazeroEnd>[0]>): Parameters<typeof wazeroEnd>[0] => ({ stdout: '', stderr: '', code: 0, signal: null, timedOut: false, budgetMs: 5000, ...over });

describe('wazero: reading how the process ended', () => {
  it('a trap report: the kind from `wasm error:`, the guest stderr before the report kept', () => {
    const end = wazeroEnd(result({ code: 1, stderr: 'hierror instantiating wasm binary: module[] function[_start] failed: wasm error: integer overflow\nwasm stack trace:\n\t.$0()\n' }));
    expect(end).toEqual({ outcome: { kind: 'trap', trap: ['integer overflow'], message: 'integer overflow' }, stderr: 'hi' });
  });

  it('exit statuses, compile errors, unlinkable imports and its own timeout', () => {
    expect(wazeroEnd(result({ code: 3 })).outcome).toEqual({ kind: 'exit', code: 3 });
    expect(wazeroEnd(result({ code: 1, stderr: 'error instantiating wasm binary: data[0]: out of bounds memory access\n' })).outcome).toMatchObject({ kind: 'trap', trap: ['out of bounds memory access'] });
    expect(wazeroEnd(result({ code: 1, stderr: 'error compiling wasm binary: invalid version header\n' })).outcome).toMatchObject({ kind: 'rejected', stage: 'compile' });
    expect(wazeroEnd(result({ code: 1, stderr: 'error instantiating wasm binary: module[env] not instantiated\n' })).outcome).toMatchObject({ kind: 'rejected', stage: 'unlinkable' });
    expect(wazeroEnd(result({ code: 255, stderr: 'error: module closed with context deadline exceeded (timeout 5s)\n' })).outcome).toEqual({ kind: 'timeout', budgetMs: 5000 });
    expect(wazeroEnd(result({ code: 1, stderr: 'error instantiating wasm binary: module[] function[_start] failed: wasm error: something new\n' })).outcome).toMatchObject({ kind: 'crash' });
  });
});

/** One module per trap kind wazero can raise: [what the spec says, the module]. */
const TRAPS: Array<[TrapKind, string, string]> = [
  ['unreachable', 'unreachable', '(func (export "_start") unreachable)'],
  ['integer divide by zero', 'integer divide by zero', '(func (export "_start") (drop (i32.rem_u (i32.const 1) (i32.const 0))))'],
  ['integer overflow', 'integer overflow', '(func (export "_start") (drop (i64.div_s (i64.const 0x8000000000000000) (i64.const -1))))'],
  ['integer overflow', 'integer overflow', '(func (export "_start") (drop (i32.trunc_f64_u (f64.const -1))))'],
  ['invalid conversion to integer', 'invalid conversion to integer', '(func (export "_start") (drop (i64.trunc_f32_s (f32.const nan))))'],
  ['out of bounds memory access', 'out of bounds memory access', '(memory 1) (func (export "_start") (drop (i64.load (i32.const 65532))))'],
  ['out of bounds memory access', 'out of bounds memory access', '(memory 1) (func (export "_start") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 7)))'],
  ['indirect call type mismatch', 'indirect call type mismatch', '(type $t (func)) (func $f (result i32) (i32.const 0)) (table 1 funcref) (elem (i32.const 0) $f) (func (export "_start") (call_indirect (type $t) (i32.const 0)))'],
  ['undefined element', 'invalid table access', '(type $t (func)) (table 1 funcref) (func (export "_start") (call_indirect (type $t) (i32.const 1)))'],
  ['uninitialized element', 'invalid table access', '(type $t (func)) (table 1 funcref) (func (export "_start") (call_indirect (type $t) (i32.const 0)))'],
  ['out of bounds table access', 'invalid table access', '(table 1 funcref) (func (export "_start") (drop (table.get (i32.const 1))))'],
  ['call stack exhausted', 'stack overflow', '(func $r (call $r)) (func (export "_start") (call $r))'],
];

const command = (body: string, expect: Case['steps'][number]['expect'], extra: Partial<Case> = {}): Case =>
  mkCase([`(module ${body})`], [inst(), start(expect)], { features: ['wasi', 'reference-types', 'bulk-memory'], ...extra });

describe.skipIf(!present)(`wazero-1.6.0, the real binary${present ? '' : ` (absent: ${BINARY})`}`, () => {
  it('prints the message of its table for every trap kind, and the table names the spec kind', async () => {
    for (const [kind, text, body] of TRAPS) {
      const obs = await runOnWazero(BINARY, command(body, { outcome: { kind: 'trap', trap: kind } }));
      const end = obs.steps[1]!.outcome;
      expect(end, body).toMatchObject({ kind: 'trap', message: text });
      expect(WAZERO_TRAPS.find(([t]) => t === text)?.[1], text).toContain(kind);
    }
  }, 60_000);

  it('cuts a stack overflow short: the ~2 million-line trace is not waited for', async () => {
    const obs = await runOnWazero(BINARY, command('(func $r (call $r)) (func $s (call $r)) (start $s) (func (export "_start"))', { outcome: { kind: 'trap', trap: 'call stack exhausted' } }));
    expect(obs.steps[1]!.outcome).toMatchObject({ kind: 'trap', trap: ['call stack exhausted'] });
    expect(obs.raw).toMatchObject({ traceCut: true });
  }, 20_000);

  it('exits: proc_exit(N) is N & 255, output flushed before it; `_start` returning is 0', async () => {
    for (const [code, want] of [[3, 3], [256, 0], [-1, 255]] as const) {
      const c = mkCase([wasiWriteExit('hi\n', code)], [inst(), start({ outcome: { kind: 'exit', code }, stdout: 'hi\n' })], { features: ['wasi'] });
      const obs = await runOnWazero(BINARY, c);
      expect(obs.steps[1]!.outcome).toEqual({ kind: 'exit', code: want });
      expect(judge(c, obs, profile)).toEqual({ verdict: 'pass' });
    }
  }, 30_000);

  it('a hang is a timeout at its step; a malformed module a compile rejection', async () => {
    const hang = await runOnWazero(BINARY, command('(func (export "_start") (loop $l (br $l)))', { outcome: { kind: 'timeout' } }, { timeoutMs: 700 }));
    expect(hang.steps[1]!.outcome).toEqual({ kind: 'timeout', budgetMs: 700 });
    const bad = mkCase([new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])], [inst({ outcome: { kind: 'rejected', stage: 'malformed' } })]);
    expect((await runOnWazero(BINARY, bad)).steps[0]!.outcome).toMatchObject({ kind: 'rejected', stage: 'compile', message: 'invalid version header' });
  }, 20_000);

  it('compile steps: rejected in the compile phase, or compiled (whatever instantiation would do)', async () => {
    // i64.const where an i32 result is due: invalid
    const invalid = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x42, 0, 0x0b]);
    const c = mkCase([invalid, '(module (memory 1) (data (i32.const 65535) "ab"))'], [
      { op: 'compile', module: 0, expect: { outcome: { kind: 'rejected', stage: 'invalid' } } },
      { op: 'compile', module: 1, expect: { outcome: { kind: 'return' } } },
    ]);
    const obs = await runOnWazero(BINARY, c);
    expect(obs.steps.map((s) => s.outcome.kind)).toEqual(['rejected', 'return']);
    expect(judge(c, obs, profile)).toEqual({ verdict: 'pass' });
  }, 20_000);

  it('runs a lowered core case: results, floats bit-exact, memory and globals, several steps', async () => {
    const c = mkCase(
      [`(module (memory 1) (global $g (export "g") (mut i64) (i64.const -5))
         (func (export "two") (param i32 f64) (result i32 f64) (i32.mul (local.get 0) (i32.const -3)) (f64.neg (local.get 1)))
         (func (export "nan") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
         (func (export "poke") (i64.store (i32.const 100) (i64.const 0x1122334455667788)) (global.set $g (i64.const 7))))`],
      [
        inst({ globals: { g: { type: 'i64', value: '-5' } } }),
        call('two', [{ type: 'i32', value: '5' }, { type: 'f64', value: '-0' }], { outcome: { kind: 'return', values: [{ type: 'i32', value: '-15' }, { type: 'f64', value: '0' }] } }),
        call('nan', [], { outcome: { kind: 'return', values: [{ type: 'f32', value: 'nan:0x7fa00001' }] } }),
        call('poke', [], { outcome: { kind: 'return', values: [] }, memory: [{ offset: 99, hex: '00887766554433221100' }], globals: { g: { type: 'i64', value: '7' } } }),
      ],
    );
    const obs = await runOnWazero(BINARY, c);
    expect(judge(c, obs, profile)).toEqual({ verdict: 'pass' });
  }, 20_000);

  it('a lowered case that traps: the trap is judged, the state after it and later steps are not observable (skip, never pass)', async () => {
    const c = mkCase(
      [`(module (memory 1) (global $g (export "g") (mut i32) (i32.const 0))
         (func (export "run") (global.set $g (i32.const 9)) (drop (i32.div_s (i32.const 1) (i32.const 0))))
         (func (export "probe") (result i32) (global.get $g)))`],
      [inst(), call('run', [], { outcome: { kind: 'trap', trap: 'integer divide by zero' }, globals: { g: { type: 'i32', value: '9' } } }), call('probe', [], { outcome: { kind: 'return', values: [{ type: 'i32', value: '9' }] } })],
    );
    const obs = await runOnWazero(BINARY, c);
    expect(obs.steps[1]).toMatchObject({ outcome: { kind: 'trap', trap: ['integer divide by zero'] }, unobservable: expect.any(String) });
    expect(obs.steps[2]!.outcome).toMatchObject({ kind: 'unsupported', feature: expect.stringMatching(/^not observable/) });
    expect(judge(c, obs, profile)).toMatchObject({ verdict: 'skip', step: 1 });
    // the same run against a wrong trap kind is a failure, not a skip
    const wrong: Case = { ...c, steps: c.steps.map((s, i) => (i === 1 ? { ...s, expect: { ...s.expect, outcome: { kind: 'trap', trap: 'unreachable' } } } : s)) };
    expect(judge(wrong, obs, profile)).toMatchObject({ verdict: 'fail', step: 1 });
  }, 20_000);
});
