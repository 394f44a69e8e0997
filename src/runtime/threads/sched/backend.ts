/**
 * How the scheduler's threads switch (./process.ts decides *whether* and *to whom*; a backend only
 * carries it out): Asyncify (./asyncify-backend.ts: coroutines unwind into host-side bytes, main
 * runs the others inline; synchronous) or the engine's stack switching (./jspi-backend.ts: every
 * thread, main too, suspends on its own stack; the case runs asynchronously).
 */
import type { Outcome } from '../../../outcome.ts';
import type { WasmModule } from '../../wasm-api.ts';
import type { PreparedThreadsModule } from '../prepare.ts';
import type { Runner } from './coroutine.ts';
import type { SchedThreadImports } from './hooks.ts';
import type { Scheduler } from './scheduler.ts';

export type ThreadSetup = SchedThreadImports | { unlinkable: string } | { unsupported: string };

/** What a backend needs of its process. */
export interface BackendEnv {
  readonly sched: Scheduler;
  readonly killed: boolean;
  terminate(outcome: Outcome): Outcome;
  /** The imports of thread `r` instantiating `module` (./hooks.ts). */
  importsFor(r: Runner, module: WasmModule, mem: { module: string; base: string }): ThreadSetup;
}

export interface SchedBackend {
  /** Main (tid 0). */
  readonly main: Runner;
  /** Main's imports for its instance (the backend may route them through its own machinery). */
  linkMain(p: PreparedThreadsModule, setup: SchedThreadImports): SchedThreadImports;
  /** A new thread `tid` (not yet instantiated: that happens when it first runs). */
  newThread(tid: number, arg: number, module: WasmModule, mem: { module: string; base: string }): Runner;
  /** The scheduler chose another thread than `r`: true when `r`'s hook must return at once (it parked). */
  switchAway(r: Runner): boolean;
  /** The case is over: nothing of the process may run or stay suspended after this settles. */
  shutdown(): void | Promise<void>;
}

