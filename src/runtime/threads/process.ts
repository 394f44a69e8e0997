/**
 * The main thread's side of a wasi-threads case (DESIGN §5 "Threads"). The pooled worker that
 * runs the case runs wasm main itself (a worker may block; the supervisor never runs wasm);
 * every `thread-spawn` reserves a tid in the process control block and asks the supervisor
 * for another pooled worker, which instantiates the same instrumented module on the same
 * shared `WebAssembly.Memory`.
 *
 * Ending: a trap or proc_exit in any thread, main returning from `_start` (WAMR PR#2529: the
 * same as exit 0, even while other threads are blocked) or a detected deadlock ends the
 * process; the first one wins and decides the outcome of the step main was running. Main then
 * waits until every spawned thread has unwound, so no worker of the case is still busy when
 * the case's observation is posted.
 */
import type { Outcome } from '../../outcome.ts';
import type { RunnableCase, ThreadedProcessLike } from '../exec.ts';
import type { WasmExports, WasmMemory } from '../wasm-api.ts';
import type { MemoryBinding, WasiHost } from '../wasi/wasi.ts';
import { DEFAULT_THREAD_LIMIT, ProcessControl, ThreadKilled } from './control.ts';
import type { PostSpawn } from './imports.ts';
import { threadImports } from './imports.ts';
import type { PreparedThreadsModule } from './prepare.ts';
import { ProcessModules } from './process-modules.ts';
import { SchedProcess } from './sched/process.ts';

/** How long main waits for spawned threads to unwind after the end (the watchdog covers longer). */
const UNWIND_MS = 60_000;

export interface ThreadSupport {
  post: PostSpawn;
}

export class ThreadedProcess {
  readonly ctl: ProcessControl;
  private readonly modules: ProcessModules;
  wasi: WasiHost | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly support: ThreadSupport,
  ) {
    this.ctl = ProcessControl.create(c.wasi?.threadLimit ?? DEFAULT_THREAD_LIMIT);
    // without Asyncify: a thread blocks its own worker; prepared for this case only
    this.modules = new ProcessModules(c.modules, { asyncify: false });
  }

  /** Instantiates module `index` as the main thread (tid 0). */
  instantiate(index: number): { exports: WasmExports; binding: MemoryBinding } | Outcome {
    const importsFor = ({ module, memoryImport }: PreparedThreadsModule, memory: WasmMemory) =>
      threadImports({ module, memory, memoryImport, ctl: this.ctl, tid: 0, c: this.c, post: this.support.post });
    return this.modules.instantiateMain(index, importsFor, (wasi) => (this.wasi = wasi));
  }

  /** The process's end, if some thread ended it. */
  ended(): Outcome | undefined {
    return this.ctl.end();
  }

  /**
   * Main threw `e` (already classified by the single-threaded rules as `single`): a trap, exit
   * or crash ends the process (unless another thread ended it first); the outcome that stands
   * is returned once every spawned thread has unwound.
   */
  outcomeFor(e: unknown, single: Outcome): Outcome {
    let end: Outcome | undefined;
    if (e instanceof ThreadKilled) end = this.ctl.end() ?? { kind: 'crash', detail: 'thread killed without an end record' };
    else if (single.kind === 'trap' || single.kind === 'exit' || single.kind === 'crash' || single.kind === 'deadlock') end = this.ctl.terminate(single);
    else return single;
    this.ctl.awaitThreads(UNWIND_MS);
    return end;
  }

  /** `_start` returned: the process exits 0 unless something ended it first. */
  mainReturned(): Outcome {
    const end = this.ctl.terminate({ kind: 'exit', code: 0 });
    this.ctl.awaitThreads(UNWIND_MS);
    return end;
  }

  /** The case is over: stop whatever still runs and wait for it. */
  shutdown(): void {
    if (!this.ctl.killed && this.ctl.live === 0) return;
    this.ctl.terminate({ kind: 'crash', detail: 'the case ended while threads were still running' });
    this.ctl.awaitThreads(UNWIND_MS);
  }
}

/**
 * The process of a threads case: under the deterministic scheduler (./sched/, the default) or,
 * with `schedule: 'real'`, with every spawned thread on its own pooled worker.
 */
export function createThreadedProcess(c: RunnableCase, support: ThreadSupport): ThreadedProcessLike {
  return c.schedule === 'real' ? new ThreadedProcess(c, support) : new SchedProcess(c);
}
