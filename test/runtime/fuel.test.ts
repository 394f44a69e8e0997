/** The fuel pass: bulk memory ops charged by length (before they run, also when they then trap), and the cost plan matches the real charges. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { WA } from '../../src/runtime/wasm-api.ts';
import { fuelPlan, instrumentFuel, OUT_OF_FUEL } from '../../src/wasm/instrument/fuel.ts';
import { wat } from './helpers.ts';

function metered(bytes: Uint8Array): { exports: Record<string, unknown>; fuel: { value: bigint }; hookCalls: () => number } {
  let calls = 0;
  const inst = new WA.Instance(new WA.Module(instrumentFuel(bytes).bytes), {
    'trapcheck:fuel': {
      initial: new WA.Global({ value: 'i64', mutable: false }, 0n),
      exhausted: (): void => {
        calls++;
        throw OUT_OF_FUEL;
      },
    },
  });
  return { exports: inst.exports, fuel: inst.exports['trapcheck_fuel'] as { value: bigint }, hookCalls: () => calls };
}

/** Units a call spends, measured on the instrumented module with a large budget. */
function spend(bytes: Uint8Array, name: string, args: number[]): { units: number; error?: unknown } {
  const m = metered(bytes);
  m.fuel.value = 1n << 40n;
  try {
    (m.exports[name] as (...a: number[]) => unknown)(...args);
    return { units: Number((1n << 40n) - m.fuel.value) };
  } catch (error) {
    return { units: Number((1n << 40n) - m.fuel.value), error };
  }
}

const BULK = wat(`(module
  (memory (export "memory") 1)
  (data $d "0123456789abcdef")
  (func (export "fill") (param $at i32) (param $n i32) (memory.fill (local.get $at) (i32.const 7) (local.get $n)))
  (func (export "copy") (param $n i32) (memory.copy (i32.const 100) (i32.const 0) (local.get $n)))
  (func (export "init") (param $n i32) (memory.init $d (i32.const 200) (i32.const 0) (local.get $n))))`);

describe('fuel pass: bulk memory', () => {
  const plan = fuelPlan(BULK);
  const entry = (name: string): number => plan.functions.find((f) => f.exports.includes(name))!.entry;

  it('charges memory.fill / copy / init by their length on top of the static entry cost', () => {
    for (const n of [0, 1, 16, 1000]) expect(spend(BULK, 'fill', [0, n]).units).toBe(entry('fill') + n);
    for (const n of [0, 5, 16]) expect(spend(BULK, 'copy', [n]).units).toBe(entry('copy') + n);
    for (const n of [0, 3, 16]) expect(spend(BULK, 'init', [n]).units).toBe(entry('init') + n);
  });

  it('charges before the op: a fill that traps out of bounds has paid its length (#36), and the op never runs when the budget is short', () => {
    const r = spend(BULK, 'fill', [65530, 100]);
    expect(r.error).toBeInstanceOf(WA.RuntimeError);
    expect(r.units).toBe(entry('fill') + 100);
    const m = metered(BULK);
    m.fuel.value = BigInt(entry('fill') + 9);
    expect(() => (m.exports['fill'] as (a: number, n: number) => void)(0, 10)).toThrow();
    expect(m.hookCalls()).toBe(1);
    expect(new Uint8Array((m.exports['memory'] as { buffer: ArrayBuffer }).buffer)[0]).toBe(0);
  });

  it('evaluates the operands once, in order', () => {
    const bytes = wat(`(module (memory 1) (global $k (mut i32) (i32.const 0))
      (func $next (result i32) (global.set $k (i32.add (global.get $k) (i32.const 1))) (global.get $k))
      (func (export "f") (result i32)
        (memory.fill (i32.mul (call $next) (i32.const 10)) (call $next) (call $next))
        (i32.add (i32.mul (global.get $k) (i32.const 1000)) (i32.load8_u (i32.const 10)))))`);
    const m = metered(bytes);
    m.fuel.value = 1n << 40n;
    expect((m.exports['f'] as () => number)()).toBe(3002); // dest 10, value 2, length 3; $next ran three times
  });
});

describe('fuel plan matches the real charges', () => {
  const LOOPS = wat(`(module (memory 1)
    (func $leaf (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))
    (func (export "f") (param $n i32) (param $m i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
      (block $out (loop $outer
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $in (loop $inner
          (br_if $in (i32.ge_u (local.get $j) (local.get $m)))
          (local.set $acc (call $leaf (local.get $acc)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
        (memory.fill (i32.const 0) (i32.const 1) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
      (local.get $acc)))`);
  const plan = fuelPlan(LOOPS);

  test.prop([fc.nat({ max: 12 }), fc.nat({ max: 12 })], { numRuns: 40 })('f(n, m): entry + outer·(n+1) + inner·(n·(m+1)) + leaf·n·m + Σ bulk lengths', (n, m) => {
    const [leaf, f] = plan.functions;
    const [outer, inner] = f!.loops;
    const predicted = f!.entry + outer! * (n + 1) + inner! * n * (m + 1) + leaf!.entry * n * m + (n * (n - 1)) / 2;
    expect(spend(LOOPS, 'f', [n, m]).units).toBe(predicted);
  });

  test.prop([fc.nat({ max: 6 }), fc.nat({ max: 6 }), fc.nat({ max: 4000 })], { numRuns: 40 })('a budget one unit short of the prediction runs dry; the exact prediction completes', (n, m, extra) => {
    const total = spend(LOOPS, 'f', [n, m]).units;
    const short = metered(LOOPS);
    short.fuel.value = BigInt(total - 1);
    expect(() => (short.exports['f'] as (a: number, b: number) => number)(n, m)).toThrow();
    const exact = metered(LOOPS);
    exact.fuel.value = BigInt(total + (extra % 2) * extra);
    expect((exact.exports['f'] as (a: number, b: number) => number)(n, m)).toBe(n * m);
    expect(Number(exact.fuel.value)).toBe((extra % 2) * extra);
  });

  it('names the table bulk ops it cannot meter instead of skipping them', () => {
    const bytes = wat('(module (table 1 funcref) (func (export "f") (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1))))');
    expect(() => instrumentFuel(bytes)).toThrow(/unsupported expression kind/);
  });
});
