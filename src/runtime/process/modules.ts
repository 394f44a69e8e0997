/**
 * The case's modules as processes use them: each validated and instrumented once (or its failure
 * recorded once as the outcome), then compiled once per distinct memory limit, since the limit is
 * baked into the module's memory maximum (instrument.ts `withMemoryLimit`).
 */
import type { Outcome } from '../../outcome.ts';
import type { RunnableCase } from '../exec.ts';
import type { WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import { instrumentProcessModule, ProcessInstrumentError, withMemoryLimit } from './instrument.ts';
import { maxPages } from './limits.ts';
import type { LoadedModule } from './proc.ts';

export class ProcessModules {
  private readonly loaded: Array<LoadedModule | Outcome | undefined> = [];

  constructor(private readonly c: RunnableCase) {}

  /** Module `index` ready to instantiate, or the outcome that stops it (rejected, crash, unsupported). */
  load(index: number): LoadedModule | Outcome {
    const cached = this.loaded[index];
    if (cached) return cached;
    let r: LoadedModule | Outcome;
    const m = this.c.modules[index];
    if (!m) r = { kind: 'crash', detail: `case has no module ${index}` };
    else
      try {
        if (!WA.validate(m.bytes)) new WA.Module(m.bytes); // the engine's own CompileError
        const info = instrumentProcessModule(m.bytes);
        r = info.importsMemory ? { kind: 'unsupported', feature: 'lunatic process module that imports its memory' } : { index, info, compiled: new Map() };
      } catch (e) {
        if (e instanceof WA.CompileError) r = { kind: 'rejected', stage: 'compile', message: e.message.replace(/^WebAssembly\.Module\(\): /, '') };
        else if (e instanceof ProcessInstrumentError) r = { kind: 'crash', detail: e.message };
        else r = { kind: 'crash', detail: `process instrumentation: ${String(e)}` };
      }
    this.loaded[index] = r;
    return r;
  }

  /** `mod` compiled with its memory maximum lowered to `maxMemory` bytes. */
  compiled(mod: LoadedModule, maxMemory: bigint): WasmModule {
    const pages = maxPages(maxMemory);
    let c = mod.compiled.get(pages);
    if (!c) {
      c = new WA.Module(pages >= 65536 ? mod.info.bytes : withMemoryLimit(mod.info.bytes, pages));
      mod.compiled.set(pages, c);
    }
    return c;
  }
}
