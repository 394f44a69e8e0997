/**
 * Fuel metering cost on a hot loop, as ratios against the unmetered loop in the same run
 * (goal: metered ≤ 2×). Rows: the plain module; fuel-metered (a charge per iteration); fuel +
 * Asyncify with the fuel hook suspendable (every metered function instrumented by Asyncify, what
 * `fuel` + `asyncify` cases run). Each variant is its own instance with its own call site.
 */
import { CoreCalls } from '../src/runtime/calls/core-calls.ts';
import { instrumentForCalls } from '../src/runtime/calls/instrument.ts';
import { WA } from '../src/runtime/wasm-api.ts';
import { wat } from '../test/runtime/helpers.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

/** spin(n): n iterations of an xorshift step over a local; returns it (kept alive). */
const HOT = wat(`(module
  (func (export "spin") (param $n i32) (result i32) (local $x i32)
    (local.set $x (i32.const 2463534242))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $x)))`);

const N = 100_000;

function spinOf(flags: { fuel: boolean; asyncify: boolean } | undefined): (n: number) => number {
  if (!flags) return new WA.Instance(new WA.Module(HOT), {}).exports['spin'] as (n: number) => number;
  const calls = new CoreCalls({ metered: flags.fuel, suspendable: flags.asyncify });
  const inst = new WA.Instance(new WA.Module(instrumentForCalls(HOT, flags).bytes), calls.imports);
  calls.bind(inst.exports, () => inst.exports['trapcheck_memory'] as never);
  calls.setFuel(Number.MAX_SAFE_INTEGER);
  return inst.exports['spin'] as (n: number) => number;
}

export default async function fuelBench(): Promise<BenchRow[]> {
  const plain = spinOf(undefined);
  const metered = spinOf({ fuel: true, asyncify: false });
  const suspendable = spinOf({ fuel: true, asyncify: true });
  let sink = 0;
  const rows = await runGroup('fuel (hot loop, 100k iterations per call)', [
    { name: 'unmetered spin(n)', opsPerCall: N, fn: () => void (sink ^= plain(N)) },
    { name: 'fuel-metered spin(n)', opsPerCall: N, fn: () => void (sink ^= metered(N)), note: 'one charge per loop iteration' },
    { name: 'fuel + asyncify (fuel hook suspendable)', opsPerCall: N, fn: () => void (sink ^= suspendable(N)), note: 'what fuel+asyncify cases run' },
  ]);
  if (sink === 0.5) console.log(sink);
  return rows;
}
