/**
 * The executor's contracts: what it needs of a case, the options it runs under, the lazily
 * loaded runtimes (threads, processes, instrumentation; kept as types so the single-threaded
 * path never loads binaryen), and the core instance every host addresses.
 */
import type { Case, CaseModule, MemoryRegion, Step } from '../../case.ts';
import type { ProcessObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ComponentInstance } from '../../component/instance.ts';
import type { CoreCalls } from '../calls/core-calls.ts';
import type { Engine } from '../classify.ts';
import type { WasmExports } from '../wasm-api.ts';
import type { MemoryBinding, WasiHost } from '../wasi/wasi.ts';

/** What the executor needs of a Case (the pool sends exactly this, without WAT text or provenance). */
export interface RunnableCase {
  id: Case['id'];
  modules: ReadonlyArray<Pick<CaseModule, 'bytes'>>;
  steps: readonly Step[];
  wasi?: Case['wasi'];
  /** The case declares `wasi-threads`: main runs as thread 0 of a threaded process (src/runtime/threads/). */
  threads?: boolean;
  /**
   * A threads case: how its threads run. Absent: the deterministic scheduler with the case's
   * default schedule; a schedule token (src/runtime/threads/sched/schedule.ts): the scheduler
   * following it; `real`: every thread on its own pooled worker, really in parallel.
   */
  schedule?: string;
  /** The case declares `lunatic`: the module is the root of a Lunatic-style process system (src/runtime/process/). */
  lunatic?: boolean;
  /** The case declares `fuel`: its modules are metered (src/wasm/instrument/fuel.ts) and `refuel` / fuel pause points apply. */
  fuel?: boolean;
  /** The case declares `asyncify`: `trapcheck:host.yield` / `.block` imports suspend, so calls can pause, resume and be cancelled. */
  asyncify?: boolean;
  /** A component case: instances are component instances (src/component/). */
  component?: Case['component'];
}

export interface ExecOptions {
  engine?: Engine;
  /** Run only the first `maxSteps` steps (the watchdog re-runs a hung case's prefix this way). */
  maxSteps?: number;
  /** Called before each step with its index (the pool's progress word). */
  onStep?: (index: number) => void;
  /**
   * wasi-threads support (loaded by the pool worker only when a job has a threads case, so the
   * single-threaded path never loads binaryen). Absent: threads cases are `unsupported`.
   */
  threads?: ThreadRuntime;
  /** Lunatic-style processes (loaded by the pool worker only for `lunatic` cases; binaryen). Absent: such cases are `unsupported`. */
  processes?: ProcessRuntime;
  /** Fuel / Asyncify instrumentation for `fuel` / `asyncify` cases (src/runtime/calls/instrument.ts; binaryen, loaded lazily). Absent: such cases are `unsupported`. */
  calls?: CallRuntime;
}

/** What exec needs from src/runtime/calls/instrument.ts (kept as a type: loaded lazily). */
export interface CallRuntime {
  instrument(bytes: Uint8Array, flags: { fuel: boolean; asyncify: boolean }): { bytes: Uint8Array };
}

/** What exec needs from src/runtime/process/ (kept as a type: loaded lazily). */
export interface ProcessRuntime {
  create(c: RunnableCase): ProcessSystemLike;
}
export interface ProcessSystemLike {
  instantiateRoot(index: number): Outcome;
  start(): Outcome;
  observe(regions: ReadonlyMap<number, readonly MemoryRegion[]>): ProcessObservation[];
  readonly stdout: { text(): string };
  readonly stderr: { text(): string };
}

/** What exec needs from src/runtime/threads/process.ts (kept as a type: loaded lazily). */
export interface ThreadRuntime {
  create(c: RunnableCase): ThreadedProcessLike;
}
export interface ThreadedProcessLike {
  wasi: WasiHost | undefined;
  instantiate(index: number): { exports: WasmExports; binding: MemoryBinding } | Outcome;
  ended(): Outcome | undefined;
  outcomeFor(e: unknown, single: Outcome): Outcome;
  mainReturned(): Outcome;
  shutdown(): void;
  /** The scheduler mode: the schedule the run followed (replayable token). */
  schedule?(): string;
}

/** A core instance of the case, as every step addresses it. */
export interface CoreInstance {
  exports: WasmExports;
  moduleIndex: number;
  binding: MemoryBinding;
  /** Component cases: the component instance over this core instance (src/component/). */
  component?: ComponentInstance;
  /** `fuel` / `asyncify` cases: async calls, fuel and pause points of this instance (src/runtime/calls/). */
  calls?: CoreCalls;
}

/** A named or current instance slot that could not be created because of an `unsupported` outcome. */
export interface Unavailable {
  unavailable: Outcome;
}
