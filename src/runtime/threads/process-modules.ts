/**
 * The modules of one wasi-threads process and its one shared memory, for both ways a process
 * runs: real threads on pooled workers (./process.ts, `--threads real`) and the deterministic
 * scheduler (./sched/process.ts). Each module is prepared (./prepare.ts) once per process, and
 * once per worker where the mode keeps a cache across cases; the first module instantiated as
 * main makes the shared memory that every thread of the process then uses.
 */
import type { Outcome } from '../../outcome.ts';
import type { WasmExports, WasmMemory } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import type { PreparedThreadsModule } from './prepare.ts';
import { prepareThreadsModule, sharedMemoryFor } from './prepare.ts';
import type { ModuleCache } from './sched/module-cache.ts';

/** How a mode prepares its modules: the one thing in which the two modes differ here. */
export interface PrepareMode {
  /** Asyncify too: the scheduler's coroutines unwind and rewind at switch points; real threads just block. */
  asyncify: boolean;
  /** The function imports' types too (the scheduler's stack-switching backend links them). */
  funcImports?: boolean;
  /** Prepared modules kept across the cases of one worker (`--schedules N` runs one module N times). */
  cache?: ModuleCache<PreparedThreadsModule | Outcome>;
}

/** What a thread's import builder gives: the imports with the thread's WASI host, or why it cannot link. */
export type ThreadSetup<W> = { unlinkable: string } | { unsupported: string } | { imports: Record<string, Record<string, unknown>>; wasi: W; binding: MemoryBinding };

/** Builds main's imports for its prepared module over the process's shared memory. */
export type MainImports<W> = (prepared: PreparedThreadsModule, memory: WasmMemory) => ThreadSetup<W>;

export class ProcessModules {
  /** The process's shared memory, once a module was instantiated as main. */
  memory: WasmMemory | undefined;
  private readonly prepared = new Map<number, PreparedThreadsModule | Outcome>();

  constructor(
    private readonly modules: ReadonlyArray<{ bytes: Uint8Array }>,
    private readonly mode: PrepareMode,
  ) {}

  private prepare(index: number): PreparedThreadsModule | Outcome {
    let r = this.prepared.get(index);
    if (!r) {
      const bytes = this.modules[index]!.bytes;
      const { cache, asyncify, funcImports } = this.mode;
      r = cache?.get(bytes);
      if (!r) {
        r = prepareThreadsModule(bytes, { asyncify, funcImports: funcImports === true });
        cache?.put(bytes, r);
      }
      this.prepared.set(index, r);
    }
    return r;
  }

  /**
   * Module `index` instantiated as main (tid 0), or the outcome of the instantiate step. `linked`
   * gets main's WASI host before the instance exists: a start section already writes and exits.
   */
  instantiateMain<W>(index: number, importsFor: MainImports<W>, linked: (wasi: W) => void): { exports: WasmExports; binding: MemoryBinding } | Outcome {
    const p = this.prepare(index);
    if ('kind' in p) return p;
    this.memory ??= sharedMemoryFor(p.memoryImport);
    const setup = importsFor(p, this.memory);
    if ('unlinkable' in setup) return { kind: 'rejected', stage: 'unlinkable', message: setup.unlinkable };
    if ('unsupported' in setup) return { kind: 'unsupported', feature: setup.unsupported };
    linked(setup.wasi);
    return { exports: new WA.Instance(p.module, setup.imports).exports, binding: setup.binding };
  }
}
