/**
 * Lunatic processes: the case's module is the root of a process system (src/runtime/process/),
 * created at the first instantiate; `start` runs it, and expectations observe every process.
 * The system has its own stdout / stderr (shared by all its processes).
 */
import type { MemoryRegion, ProcessExpectation } from '../../case.ts';
import type { ProcessObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ProcessRuntime, ProcessSystemLike, RunnableCase } from './types.ts';
import type { WasiProcess } from './wasi-process.ts';

export class LunaticHost {
  /** The process system (created at the case's first instantiate). */
  system: ProcessSystemLike | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly runtime: ProcessRuntime | undefined,
    private readonly process: WasiProcess,
  ) {}

  instantiate(index: number): Outcome {
    if (!this.runtime) return { kind: 'unsupported', feature: 'lunatic processes (run only in the reference runtime\'s worker pool)' };
    this.system ??= this.runtime.create(this.c);
    return this.system.instantiateRoot(index);
  }

  /** Processes run from `start`: a Lunatic case has no instance to invoke. */
  invoke(): Outcome {
    return { kind: 'unsupported', feature: 'invoke in a lunatic case (processes run from start)' };
  }

  /** Runs the system; its exit ends the case's process. */
  start(system: ProcessSystemLike): Outcome {
    const end = system.start();
    if (end.kind === 'exit') this.process.exitOutcome = end;
    return end;
  }

  /** Every process's state, with the memory regions the expectation names for it. */
  observe(expected: readonly ProcessExpectation[]): ProcessObservation[] {
    const regions = new Map<number, readonly MemoryRegion[]>();
    for (const p of expected) if (p.memory) regions.set(p.pid, p.memory);
    return this.system ? this.system.observe(regions) : [];
  }
}
