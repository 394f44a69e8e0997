/**
 * wasi-threads: main is thread 0 of the case's threaded process (src/runtime/threads/), which
 * shares the case's WASI host. The process is attached to the WASI process state at the first
 * instantiate, since from then on any thread's trap or exit ends it.
 *
 * Given the engine's stack switching (a step executor that awaits the case, exec.ts
 * executeCaseAsync), the scheduler may switch threads with it instead of Asyncify; main's
 * `_start` is then a call that settles later (`start`).
 */
import type { Outcome } from '../../outcome.ts';
import type { WasmExports } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import type { StackSwitching } from '../threads/sched/stack-switching.ts';
import { failureOutcome } from './failure.ts';
import type { Instances } from './instances.ts';
import type { CoreInstance, RunnableCase, ThreadedProcessLike, ThreadRuntime } from './types.ts';
import { RETURN_NOTHING } from './values.ts';
import type { WasiProcess } from './wasi-process.ts';

/** What the scheduler's process adds for stack switching (src/runtime/threads/sched/process.ts). */
interface StackSwitchedProcess {
  useStackSwitching(switching: StackSwitching): boolean;
  startMain(start: unknown): Promise<unknown>;
}

export class ThreadsHost {
  /** Set when the process switches threads by stack switching: `_start` then goes through `start`. */
  switched: StackSwitchedProcess | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly runtime: ThreadRuntime | undefined,
    private readonly process: WasiProcess,
    private readonly instances: Instances,
    /** The engine's stack switching, offered only by an executor that awaits the case. */
    private readonly switching?: StackSwitching,
  ) {}

  /** A wasi-threads module: main is thread 0 of the case's process. */
  instantiate(index: number, as: string | undefined): Outcome {
    if (!this.runtime) return { kind: 'unsupported', feature: 'wasi-threads (runs only in the reference runtime\'s worker pool)' };
    const proc = (this.process.threaded ??= this.create(this.runtime));
    let r: { exports: WasmExports; binding: MemoryBinding } | Outcome;
    try {
      r = proc.instantiate(index);
    } catch (e) {
      return this.process.failure(e);
    }
    if ('kind' in r) return r as Outcome;
    this.process.wasi = proc.wasi;
    this.instances.add({ exports: r.exports, moduleIndex: index, binding: r.binding }, as);
    const end = proc.ended();
    if (end) {
      this.process.exitOutcome = end;
      return end;
    }
    return RETURN_NOTHING;
  }

  private create(runtime: ThreadRuntime): ThreadedProcessLike {
    const proc = runtime.create(this.c);
    const s = proc as Partial<StackSwitchedProcess>;
    if (this.switching && s.useStackSwitching?.(this.switching)) this.switched = s as StackSwitchedProcess;
    return proc;
  }

  /** `_start` of main under stack switching (WasiProcess.start's rules, awaited): returning is exit 0 of every thread. */
  async start(inst: CoreInstance | Outcome): Promise<Outcome> {
    if (!('exports' in inst)) return inst;
    const fn = inst.exports['_start'];
    if (typeof fn !== 'function') return { kind: 'crash', detail: 'start: the instance exports no _start function' };
    const p = this.process;
    try {
      await this.switched!.startMain(fn);
    } catch (e) {
      return failureOutcome(p, e);
    }
    // WAMR PR#2529 semantics: returning from _start ends the process (exit 0) and every thread
    p.exitOutcome = p.wasi?.exited ? failureOutcome(p, p.wasi.exit) : p.threaded!.mainReturned();
    return p.exitOutcome;
  }

  /** Stops every thread still running and waits for them (end of the case). */
  shutdown(): void | Promise<void> {
    return this.process.threaded?.shutdown();
  }
}
