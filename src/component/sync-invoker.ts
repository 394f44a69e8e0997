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
  /**
   * One reused result: the lifted call reads it before anything else can call this invoker again
   * (a nested call through a host import settles before the outer `fn` returns, and the outer
   * value is written only after that), so no allocation per call.
   */
  private readonly returned = { state: 'returned' as const, value: undefined as unknown };

  constructor(private readonly exports: WasmExports) {}

  call(exportName: string, args: readonly unknown[], pauseAt?: PausePoint): CoreCallState {
    if (pauseAt !== undefined) return { state: 'failed', error: new PauseUnsupported() };
    const fn = this.exports[exportName] as (...a: unknown[]) => unknown;
    let value: unknown;
    try {
      value = args.length === 1 ? fn(args[0]) : fn(...args);
    } catch (error) {
      return { state: 'failed', error };
    }
    this.returned.value = value;
    return this.returned;
  }

  setFuel(): void {
    // unmetered: nothing to set
  }
}
