/**
 * A wasi-threads module made ready to run, for both ways a process runs (the pooled threads of
 * ./process.ts, the scheduler of ./sched/process.ts): validated by the engine first (an invalid
 * module keeps the engine's own compile error), instrumented (waits, notifies and loop headers
 * become host calls; Asyncify too for the scheduler's coroutines), compiled. Anything that stops
 * it is the outcome of the step that instantiates it.
 */
import type { Outcome } from '../../outcome.ts';
import { instrumentThreads, InstrumentError } from '../../wasm/instrument/threads.ts';
import { hookThreadsAtBytes } from './hook-bytes.ts';
import { asyncifyHooked } from './sched/asyncify-hooked.ts';
import type { WasmMemory, WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { FuncImport } from '../../wasm/layout.ts';
import { funcImportsOf, readLayout } from '../../wasm/layout.ts';

export interface SharedMemoryImport {
  module: string;
  base: string;
  initial: number;
  maximum: number | undefined;
}

export interface PreparedThreadsModule {
  module: WasmModule;
  memoryImport: SharedMemoryImport;
  /** Asked for by the scheduler's stack-switching backend: every function import with its type, in import order. */
  funcImports?: FuncImport[];
}

export function prepareThreadsModule(bytes: Uint8Array, options: { asyncify: boolean; funcImports?: boolean }): PreparedThreadsModule | Outcome {
  try {
    if (!WA.validate(bytes)) new WA.Module(bytes); // throws the engine's CompileError
    const inst = instrument(bytes, options.asyncify);
    if (!inst.memory || !inst.memory.shared) return { kind: 'unsupported', feature: 'wasi-threads module without an imported shared memory' };
    const prepared: PreparedThreadsModule = { module: new WA.Module(inst.bytes), memoryImport: inst.memory };
    if (options.funcImports) prepared.funcImports = funcImportsOf(readLayout(inst.bytes));
    return prepared;
  } catch (e) {
    if (e instanceof InstrumentError) return { kind: 'crash', detail: e.message };
    if (e instanceof WA.CompileError) return { kind: 'rejected', stage: 'compile', message: e.message.replace(/^WebAssembly\.Module\(\): /, '') };
    return { kind: 'crash', detail: `threads: ${String(e)}` };
  }
}

/**
 * Our runtime's copy of the module with its hooks: written at the byte level (./hook-bytes.ts;
 * no binaryen round trip) and, for the scheduler, one binaryen pass for Asyncify; a module the
 * byte rewrite does not read (exception handling, GC types, memory64, …) takes the binaryen
 * rewrite (src/wasm/instrument/threads.ts) instead. Both mean the same.
 */
function instrument(bytes: Uint8Array, asyncify: boolean): { bytes: Uint8Array; memory: (SharedMemoryImport & { shared: boolean }) | undefined } {
  let hooked: ReturnType<typeof hookThreadsAtBytes>;
  try {
    hooked = hookThreadsAtBytes(bytes);
  } catch {
    return instrumentThreads(bytes, { asyncify });
  }
  return asyncify ? { bytes: asyncifyHooked(hooked.bytes, hooked.threadReachable), memory: hooked.memory } : hooked;
}

/** The process's one shared memory, as the module imports it. */
export function sharedMemoryFor(mi: SharedMemoryImport): WasmMemory {
  return new WA.Memory(mi.maximum === undefined ? { initial: mi.initial, shared: true } : { initial: mi.initial, maximum: mi.maximum, shared: true });
}
