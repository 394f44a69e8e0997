/**
 * The byte-level wasi-threads hooks (src/runtime/threads/hook-bytes.ts): the hooked module is
 * valid, calls the hooks where the binaryen rewrite would (waits and notifies with their offset
 * folded in, each loop iteration polls), keeps every function index right after the four hook
 * imports shift them (calls, exports, the table, the start function), traps like the original on
 * a bad address, lists only what `wasi_thread_start` reaches for Asyncify, and hands what it
 * cannot read to the binaryen rewrite.
 */
import { describe, expect, it } from 'vitest';
import { hookThreadsAtBytes } from '../../../src/runtime/threads/hook-bytes.ts';
import { prepareThreadsModule } from '../../../src/runtime/threads/prepare.ts';
import { asyncifyHooked } from '../../../src/runtime/threads/sched/asyncify-hooked.ts';
import type { WasmImportDescriptor } from '../../../src/runtime/wasm-api.ts';
import { WA } from '../../../src/runtime/wasm-api.ts';
import { wat } from '../helpers.ts';

const MODULE = `(module
  (import "env" "memory" (memory 1 2 shared))
  (import "host" "log" (func $log (param i32)))
  (table 2 funcref)
  (elem (i32.const 0) $viaTable $count)
  (global $g (mut i32) (i32.const 0))
  (start $init)
  (func $init (global.set $g (i32.const 7)))
  (func $viaTable (result i32) (i32.const 5))
  (func $count (param $n i32) (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "wait32") (param i32 i32 i64) (result i32) (memory.atomic.wait32 offset=8 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 offset=16 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify offset=4 (local.get 0) (local.get 1)))
  (func (export "count") (param i32) (result i32) (call $count (local.get 0)))
  (func (export "table0") (result i32) (call_indirect (result i32) (i32.const 0)))
  (func (export "g") (result i32) (global.get $g))
  (func (export "wasi_thread_start") (param i32 i32) (call $log (call $count (local.get 1)))))`;

function instantiate(bytes: Uint8Array, calls: string[]) {
  const memory = new WA.Memory({ initial: 1, maximum: 2, shared: true });
  const hooks = {
    wait32: (ea: number, e: number, t: bigint) => (calls.push(`wait32 ${ea} ${e} ${t}`), 2),
    wait64: (ea: number, e: bigint, t: bigint) => (calls.push(`wait64 ${ea} ${e} ${t}`), 2),
    notify: (ea: number, n: number) => (calls.push(`notify ${ea} ${n}`), 0),
    poll: () => void calls.push('poll'),
  };
  const log = (x: number) => void calls.push(`log ${x}`);
  return new WA.Instance(new WA.Module(bytes), { env: { memory }, host: { log }, 'trapcheck:threads': hooks }).exports as Record<string, (...a: unknown[]) => unknown>;
}

describe('wasi-threads hooks written at the byte level', () => {
  it('calls the hooks with offsets folded in, polls every loop iteration, keeps every function index', () => {
    const out = hookThreadsAtBytes(wat(MODULE));
    expect(WA.validate(out.bytes)).toBe(true);
    expect(out.memory).toEqual({ module: 'env', base: 'memory', initial: 1, maximum: 2, shared: true });
    const calls: string[] = [];
    const x = instantiate(out.bytes, calls);
    expect(x['g']!()).toBe(7); // the start function is still $init
    expect(x['table0']!()).toBe(5); // the table still holds $viaTable
    expect(x['wait32']!(100, 3, 9n)).toBe(2);
    expect(x['wait64']!(200, 4n, -1n)).toBe(2);
    expect(x['notify']!(300, 1)).toBe(0);
    expect(x['count']!(3)).toBe(3);
    (x['wasi_thread_start']! as (a: number, b: number) => void)(1, 2);
    expect(calls).toEqual(['wait32 108 3 9', 'wait64 216 4 -1', 'notify 304 1', 'poll', 'poll', 'poll', 'poll', 'poll', 'log 2']);
  });

  it('traps like the original on a misaligned or out-of-bounds address, before any hook runs', () => {
    const calls: string[] = [];
    const x = instantiate(hookThreadsAtBytes(wat(MODULE)).bytes, calls);
    expect(() => x['wait32']!(1, 0, 0n)).toThrow(/unaligned|alignment/i);
    expect(() => x['wait64']!(65536 * 2, 0n, 0n)).toThrow(/out of bounds/);
    expect(() => x['notify']!(-4, 1)).toThrow(/out of bounds/);
    expect(calls).toEqual([]);
  });

  it('lists only what wasi_thread_start reaches for Asyncify (defined-function indices), and Asyncify keeps to it', () => {
    const out = hookThreadsAtBytes(wat(MODULE));
    // $count (2) and the entry (9); the table is not reachable: the entry makes no indirect call
    expect(out.threadReachable).toEqual([2, 9]);
    const only = asyncifyHooked(out.bytes, out.threadReachable);
    const all = asyncifyHooked(out.bytes, undefined);
    expect(WA.validate(only)).toBe(true);
    expect(only.length).toBeLessThan(all.length);
  });

  it('hands a module it cannot read (exception handling) to the binaryen rewrite', () => {
    const eh = `(module (import "env" "memory" (memory 1 1 shared)) (tag $t)
      (func (export "_start") (try (do (throw $t)) (catch $t))))`;
    const bytes = wat(eh);
    expect(() => hookThreadsAtBytes(bytes)).toThrow();
    const prepared = prepareThreadsModule(bytes, { asyncify: false });
    expect('module' in prepared && (WA.Module.imports(prepared.module) as WasmImportDescriptor[]).map((i) => i.name)).toContain('poll');
  });
});

