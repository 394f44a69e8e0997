/**
 * The binaryen half of async core calls, loaded lazily (the pool worker provides it through
 * ExecOptions.calls only when a job has a `fuel` / `asyncify` case, so the plain path never loads
 * binaryen): fuel metering for `fuel`, Asyncify over `trapcheck:host.yield` / `.block` for
 * `asyncify`, and the fuel hook as a suspending import when both are on.
 */
import { HOST_BLOCK, HOST_MODULE, HOST_YIELD } from '../../wasm/instrument/fuel-abi.ts';
import type { SuspendableModule } from '../../wasm/instrument/suspend.ts';
import { instrumentSuspendable } from '../../wasm/instrument/suspend.ts';
import type { CallRuntime } from '../exec.ts';

export const SUSPENDING_IMPORTS = [`${HOST_MODULE}.${HOST_YIELD}`, `${HOST_MODULE}.${HOST_BLOCK}`] as const;

export function instrumentForCalls(bytes: Uint8Array, flags: { fuel: boolean; asyncify: boolean }): SuspendableModule {
  return instrumentSuspendable(bytes, { fuel: flags.fuel, asyncImports: flags.asyncify ? SUSPENDING_IMPORTS : [], fuelSuspends: flags.fuel && flags.asyncify });
}

export const callRuntime: CallRuntime = { instrument: instrumentForCalls };
