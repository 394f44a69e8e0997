/**
 * The CoreInvoker of plain component cases (no `fuel` / `asyncify`): a direct call of the core
 * export. It cannot pause, so a pause point is refused (the layer reports `unsupported`); the
 * async invoker of src/runtime/calls/ replaces it for fuel / asyncify cases.
 */
import type { PausePoint } from '../case.ts';
import type { CoreCallState, CoreInvoker } from '../runtime/calls/types.ts';
import type { WasmExports } from '../runtime/wasm-api.ts';

/** The `error` of a call that asked a synchronous invoker to pause. */
export class PauseUnsupported {
  readonly feature = 'pause points without the fuel / asyncify features';
}

export class SyncInvoker implements CoreInvoker {
  constructor(private readonly exports: WasmExports) {}

  /** Lifted calls of an instance with this invoker call core exports directly (instance.ts); only a pause request lands here. */
  call(exportName: string, args: readonly unknown[], pauseAt?: PausePoint): CoreCallState {
    if (pauseAt !== undefined) return { state: 'failed', error: new PauseUnsupported() };
    try {
      return { state: 'returned', value: (this.exports[exportName] as (...a: unknown[]) => unknown)(...args) };
    } catch (error) {
      return { state: 'failed', error };
    }
  }

  setFuel(): void {
    // unmetered: nothing to set
  }
}
