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
import { instrumentThreads, InstrumentError } from '../../wasm/instrument/threads.ts';
import type { RunnableCase } from '../exec.ts';
import type { WasmExports, WasmMemory, WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding, WasiHost } from '../wasi/wasi.ts';
import { DEFAULT_THREAD_LIMIT, ProcessControl, ThreadKilled } from './control.ts';
import type { PostSpawn } from './imports.ts';
import { threadImports } from './imports.ts';

/** How long main waits for spawned threads to unwind after the end (the watchdog covers longer). */
const UNWIND_MS = 60_000;

export interface ThreadSupport {
  post: PostSpawn;
}

export class ThreadedProcess {
  readonly ctl: ProcessControl;
  private memory: WasmMemory | undefined;
  private readonly prepared = new Map<number, { module: WasmModule; memoryImport: { module: string; base: string; initial: number; maximum: number | undefined } } | Outcome>();
  wasi: WasiHost | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly support: ThreadSupport,
  ) {
    this.ctl = ProcessControl.create(c.wasi?.threadLimit ?? DEFAULT_THREAD_LIMIT);
  }

  private prepare(index: number): { module: WasmModule; memoryImport: { module: string; base: string; initial: number; maximum: number | undefined } } | Outcome {
    const cached = this.prepared.get(index);
    if (cached) return cached;
    let r: { module: WasmModule; memoryImport: { module: string; base: string; initial: number; maximum: number | undefined } } | Outcome;
    try {
      const bytes = this.c.modules[index]!.bytes;
      if (!WA.validate(bytes)) new WA.Module(bytes); // throws the engine's CompileError
      const inst = instrumentThreads(bytes);
      if (!inst.memory || !inst.memory.shared)
        r = { kind: 'unsupported', feature: 'wasi-threads module without an imported shared memory' };
      else r = { module: new WA.Module(inst.bytes), memoryImport: inst.memory };
    } catch (e) {
      if (e instanceof InstrumentError) r = { kind: 'crash', detail: e.message };
      else if (e instanceof WA.CompileError) r = { kind: 'rejected', stage: 'compile', message: e.message.replace(/^WebAssembly\.Module\(\): /, '') };
      else r = { kind: 'crash', detail: `threads: ${String(e)}` };
    }
    this.prepared.set(index, r);
    return r;
  }

  /** Instantiates module `index` as the main thread (tid 0). */
  instantiate(index: number): { exports: WasmExports; binding: MemoryBinding } | Outcome {
    const p = this.prepare(index);
    if ('kind' in p) return p as Outcome;
    const mi = p.memoryImport;
    this.memory ??= new WA.Memory(mi.maximum === undefined ? { initial: mi.initial, shared: true } : { initial: mi.initial, maximum: mi.maximum, shared: true });
    const setup = threadImports({ module: p.module, memory: this.memory, memoryImport: mi, ctl: this.ctl, tid: 0, c: this.c, post: this.support.post });
    if ('unlinkable' in setup) return { kind: 'rejected', stage: 'unlinkable', message: setup.unlinkable };
    if ('unsupported' in setup) return { kind: 'unsupported', feature: setup.unsupported };
    this.wasi = setup.wasi;
    const instance = new WA.Instance(p.module, setup.imports);
    return { exports: instance.exports, binding: setup.binding };
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
