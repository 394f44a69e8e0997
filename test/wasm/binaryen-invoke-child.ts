/**
 * Run by test/wasm/binaryen-invoke-bypass.test.ts in a fresh process, with and without
 * TRAPCHECK_BINARYEN_INVOKE=js: everything binaryen does for trapcheck, reduced to what it
 * printed. Prints one JSON line: the bypass status, a digest per job (generated modules of every
 * family, Asyncify and fuel instrumentation), and the errors binaryen gave for bad
 * input (its C++ exceptions, thrown and caught inside binaryen, escaping at the end) followed by
 * a build after them.
 */
import { createHash } from 'node:crypto';
import { FAMILY_NAMES, generateCase } from '../../generators/index.ts';
import binaryen from '../../src/wasm/binaryen.ts';
import { binaryenInvokeBypass } from '../../src/wasm/binaryen-invoke-bypass.ts';
import { buildModule } from '../../src/wasm/builder.ts';
import { instrumentFuel } from '../../src/wasm/instrument/fuel.ts';
import { instrumentThreads } from '../../src/wasm/instrument/threads.ts';

const digest = (parts: Iterable<Uint8Array>): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};
const modules = (family: string, n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => generateCase(family, 5, i).modules.map((m) => m.bytes)).flat();

const generated = Object.fromEntries(FAMILY_NAMES.map((f) => [f, digest(modules(f, 25))]));
const asyncify = digest(modules('thread-panic', 25).map((b) => instrumentThreads(b, { asyncify: true }).bytes));
const fuel = digest(modules('cancellation', 25).map((b) => instrumentFuel(b).bytes));

const badInput: Array<[string, () => unknown]> = [
  ['readBinary: a type section with a bad form', () => binaryen.readBinary(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 9, 9, 9))],
  ['readBinary: truncated', () => binaryen.readBinary(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 3))],
  ['parseText: pops an empty stack', () => binaryen.parseText('(module (func (result i32) (i32.add)))')],
  ['parseText: not a module', () => binaryen.parseText('(modul')],
];
const errors = badInput.map(([what, f]) => {
  try {
    f();
    return `${what}: no error`;
  } catch (e) {
    return `${what}: ${(e as { message?: unknown }).message}`;
  }
});
const after = digest([
  buildModule('after-errors', [], (m) => {
    m.setMemory(1, 1);
    m.addFunction('f', binaryen.none, binaryen.i32, [], m.i32.const(7));
    m.addFunctionExport('f', 'f');
  }),
]);

console.log(JSON.stringify({ bypass: binaryenInvokeBypass(), generated, asyncify, fuel, errors, after }));
