/**
 * The spec interpreter's `spectest` host module, which .wast scripts import: print functions,
 * four immutable globals (666 / 666.6), a funcref table 10..20 and a memory of 1..2 pages.
 * One per case (its table and memory are state). Printing follows the reference interpreter
 * (`<value> : <type>` per argument, one per line) and goes to the case's captured stdout, so
 * it is observable like any other output but never reaches the host's stdout.
 */
import { numberToText } from '../values.ts';
import type { WasmModule } from './wasm-api.ts';
import { WA } from './wasm-api.ts';

export type Printer = (line: string) => void;

/**
 * A wasm module that imports the JS print functions with their spec types and re-exports them:
 * a JS function can be imported at any type, a wasm function only at its own, so importing
 * `spectest.print_i32` at a wrong type is a LinkError (spec: unlinkable), as it should be.
 */
const TYPED_PRINTS =
  '0061736d01000000011e0760000060017f0060017e0060017d0060017c0060027f7d0060027c7c00026e07026a73057072696e740000026a73097072696e745f6933320001026a73097072696e745f6936340002026a73097072696e745f6633320003026a73097072696e745f6636340004026a730d7072696e745f6933325f6633320005026a730d7072696e745f6636345f6636340006075907057072696e740000097072696e745f6933320001097072696e745f6936340002097072696e745f6633320003097072696e745f66363400040d7072696e745f6933325f66333200050d7072696e745f6636345f6636340006';
let typedPrints: WasmModule | undefined;

export function createSpectest(print: Printer): Record<string, unknown> {
  const f32 = (x: number): string => `${numberToText('f32', x)} : f32`;
  const f64 = (x: number): string => `${numberToText('f64', x)} : f64`;
  const js = {
    print: () => undefined,
    print_i32: (x: number) => print(`${x | 0} : i32`),
    print_i64: (x: bigint) => print(`${BigInt.asIntN(64, x)} : i64`),
    print_f32: (x: number) => print(f32(x)),
    print_f64: (x: number) => print(f64(x)),
    print_i32_f32: (x: number, y: number) => {
      print(`${x | 0} : i32`);
      print(f32(y));
    },
    print_f64_f64: (x: number, y: number) => {
      print(f64(x));
      print(f64(y));
    },
  };
  typedPrints ??= new WA.Module(Uint8Array.from(TYPED_PRINTS.match(/../g)!, (b) => parseInt(b, 16)));
  const typed = new WA.Instance(typedPrints, { js }).exports;
  return {
    ...typed,
    global_i32: new WA.Global({ value: 'i32', mutable: false }, 666),
    global_i64: new WA.Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new WA.Global({ value: 'f32', mutable: false }, 666.6),
    global_f64: new WA.Global({ value: 'f64', mutable: false }, 666.6),
    table: new WA.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    ...table64(),
    memory: new WA.Memory({ initial: 1, maximum: 2 }),
  };
}

/**
 * The reference interpreter's `spectest.table64` (funcref, 10..20, i64 addresses; table64.wast
 * imports it), where the engine's JS API makes i64 tables (`address: 'i64'`, bigint sizes: Deno
 * 2.9). Engines that ignore `address` make an i32 table (Node 20, gjs): that is no table64, so
 * it is left out and the import is unlinkable there, as it would be for a missing export.
 */
function table64(): { table64?: unknown } {
  try {
    const t = new (WA.Table as unknown as new (d: object) => { length: unknown })({ element: 'anyfunc', initial: 10n, maximum: 20n, address: 'i64' });
    return typeof t.length === 'bigint' ? { table64: t } : {};
  } catch {
    return {};
  }
}
