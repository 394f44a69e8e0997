/**
 * wasi-threads: main is thread 0 of the case's threaded process (src/runtime/threads/), which
 * shares the case's WASI host. The process is attached to the WASI process state at the first
 * instantiate, since from then on any thread's trap or exit ends it.
 */
import type { Outcome } from '../../outcome.ts';
import type { WasmExports } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import type { Instances } from './instances.ts';
import type { RunnableCase, ThreadRuntime } from './types.ts';
import { RETURN_NOTHING } from './values.ts';
import type { WasiProcess } from './wasi-process.ts';

export class ThreadsHost {
  constructor(
    private readonly c: RunnableCase,
    private readonly runtime: ThreadRuntime | undefined,
    private readonly process: WasiProcess,
    private readonly instances: Instances,
  ) {}

  /** A wasi-threads module: main is thread 0 of the case's process. */
  instantiate(index: number, as: string | undefined): Outcome {
    if (!this.runtime) return { kind: 'unsupported', feature: 'wasi-threads (runs only in the reference runtime\'s worker pool)' };
    const proc = (this.process.threaded ??= this.runtime.create(this.c));
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

  /** Stops every thread still running and waits for them (end of the case). */
  shutdown(): void {
    this.process.threaded?.shutdown();
  }
}
