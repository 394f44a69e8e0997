/**
 * The checks every driver gets: value encoding (i32, i64, floats as bits, NaN payloads, -0),
 * trap reporting for every kind an MVP module can raise, state after a trap (memory, globals,
 * instance still usable), several instances, `get`, `compile`, `register`, the case budget.
 */
import type { TrapKind } from '../../../outcome.ts';
import type { DriverCheck } from './driver-check-case.ts';
import { instantiate, returns, traps, v } from './driver-check-case.ts';

const VALUES = `(module
  (func (export "id32") (param i32) (result i32) local.get 0)
  (func (export "id64") (param i64) (result i64) local.get 0)
  (func (export "max64") (result i64) i64.const 0x7fffffffffffffff)
  (func (export "neg32") (result i32) i32.const -7)
  (func (export "idf32") (param f32) (result f32) local.get 0)
  (func (export "idf64") (param f64) (result f64) local.get 0)
  (func (export "nan32") (result f32) i32.const 0x7fc00123 f32.reinterpret_i32)
  (func (export "nan64") (result f64) i64.const 0xfff80000000000ab f64.reinterpret_i64)
  (func (export "negzero") (result f64) f64.const -0))`;

const TRAPS = `(module
  (memory 1) (table 2 funcref) (elem (i32.const 0) $f)
  (type $t (func (param i32) (result i32)))
  (func $f (result i32) i32.const 1)
  (func $rec (export "recurse") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
  (func (export "unreachable") unreachable)
  (func (export "div0") (result i32) i32.const 1 i32.const 0 i32.div_s)
  (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
  (func (export "trunc-nan") (result i32) f32.const nan i32.trunc_f32_s)
  (func (export "oob-load") (result i32) i32.const 65536 i32.load)
  (func (export "undefined-element") (result i32) i32.const 0 i32.const 5 call_indirect (type $t))
  (func (export "type-mismatch") (result i32) i32.const 0 i32.const 0 call_indirect (type $t)))`;

const STATE = `(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (global $big (export "big") (mut i64) (i64.const 0))
  (func (export "run") (i32.store (i32.const 0) (i32.const 0x01020304)) (global.set $g (i32.const 5))
    (global.set $big (i64.const -9007199254740993)) unreachable)
  (func (export "probe") (result i32) global.get $g)
  (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1)))))`;

const trapCheck = (kind: TrapKind, exportName: string, args = [] as ReturnType<typeof v>[]): DriverCheck => ({
  name: `trap: ${kind}`,
  needs: { steps: ['instantiate', 'invoke'] },
  modules: [TRAPS],
  steps: [instantiate(), traps(exportName, kind, args)],
});

export const CORE_CHECKS: DriverCheck[] = [
  {
    name: 'i32 values',
    needs: { steps: ['instantiate', 'invoke'] },
    modules: [VALUES],
    steps: [instantiate(), returns('id32', [v('i32', '-2147483648')], [v('i32', '-2147483648')]), returns('neg32', [], [v('i32', '-7')])],
  },
  {
    name: 'i64 values',
    needs: { steps: ['instantiate', 'invoke'] },
    modules: [VALUES],
    steps: [
      instantiate(),
      returns('id64', [v('i64', '-9223372036854775808')], [v('i64', '-9223372036854775808')]),
      returns('id64', [v('i64', '9007199254740993')], [v('i64', '9007199254740993')]),
      returns('max64', [], [v('i64', '9223372036854775807')]),
    ],
  },
  {
    name: 'float values and NaN payloads',
    needs: { steps: ['instantiate', 'invoke'] },
    modules: [VALUES],
    steps: [
      instantiate(),
      returns('nan32', [], [v('f32', 'nan:0x7fc00123')]),
      returns('nan64', [], [v('f64', 'nan:0xfff80000000000ab')]),
      returns('idf32', [v('f32', 'nan:0xffc00042')], [v('f32', 'nan:0xffc00042')]),
      returns('idf64', [v('f64', 'nan:0x7ff800000000beef')], [v('f64', 'nan:0x7ff800000000beef')]),
      returns('idf64', [v('f64', '0.1')], [v('f64', '0.1')]),
      returns('idf32', [v('f32', '-inf')], [v('f32', '-inf')]),
      returns('negzero', [], [v('f64', '-0')]),
    ],
  },
  trapCheck('unreachable', 'unreachable'),
  trapCheck('integer divide by zero', 'div0'),
  trapCheck('integer overflow', 'overflow'),
  trapCheck('invalid conversion to integer', 'trunc-nan'),
  trapCheck('out of bounds memory access', 'oob-load'),
  trapCheck('undefined element', 'undefined-element'),
  trapCheck('indirect call type mismatch', 'type-mismatch'),
  trapCheck('call stack exhausted', 'recurse', [v('i32', '0')]),
  {
    name: 'trap in the start function',
    needs: { steps: ['instantiate'] },
    modules: ['(module (func $s unreachable) (start $s))'],
    steps: [{ op: 'instantiate', module: 0, expect: { outcome: { kind: 'trap', trap: 'unreachable' } } }],
  },
  {
    name: 'instance usable after a trap',
    needs: { steps: ['instantiate', 'invoke'] },
    modules: [STATE],
    steps: [instantiate(), traps('run', 'unreachable'), returns('probe', [], [v('i32', '5')])],
  },
  {
    name: 'memory read after a trap',
    needs: { steps: ['instantiate', 'invoke'], reads: ['memory'] },
    modules: [STATE],
    steps: [instantiate(), { op: 'invoke', export: 'run', args: [], expect: { outcome: { kind: 'trap', trap: 'unreachable' }, memory: [{ offset: 0, hex: '0403020100' }, { offset: 65534, hex: '0000' }] } }],
  },
  {
    name: 'globals read after a trap',
    needs: { steps: ['instantiate', 'invoke'], reads: ['globals'] },
    modules: [STATE],
    steps: [instantiate(), { op: 'invoke', export: 'run', args: [], expect: { outcome: { kind: 'trap', trap: 'unreachable' }, globals: { g: v('i32', '5'), big: v('i64', '-9007199254740993') } } }],
  },
  {
    name: 'get step',
    needs: { steps: ['instantiate', 'invoke', 'get'] },
    modules: [STATE],
    steps: [instantiate(), traps('run', 'unreachable'), { op: 'get', global: 'big', expect: { outcome: { kind: 'return', values: [v('i64', '-9007199254740993')] } } }],
  },
  {
    name: 'several instances',
    needs: { steps: ['instantiate', 'invoke'] },
    modules: [STATE],
    steps: [instantiate(0, 'a'), instantiate(0, 'b'), { op: 'invoke', export: 'bump', instance: 'a', expect: { outcome: { kind: 'return', values: [] } } }, returns('probe', [], [v('i32', '1')], { instance: 'a' }), returns('probe', [], [v('i32', '0')], { instance: 'b' })],
  },
  {
    name: 'compile step',
    needs: { steps: ['compile'] },
    modules: [new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01]), '(module (func (export "f")))'],
    steps: [
      { op: 'compile', module: 0, expect: { outcome: { kind: 'rejected', stage: 'malformed' } } },
      { op: 'compile', module: 1, expect: { outcome: { kind: 'return' } } },
    ],
  },
  {
    name: 'register step',
    needs: { steps: ['instantiate', 'invoke', 'register'] },
    modules: ['(module (func (export "seven") (result i32) i32.const 7))', '(module (import "lib" "seven" (func $s (result i32))) (func (export "twice") (result i32) call $s call $s i32.add))'],
    steps: [instantiate(0, 'lib'), { op: 'register', as: 'lib', instance: 'lib', expect: { outcome: { kind: 'return' } } }, instantiate(1, 'user'), returns('twice', [], [v('i32', '14')], { instance: 'user' })],
  },
];

/**
 * A case that never ends (its start function spins): the driver must be killed at the budget and
 * the run must go on. The hang is in the first step, so no prefix is re-run: one restart only.
 */
export const TIMEOUT_CHECK: DriverCheck = {
  name: 'timeout (an endless loop is killed, the driver restarted)',
  needs: { steps: ['instantiate'] },
  modules: ['(module (func $spin (loop br 0)) (start $spin))'],
  steps: [{ op: 'instantiate', module: 0, expect: { outcome: { kind: 'timeout' } } }],
  timeoutMs: 1_000,
};
