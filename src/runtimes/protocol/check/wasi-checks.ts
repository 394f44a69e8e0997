/**
 * WASI checks for a driver claiming `wasi`: exit codes exactly as the guest passed them (0 is
 * an exit, not an error: the seed bug; 300 is not truncated under a `raw` profile), later steps
 * observing the same exit, captured stdout / stderr, `_start`, and the WASI settings it claims.
 */
import type { DriverCheck } from './driver-check-case.ts';
import { instantiate, returns, v } from './driver-check-case.ts';

const WASI = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (func $hi (param $fd i32) (result i32)
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "exit") (param i32) local.get 0 call $exit)
  (func (export "out") (result i32) (call $hi (i32.const 1)))
  (func (export "err") (result i32) (call $hi (i32.const 2)))
  (func (export "argc") (result i32) (drop (call $args (i32.const 32) (i32.const 36))) (i32.load (i32.const 32)))
  (func (export "envc") (result i32) (drop (call $env (i32.const 32) (i32.const 36))) (i32.load (i32.const 32)))
  (func (export "read") (result i32)
    (i32.store (i32.const 40) (i32.const 64)) (i32.store (i32.const 44) (i32.const 16))
    (drop (call $read (i32.const 0) (i32.const 40) (i32.const 1) (i32.const 48))) (i32.load (i32.const 48)))
  (func (export "_start") (drop (call $hi (i32.const 1)))))`;

const exitCheck = (code: number): DriverCheck => ({
  name: `wasi: proc_exit(${code})`,
  needs: { steps: ['instantiate', 'invoke'], features: ['wasi'] },
  modules: [WASI],
  steps: [
    instantiate(),
    { op: 'invoke', export: 'exit', args: [v('i32', String(code))], expect: { outcome: { kind: 'exit', code } } },
    // the process has ended: every later step observes the same exit
    { op: 'invoke', export: 'argc', args: [], expect: { outcome: { kind: 'exit', code } } },
  ],
});

export const WASI_CHECKS: DriverCheck[] = [
  exitCheck(0),
  exitCheck(3),
  exitCheck(300),
  {
    name: 'wasi: stdout and stderr',
    needs: { steps: ['instantiate', 'invoke'], features: ['wasi'], reads: ['stdout', 'stderr'] },
    modules: [WASI],
    steps: [instantiate(), returns('out', [], [v('i32', '0')], { expect: { outcome: { kind: 'return', values: [v('i32', '0')] }, stdout: 'hi\n', stderr: '' } }), returns('err', [], [v('i32', '0')], { expect: { outcome: { kind: 'return', values: [v('i32', '0')] }, stdout: 'hi\n', stderr: 'hi\n' } })],
  },
  {
    name: 'wasi: _start returning is exit 0',
    needs: { steps: ['instantiate', 'start'], features: ['wasi'], reads: ['stdout'] },
    modules: [WASI],
    steps: [instantiate(), { op: 'start', expect: { outcome: { kind: 'exit', code: 0 }, stdout: 'hi\n' } }],
  },
  {
    name: 'wasi: args',
    needs: { steps: ['instantiate', 'invoke'], features: ['wasi'], wasi: ['args'] },
    modules: [WASI],
    wasi: { args: ['prog', 'a', 'b'] },
    steps: [instantiate(), returns('argc', [], [v('i32', '3')])],
  },
  {
    name: 'wasi: env',
    needs: { steps: ['instantiate', 'invoke'], features: ['wasi'], wasi: ['env'] },
    modules: [WASI],
    wasi: { env: ['A=1', 'B=2'] },
    steps: [instantiate(), returns('envc', [], [v('i32', '2')])],
  },
  {
    name: 'wasi: stdin',
    needs: { steps: ['instantiate', 'invoke'], features: ['wasi'], wasi: ['stdin'] },
    modules: [WASI],
    wasi: { stdin: 'xyz' },
    steps: [instantiate(), returns('read', [], [v('i32', '3')])],
  },
];
