/**
 * One check per wasm proposal a driver may claim: a module only that proposal makes valid, run to
 * a known result (or its trap). A claimed feature with no check here is listed, not failed.
 */
import type { Feature } from '../../../features.ts';
import type { DriverCheck } from './driver-check-case.ts';
import { instantiate, returns, traps, v } from './driver-check-case.ts';

const feature = (f: Feature, wat: string, steps: DriverCheck['steps']): DriverCheck => ({
  name: `feature: ${f}`,
  needs: { steps: ['instantiate', 'invoke'], features: [f] },
  modules: [wat],
  steps: [instantiate(), ...steps],
});

export const FEATURE_CHECKS: DriverCheck[] = [
  feature('mutable-globals', '(module (global (export "g") (mut i32) (i32.const 0)) (func (export "f") (result i32) (global.set 0 (i32.const 9)) (global.get 0)))', [returns('f', [], [v('i32', '9')])]),
  feature('sign-ext', '(module (func (export "f") (result i32) i32.const 0x80 i32.extend8_s))', [returns('f', [], [v('i32', '-128')])]),
  feature('nontrapping-fptoint', '(module (func (export "f") (result i32) f32.const nan i32.trunc_sat_f32_s))', [returns('f', [], [v('i32', '0')])]),
  feature('multi-value', '(module (func (export "f") (result i32 i64) i32.const 1 i64.const -2))', [returns('f', [], [v('i32', '1'), v('i64', '-2')])]),
  feature('bulk-memory', '(module (memory 1) (func (export "fill") (memory.fill (i32.const 65535) (i32.const 1) (i32.const 2))))', [traps('fill', 'out of bounds memory access')]),
  feature('reference-types', '(module (table 1 funcref) (func (export "get") (result funcref) (table.get (i32.const 3))) (func (export "null") (result i32) (ref.is_null (ref.null func))))', [
    traps('get', 'out of bounds table access'),
    returns('null', [], [v('i32', '1')]),
  ]),
  feature('threads', '(module (memory 1 1 shared) (func (export "unaligned") (result i32) (i32.atomic.load (i32.const 1))) (func (export "add") (result i32) (i32.atomic.rmw.add (i32.const 4) (i32.const 5))))', [
    traps('unaligned', 'unaligned atomic'),
    returns('add', [], [v('i32', '0')]),
  ]),
  feature('simd', '(module (func (export "f") (result i32) (i32x4.extract_lane 2 (v128.const i32x4 1 2 3 4))))', [returns('f', [], [v('i32', '3')])]),
  feature('tail-call', '(module (func $loop (export "f") (param i32) (result i32) (if (result i32) (local.get 0) (then (return_call $loop (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 42)))))', [returns('f', [v('i32', '1000000')], [v('i32', '42')])]),
  feature('extended-const', '(module (global (export "g") i32 (i32.add (i32.const 1) (i32.const 2))) (func (export "f") (result i32) global.get 0))', [returns('f', [], [v('i32', '3')])]),
  feature('memory64', '(module (memory i64 1) (func (export "f") (result i32) (i32.load (i64.const 65536))))', [traps('f', 'out of bounds memory access')]),
];
