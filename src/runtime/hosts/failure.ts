/**
 * Error → Outcome: what anything thrown by wasm, the JS API or a host import means for the
 * step. A proc_exit (or a guest that caught its sentinel) ends the process; in a threads case
 * the threaded process decides, since a trap in any thread ends every thread.
 */
import type { Outcome } from '../../outcome.ts';
import { isOutOfFuel, OUT_OF_FUEL_MESSAGE } from '../../wasm/instrument/fuel-abi.ts';
import { SuspendUnsupported } from '../calls/asyncify-stack.ts';
import { CallUnsupported } from '../calls/core-calls.ts';
import { classifyEngineError } from '../classify.ts';
import { WA } from '../wasm-api.ts';
import { Deadlocked, ProcExit, WasiUnsupported } from '../wasi/wasi.ts';
import type { WasiProcess } from './wasi-process.ts';

const WasmException = WA.Exception;

/** Turns anything thrown into the step's Outcome; an end of the whole process is kept as the process's exit outcome. */
export function failureOutcome(process: WasiProcess, e: unknown): Outcome {
  const threaded = process.threaded;
  if (threaded !== undefined) {
    const end = threaded.outcomeFor(e, failureSingle(process, e));
    if (end.kind !== 'rejected' && end.kind !== 'unsupported') process.exitOutcome = end;
    return end;
  }
  return failureSingle(process, e);
}

/** The outcome as a single-threaded process sees it. */
function failureSingle(process: WasiProcess, e: unknown): Outcome {
  if (isOutOfFuel(e)) return { kind: 'trap', trap: ['out of fuel'], message: OUT_OF_FUEL_MESSAGE };
  if (e instanceof CallUnsupported || e instanceof SuspendUnsupported) return { kind: 'unsupported', feature: e.message };
  if (e instanceof Deadlocked) return { kind: 'deadlock' };
  const wasi = process.wasi;
  if (wasi?.exited) return process.exit(wasi.exit.code);
  if (e instanceof ProcExit) return process.exit(e.code);
  if (e instanceof WasiUnsupported) return { kind: 'unsupported', feature: e.feature };
  if (e instanceof WA.CompileError) return { kind: 'rejected', stage: 'compile', message: stripApiPrefix(e.message) };
  if (e instanceof WA.LinkError) return { kind: 'rejected', stage: 'unlinkable', message: stripApiPrefix(e.message) };
  if (WasmException && e instanceof WasmException) return classifyEngineError(process.engine, 'Exception', '');
  if (e instanceof Error) return classifyEngineError(process.engine, e.name, e.message);
  return { kind: 'crash', detail: `non-error value thrown: ${String(e)}` };
}

function stripApiPrefix(message: string): string {
  return message.replace(/^WebAssembly\.(?:Instance|instantiate|Module|compile)\(\): /, '');
}
