/**
 * binaryen's wasm-shell as an evaluator: exact values (multi-value, NaN payloads, i64 extremes),
 * state after a trap, a module that fails to instantiate in the middle of a script (wasm-shell
 * aborts; the next cases run in a new process), and its 200-frame call limit (not evaluable).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBatch } from '../../src/oracle-check/check.ts';
import type { Evaluator } from '../../src/oracle-check/evaluator.ts';
import { createEvaluator } from '../../src/oracle-check/evaluator.ts';
import type { CheckResult } from '../../src/oracle-check/result.ts';
import { call, inst, mkCase } from '../runtime/helpers.ts';

const MOD = `(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i64) (i64.const -7))
  (func (export "m") (param i64 f64) (result i32 i64 f32 f64)
    (i32.const -2) (local.get 0) (f32.reinterpret_i32 (i32.const 0x7fa00001)) (local.get 1))
  (func (export "poke") (i32.store8 (i32.const 65535) (i32.const 0xab)) (global.set $g (i64.const 5)) unreachable)
  (func $r (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.add (i32.const 1) (call $r (i32.sub (local.get 0) (i32.const 1))))) (else (i32.const 0)))))`;
const START_TRAP = `(module (memory 1) (func $s (drop (i32.load (i32.const 65536)))) (start $s) (func (export "f") (result i32) (i32.const 3)))`;
const SEGMENT_TRAP = `(module (memory 1) (data (i32.const 65535) "ab") (func (export "f") (result i32) (i32.const 3)))`;

const i32 = (value: string) => ({ type: 'i32' as const, value });
const oob = { outcome: { kind: 'trap' as const, trap: 'out of bounds memory access' as const } };

let evaluator: Evaluator;
let results: CheckResult[] = [];
const byId = (id: string): CheckResult => results.find((r) => r.caseId === id)!;

beforeAll(async () => {
  evaluator = await createEvaluator('binaryen');
  const values = mkCase([MOD], [
    inst(),
    call('m', [{ type: 'i64', value: '-9223372036854775808' }, { type: 'f64', value: 'nan:0x7ff4000000000001' }], {
      outcome: { kind: 'return', values: [i32('-2'), { type: 'i64', value: '-9223372036854775808' }, { type: 'f32', value: 'nan:0x7fa00001' }, { type: 'f64', value: 'nan:0x7ff4000000000001' }] },
    }),
    call('poke', [], { outcome: { kind: 'trap', trap: 'unreachable' }, globals: { g: { type: 'i64', value: '5' } }, memory: [{ offset: 65534, hex: '00ab' }] }),
    call('deep', [i32('150')], { outcome: { kind: 'return', values: [i32('150')] } }),
  ], { id: 'values' });
  const wrongState = mkCase([MOD], [inst(), call('poke', [], { outcome: { kind: 'trap', trap: 'unreachable' }, memory: [{ offset: 65534, hex: '0000' }] })], { id: 'wrong-state' });
  const returns3 = (id: string) => mkCase([`(module (func (export "f") (result i32) (i32.const 3)))`], [inst(), call('f', [], { outcome: { kind: 'return', values: [i32('3')] } })], { id });
  const deep = mkCase([MOD], [inst(), call('deep', [i32('1000')], { outcome: { kind: 'return', values: [i32('1000')] } })], { id: 'deep' });
  results = await checkBatch(
    [values, wrongState, returns3('before'), mkCase([START_TRAP], [inst(oob)], { id: 'start-trap' }), returns3('between'), mkCase([SEGMENT_TRAP], [inst(oob)], { id: 'segment-trap' }), returns3('after'), deep],
    [evaluator],
  );
}, 180_000);

afterAll(async () => {
  await evaluator.close();
});

describe('binaryen evaluator (wasm-shell)', () => {
  it('reads every value exactly and the state left by a trap', () => {
    expect(byId('values')).toMatchObject({ status: 'agree', evaluator: 'binaryen' });
    expect(byId('wrong-state')).toMatchObject({ status: 'disagree', expected: 'memory[65534] = 0000', evaluated: 'memory[65534] = 00ab' });
  });

  it('a module that fails to instantiate mid-script gets its trap, and the cases after it still run', () => {
    expect(['before', 'start-trap', 'between', 'segment-trap', 'after'].map((id) => byId(id).status)).toEqual(['agree', 'agree', 'agree', 'agree', 'agree']);
  });

  it('past its 200-frame call limit the case is not evaluable, never a false trap', () => {
    expect(byId('deep')).toMatchObject({ status: 'not-evaluable' });
    expect(byId('deep').reason).toMatch(/host limit \(stack limit/);
  });
});
