/**
 * The names and the sentinel shared by the fuel / suspension instrumentation (binaryen) and the
 * hosts that run instrumented modules (exec, calls, processes). Binaryen-free on purpose: the step
 * executor classifies OUT_OF_FUEL on its plain fast path, which must never load binaryen.
 */

export const FUEL_MODULE = 'trapcheck:fuel';
export const FUEL_HOOK = 'exhausted';
/**
 * The imported immutable i64 global `trapcheck:fuel.initial`: the budget the instance starts with
 * (the counter's initializer), so a start function runs on the fuel the host set before
 * instantiation, as on a wasmtime store fuelled before `Instance::new`.
 */
export const FUEL_INITIAL = 'initial';
/** The exported i64 global holding the remaining budget (negative only inside the hook). */
export const FUEL_GLOBAL = 'trapcheck_fuel';

/** Suspendable host imports of `asyncify` cases: `yield: [] → []`, `block: [] → [i32]`. */
export const HOST_MODULE = 'trapcheck:host';
export const HOST_YIELD = 'yield';
export const HOST_BLOCK = 'block';

/** Exported when the module has a memory it does not export: the host keeps Asyncify data there. */
export const MEMORY_EXPORT = 'trapcheck_memory';

/** What the fuel hook throws when the budget is gone: hosts classify it as `trap "out of fuel"`. */
export class OutOfFuel {
  readonly outOfFuel = true;
}
export const OUT_OF_FUEL = new OutOfFuel();

/** wasmtime's text for `Trap::OutOfFuel`, used as the outcome message. */
export const OUT_OF_FUEL_MESSAGE = 'all fuel consumed by WebAssembly';

export function isOutOfFuel(e: unknown): boolean {
  return e instanceof OutOfFuel;
}
