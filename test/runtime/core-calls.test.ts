/** Async core calls (src/runtime/calls/): pause at entry / k-th suspension / fuel budget, resume, cancel (X1), K2, invariants. */
import { describe, expect, it } from 'vitest';
import type { PausePoint } from '../../src/case.ts';
import { CoreCalls } from '../../src/runtime/calls/core-calls.ts';
import { instrumentForCalls } from '../../src/runtime/calls/instrument.ts';
import type { CoreCallState } from '../../src/runtime/calls/types.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import type { WasmMemory } from '../../src/runtime/wasm-api.ts';
import { OUT_OF_FUEL } from '../../src/wasm/instrument/fuel-abi.ts';
import { wat } from './helpers.ts';

/**
 * run(n): for i in 0..n-1: mem[64+4i] = i+1; yield; then mem[56] = block(); g += 1; returns g*1000 + mem[56].
 * Offsets 0..63 hold a guest pattern: Asyncify borrows that region and must give it back intact.
 */
const MODULE = wat(`(module
  (import "trapcheck:host" "yield" (func $yield))
  (import "trapcheck:host" "block" (func $block (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "guest-bytes-at-offset-zero-must-survive-asyncify!!")
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "run") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
      (call $yield)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.const 56) (call $block))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.add (i32.mul (global.get $g) (i32.const 1000)) (i32.load (i32.const 56))))
  (func (export "probe") (result i32) (global.get $g)))`);

interface Instance {
  calls: CoreCalls;
  exports: Record<string, unknown>;
  mem(): Uint8Array;
}

function instantiate(flags: { fuel: boolean; asyncify: boolean }, bytes = MODULE): Instance {
  const calls = new CoreCalls({ metered: flags.fuel, suspendable: flags.asyncify });
  const inst = new WA.Instance(new WA.Module(instrumentForCalls(bytes, flags).bytes), calls.imports);
  const memory = inst.exports['memory'] as WasmMemory;
  calls.bind(inst.exports, () => memory);
  return { calls, exports: inst.exports, mem: () => new Uint8Array(memory.buffer) };
}

const words = (i: Instance, at: number, n: number): number[] => Array.from(new Int32Array(i.mem().buffer, at, n));
const asyncifyState = (i: Instance): number => (i.exports['asyncify_get_state'] as () => number)();
const GUEST = new TextEncoder().encode('guest-bytes-at-offset-zero-must-survive-asyncify!!');

function suspended(s: CoreCallState): Extract<CoreCallState, { state: 'suspended' }> {
  if (s.state !== 'suspended') throw new Error(`expected a suspended call, got ${s.state}`);
  return s;
}

describe('async core calls', () => {
  it('pauses at the k-th suspension with exactly the writes before it, and guest bytes under the Asyncify region intact', () => {
    const i = instantiate({ fuel: false, asyncify: true });
    const s = suspended(i.calls.call('run', [5], { suspension: 3 }));
    expect(s.at).toBe('host');
    expect(words(i, 64, 5)).toEqual([1, 2, 3, 0, 0]);
    expect(i.mem().slice(0, GUEST.length)).toEqual(GUEST);
    expect(asyncifyState(i)).toBe(0);
    const end = s.call.resume({ pauseAt: { suspension: 3 } });
    expect(end.state).toBe('suspended'); // the block is the 3rd suspension from the resume
    const done = suspended(end).call.resume({ value: 42 });
    expect(done).toEqual({ state: 'returned', value: 1042 });
    expect(words(i, 64, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(i.mem().slice(0, GUEST.length)).toEqual(GUEST);
  });

  it('cancel abandons the call: no more of its code runs, earlier writes persist, the instance is reusable (X1)', () => {
    const i = instantiate({ fuel: false, asyncify: true });
    const s = suspended(i.calls.call('run', [4], { suspension: 2 }));
    s.call.cancel();
    expect(asyncifyState(i)).toBe(0);
    expect(words(i, 64, 4)).toEqual([1, 2, 0, 0]);
    expect((i.exports['probe'] as () => number)()).toBe(0);
    expect(() => s.call.resume()).toThrow(/already resumed or cancelled/);
    expect(i.calls.call('run', [1], undefined)).toEqual({ state: 'returned', value: 1000 });
    expect(i.mem().slice(0, GUEST.length)).toEqual(GUEST);
  });

  it('an entry pause runs nothing; without pauseAt suspensions resume at once and block returns 0', () => {
    const i = instantiate({ fuel: false, asyncify: true });
    const s = suspended(i.calls.call('run', [3], 'entry'));
    expect(s.at).toBe('entry');
    expect(words(i, 64, 3)).toEqual([0, 0, 0]);
    expect(s.call.resume()).toEqual({ state: 'returned', value: 1000 });
    expect(words(i, 64, 3)).toEqual([1, 2, 3]);
  });

  it('a second call while one is parked works, and the parked one still resumes correctly', () => {
    const i = instantiate({ fuel: false, asyncify: true });
    const a = suspended(i.calls.call('run', [3], { suspension: 1 }));
    const b = suspended(i.calls.call('run', [2], { suspension: 3 })); // run(2): two yields, then the block
    expect(i.calls.call('probe', [], undefined)).toEqual({ state: 'returned', value: 0 });
    expect(b.call.resume({ value: 7 })).toEqual({ state: 'returned', value: 1007 });
    expect(a.call.resume({ value: 9 })).toEqual({ state: 'returned', value: 2000 }); // parked in a yield: the later block returns 0
    expect(asyncifyState(i)).toBe(0);
  });

  it('a fuel budget pauses at exhaustion; resuming with more fuel continues; cumulative grants decide how far it runs', () => {
    const total = ((): number => {
      const i = instantiate({ fuel: true, asyncify: true });
      i.calls.setFuel(1_000_000);
      expect(i.calls.call('run', [6], undefined).state).toBe('returned');
      return 1_000_000 - i.calls.fuel!;
    })();
    for (const first of [0, 1, Math.floor(total / 2), total - 1]) {
      const i = instantiate({ fuel: true, asyncify: true });
      const s = suspended(i.calls.call('run', [6], { fuel: first } as PausePoint));
      expect(s.at).toBe('fuel');
      expect(i.calls.fuel).toBe(0);
      const rest = total - first;
      const again = suspended(s.call.resume({ pauseAt: { fuel: rest - 1 } }));
      expect(again.at).toBe('fuel');
      expect(again.call.resume({ fuel: 1 })).toEqual({ state: 'returned', value: 1000 });
      expect(i.calls.fuel).toBe(0);
    }
    const i = instantiate({ fuel: true, asyncify: true });
    expect(i.calls.call('run', [6], { fuel: total })).toEqual({ state: 'returned', value: 1000 });
  });

  it('running dry without a fuel pause traps OUT_OF_FUEL; refuel and call again restarts from entry with writes persisted (K2)', () => {
    const i = instantiate({ fuel: true, asyncify: false });
    i.calls.setFuel(60);
    const r = i.calls.call('run', [8], undefined);
    expect(r).toEqual({ state: 'failed', error: OUT_OF_FUEL });
    const partial = words(i, 64, 8);
    expect(partial.filter((w) => w !== 0).length).toBeGreaterThan(0);
    expect(partial.filter((w) => w !== 0).length).toBeLessThan(8);
    expect(i.calls.fuel).toBe(0);
    i.calls.setFuel(1_000_000);
    expect(i.calls.call('run', [8], undefined)).toEqual({ state: 'returned', value: 1000 });
    expect(words(i, 64, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
