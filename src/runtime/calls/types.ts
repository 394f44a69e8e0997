/**
 * The contract between async core calls (src/runtime/calls/: fuel + Asyncify) and the layers that
 * drive them (the step executor for core cases, src/component/ for lifted calls). A call either
 * ends (returned / failed) or stops at an exact pause point and can then be resumed or cancelled.
 */
import type { PausePoint } from '../../case.ts';

export type CoreCallState =
  /** `value` is the raw JS result of the export. */
  | { state: 'returned'; value: unknown }
  /** `error` is what the call threw: a RuntimeError, the OUT_OF_FUEL sentinel, a host error, a ProcExit … */
  | { state: 'failed'; error: unknown }
  | { state: 'suspended'; at: 'entry' | 'host' | 'fuel'; call: PendingCall };

export interface ResumeOptions {
  /** What a pending `trapcheck:host.block` returns (default 0). */
  value?: number;
  /** Fuel added before continuing (default: unlimited for the rest of this call). */
  fuel?: number;
  pauseAt?: PausePoint;
}

export interface PendingCall {
  resume(options?: ResumeOptions): CoreCallState;
  /** Abandons the call without rewinding (a dropped future): no further guest code of it runs. */
  cancel(): void;
}

/** Calls into one core instance. Without `pauseAt`, suspensions resume at once and running dry throws OUT_OF_FUEL. */
export interface CoreInvoker {
  call(exportName: string, args: readonly unknown[], pauseAt?: PausePoint): CoreCallState;
  /** Sets the instance's fuel (fuel cases); a no-op for an unmetered instance. */
  setFuel(units: number): void;
}
