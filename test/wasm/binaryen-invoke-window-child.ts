/**
 * Run by test/wasm/binaryen-invoke-bypass.test.ts in a fresh process: another module imported
 * from `a` (as every emscripten module is, wabt's among them) instantiated while the interception
 * waits for binaryen must pass through untouched, and binaryen, loaded after it, must still be
 * bypassed. Prints one JSON line.
 */
import { binaryenInvokeBypass } from '../../src/wasm/binaryen-invoke-bypass.ts';

// (module (import "a" "f" (func $f (result i32))) (func (export "g") (result i32) call $f))
const OTHER = Uint8Array.from('0061736d010000000105016000017f02070101610166000003020100070501016700010a0601040010000b'.match(/../g)!, (b) => parseInt(b, 16));
const WA = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: Record<string, () => number> } }> } }).WebAssembly;

const other = await WA.instantiate(OTHER, { a: { f: () => 42 } });
const whileWaiting = binaryenInvokeBypass();
await import('../../src/wasm/binaryen.ts');
console.log(JSON.stringify({ other: other.instance.exports['g']!(), whileWaiting, after: binaryenInvokeBypass() }));
