/**
 * One side of bench/binaryen-invoke.bench.ts, in a fresh process: binaryen loaded with its
 * invoke trampolines in wasm (src/wasm/binaryen-invoke-bypass.ts) or, under
 * TRAPCHECK_BINARYEN_INVOKE=js, with emscripten's JS ones. Times with tinybench the three
 * binaryen-heavy jobs trapcheck runs per case: generating a core-traps case, the Asyncify
 * instrumentation of a thread-panic module (engines without stack switching) and the fuel
 * instrumentation of a cancellation module. Prints one JSON line: the mode, ns per operation of
 * each job, and a digest of every output byte (both modes must print the same one).
 */
import { createHash } from 'node:crypto';
import { generateCase } from '../generators/index.ts';
import { binaryenInvokeBypass } from '../src/wasm/binaryen-invoke-bypass.ts';
import { instrumentFuel } from '../src/wasm/instrument/fuel.ts';
import { instrumentThreads } from '../src/wasm/instrument/threads.ts';
import { runGroup } from './harness.ts';

const CASES = 200;
const firstModule = (family: string, i: number): Uint8Array => generateCase(family, 1, i).modules[0]!.bytes;
const threadModules = Array.from({ length: CASES }, (_, i) => firstModule('thread-panic', i));
// the fuel pass meters what it supports; the cancellation family's modules are what it runs on
const fuelModules = Array.from({ length: CASES }, (_, i) => firstModule('cancellation', i));

const digest = createHash('sha256');
for (let i = 0; i < CASES; i++) for (const m of generateCase('core-traps', 1, i).modules) digest.update(m.bytes);
for (const b of threadModules) digest.update(instrumentThreads(b, { asyncify: true }).bytes);
for (const b of fuelModules) digest.update(instrumentFuel(b).bytes);

// warm both paths as far as the generate bench does (binaryen's tier-up and the JIT)
for (let i = 0; i < 3000; i++) generateCase('core-traps', 2, i);

let seed = 3;
const rows = await runGroup(
  'binaryen jobs',
  [
    { name: 'generate core-traps', opsPerCall: CASES, fn: () => { seed++; for (let i = 0; i < CASES; i++) generateCase('core-traps', seed, i); } },
    { name: 'Asyncify thread-panic module', opsPerCall: CASES, fn: () => { for (const b of threadModules) instrumentThreads(b, { asyncify: true }); } },
    { name: 'fuel-meter cancellation module', opsPerCall: CASES, fn: () => { for (const b of fuelModules) instrumentFuel(b); } },
  ],
  { time: 3000, warmupTime: 500 },
);
const bypass = binaryenInvokeBypass();
console.log(JSON.stringify({ mode: bypass.active ? 'wasm' : 'js', ns: Object.fromEntries(rows.map((r) => [r.name, r.meanNs])), digest: digest.digest('hex') }));
