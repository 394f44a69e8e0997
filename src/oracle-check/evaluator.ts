/**
 * The independent evaluators of the oracle check: interpreters that share no code with the
 * generators' expectation arithmetic nor with the reference runtime's engine (V8). Each one is a
 * Runtime behind the ordinary adapter interface, so its observations go through the one pipeline
 * (src/pipeline/judge-cases.ts) and the one judge, with crash recovery.
 *
 * - `wabt`: wabt's wasm-interp (src/runtimes/wabt.ts): one module, core features, invoke / get
 *   steps, no imports (so no WASI, wasi-threads, components, fuel or asyncify).
 * - `binaryen`: binaryen's interpreter through its `wasm-shell` (src/oracle-check/binaryen/): the
 *   same reach as wabt, a second opinion; it also evaluates what wasm-interp leaves out.
 * - `wabt-wasi`: wasm-interp again, on WASI commands (src/oracle-check/wasi/): the module's
 *   `proc_exit` / `fd_write` imports lowered into a shim written in wasm that reports through
 *   `--host-print`; one module, instantiate / start / invoke / get steps, no args, env or stdin.
 */
import type { RecoveringTarget } from '../pipeline/recovering.ts';
import { RuntimeSlot } from '../pipeline/runtime-slot.ts';
import type { Runtime } from '../runtimes/adapter.ts';

export const EVALUATOR_NAMES = ['wabt', 'binaryen', 'wabt-wasi'] as const;
export type EvaluatorName = (typeof EVALUATOR_NAMES)[number];

export interface Evaluator {
  readonly name: EvaluatorName;
  /** The `--runtime` a replay line names, so that `trapcheck replay` shows the same observation. */
  readonly replayRuntime: string;
  readonly target: RecoveringTarget;
  version(): Promise<string>;
  close(): Promise<void>;
}

const FACTORIES: Record<EvaluatorName, () => Promise<Runtime>> = {
  // the registered runtime's plan and reading, wasm-interp run in long-lived children (wabt-pooled.ts)
  wabt: async () => (await import('./wabt-pooled.ts')).createPooledWabtRuntime(),
  binaryen: async () => (await import('./binaryen/runtime.ts')).createBinaryenRuntime(),
  'wabt-wasi': async () => (await import('./wasi/runtime.ts')).createWabtWasiRuntime(),
};

/** Which runtime a replay line should name for each evaluator (binaryen is not a registered runtime). */
const REPLAY_RUNTIME: Record<EvaluatorName, string> = { wabt: 'wabt', binaryen: 'reference', 'wabt-wasi': 'reference' };

/** Starts an evaluator; a harness that throws is replaced by a fresh one (RuntimeSlot). */
export async function createEvaluator(name: EvaluatorName, create: () => Promise<Runtime> = FACTORIES[name]): Promise<Evaluator> {
  const slot = new RuntimeSlot(await create(), create);
  return {
    name,
    replayRuntime: REPLAY_RUNTIME[name],
    target: slot,
    version: () => slot.runtime().version(),
    close: () => slot.close(),
  };
}
