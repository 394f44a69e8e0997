/**
 * Suspendable modules: fuel metering (./fuel.ts) plus binaryen Asyncify over the imports that may
 * suspend the caller, in one parse. Used by Lunatic processes (src/runtime/process/: `receive`,
 * `sleep_ms`) and by async core calls (src/runtime/calls/: `trapcheck:host.yield` / `.block`, and
 * the fuel hook so that running out of a budget can pause instead of trapping).
 *
 * The memory is exported (as `trapcheck_memory` when the module does not export it, and a 1-page
 * memory is added to a module without one) so the host can lend it to Asyncify: the host swaps the
 * guest's bytes out while the region holds Asyncify data (src/runtime/calls/asyncify-stack.ts), so
 * guest memory is never corrupted.
 *
 * Asyncify instruments every function that can reach a listed import; with the fuel hook listed
 * that is every metered function (~3× slower calls), which is why it is opt-in (`fuelSuspends`).
 */
import { binaryen } from '../builder.ts';
import type { BModule } from '../builder.ts';
import { FUEL_HOOK, FUEL_MODULE, MEMORY_EXPORT } from './fuel-abi.ts';
import { meterFuel } from './fuel.ts';
import { InstrumentError, rewriteModule } from './ir.ts';

export interface SuspendOptions {
  /** Meter fuel (./fuel.ts). */
  fuel: boolean;
  /** `module.name` of every import that may suspend (Asyncify's `asyncify-imports`); empty: no Asyncify. */
  asyncImports: readonly string[];
  /** With `fuel`: the fuel hook suspends too (a budget can pause a call). */
  fuelSuspends?: boolean;
  /** Add a 1-page memory to a module without one, so it can still suspend (default true). */
  addMemory?: boolean;
}

export interface SuspendableModule {
  bytes: Uint8Array;
  /** Name under which the instrumented module exports its memory (undefined: no memory). */
  memoryExport: string | undefined;
  /** Initial pages of the module's own memory (0 without one). */
  initialPages: number;
  maximumPages: number | undefined;
  /** The module imports its memory. */
  importsMemory: boolean;
  /** The instrumentation added the memory (the guest has none of its own). */
  addedMemory: boolean;
}

export class SuspendInstrumentError extends InstrumentError {
  override name = 'SuspendInstrumentError';
}

function exportedMemory(m: BModule): string | undefined {
  const n = m.getNumExports();
  for (let i = 0; i < n; i++) {
    const info = binaryen.getExportInfo(m.getExportByIndex(i));
    if (info.kind === binaryen.ExternalMemory) return info.name;
  }
  return undefined;
}

export function instrumentSuspendable(bytes: Uint8Array, options: SuspendOptions): SuspendableModule {
  const out = rewriteModule(
    bytes,
    'suspend instrumentation',
    (m) => {
      let memoryExport: string | undefined;
      let initialPages = 0;
      let maximumPages: number | undefined;
      let importsMemory = false;
      let addedMemory = false;
      if (m.hasMemory()) {
        const mi = m.getMemoryInfo() as { module: string | null; initial: number; max?: number };
        initialPages = mi.initial;
        maximumPages = mi.max;
        importsMemory = Boolean(mi.module);
        memoryExport = exportedMemory(m);
        if (memoryExport === undefined) {
          m.addMemoryExport('0', MEMORY_EXPORT); // binaryen names a parsed module's memory "0"
          memoryExport = MEMORY_EXPORT;
        }
      } else if (options.addMemory !== false && options.asyncImports.length + (options.fuelSuspends ? 1 : 0) > 0) {
        m.setMemory(1, 1, MEMORY_EXPORT);
        memoryExport = MEMORY_EXPORT;
        addedMemory = true;
      }
      if (options.fuel) meterFuel(m);
      const suspending = [...options.asyncImports];
      if (options.fuel && options.fuelSuspends) suspending.push(`${FUEL_MODULE}.${FUEL_HOOK}`);
      if (suspending.length) {
        binaryen.setPassArgument('asyncify-imports', suspending.join(','));
        try {
          m.runPasses(['asyncify']);
        } finally {
          binaryen.setPassArgument('asyncify-imports', null);
        }
      }
      return { memoryExport, initialPages, maximumPages, importsMemory, addedMemory };
    },
    (message) => new SuspendInstrumentError(message),
  );
  return { bytes: out.bytes, ...out.result };
}
