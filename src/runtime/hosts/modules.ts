/**
 * The case's compiled modules, each compiled once: as they are, instrumented for fuel /
 * Asyncify (`fuel` / `asyncify` core cases), or with the start function rewritten into an
 * export (WASI modules, so its WASI calls reach the instance's own memory). Plus their
 * signatures, read once per module by our own reader.
 */
import type { Outcome } from '../../outcome.ts';
import type { ExportSig, ModuleSignatures } from '../../wasm/signatures.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import { exportStartFunction } from '../start-export.ts';
import type { WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import { WASI_MODULE } from '../wasi/wasi.ts';
import { hasStartSection } from '../../wasm/sections.ts';
import type { CallRuntime, CoreInstance, RunnableCase } from './types.ts';
import type { WasiProcess } from './wasi-process.ts';

/** A module whose start function runs as the export `name` after instantiation. */
export interface StartRewrite {
  module: WasmModule;
  name: string;
}

export class Modules {
  private readonly compiled: Array<WasmModule | undefined> = [];
  private readonly sigs: Array<ModuleSignatures | undefined> = [];
  /** Per module: the start-as-export rewrite (null: not needed). */
  private readonly startRewrites: Array<StartRewrite | null | undefined> = [];
  /** `fuel` / `asyncify` core cases: modules run metered and suspendable (src/runtime/calls/). */
  readonly instrumented: boolean;

  constructor(
    private readonly c: RunnableCase,
    private readonly callRuntime: CallRuntime | undefined,
    private readonly process: WasiProcess,
  ) {
    this.instrumented = (c.fuel === true || c.asyncify === true) && !c.lunatic && !c.threads;
  }

  module(index: number): WasmModule | Outcome {
    const cached = this.compiled[index];
    if (cached) return cached;
    const m = this.c.modules[index];
    if (!m) return { kind: 'crash', detail: `case has no module ${index} (it has ${this.c.modules.length})` };
    if (this.instrumented) return this.instrumentedModule(index, m.bytes);
    try {
      const compiled = new WA.Module(m.bytes);
      this.compiled[index] = compiled;
      return compiled;
    } catch (e) {
      return this.process.failure(e);
    }
  }

  /** The instrumented module; bytes binaryen cannot instrument are judged by compiling them as they are. */
  private instrumentedModule(index: number, bytes: Uint8Array): WasmModule | Outcome {
    if (!this.callRuntime) return { kind: 'unsupported', feature: 'fuel / asyncify instrumentation (runs only in the reference runtime\'s worker pool)' };
    let instrumented: Uint8Array;
    try {
      instrumented = this.callRuntime.instrument(bytes, { fuel: this.c.fuel === true, asyncify: this.c.asyncify === true }).bytes;
    } catch (e) {
      try {
        new WA.Module(bytes);
      } catch (compileError) {
        return this.process.failure(compileError);
      }
      return { kind: 'unsupported', feature: `fuel / asyncify instrumentation: ${e instanceof Error ? e.message : String(e)}` };
    }
    try {
      const compiled = new WA.Module(instrumented);
      this.compiled[index] = compiled;
      return compiled;
    } catch (e) {
      return { kind: 'crash', detail: `instrumented module does not compile: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** The module's signatures (throws on bytes our reader cannot read). */
  signatures(index: number): ModuleSignatures {
    let s = this.sigs[index];
    if (!s) {
      s = readSignatures(this.c.modules[index]!.bytes);
      this.sigs[index] = s;
    }
    return s;
  }

  exportSig(inst: CoreInstance, name: string): ExportSig | undefined {
    return this.signatures(inst.moduleIndex).exports.get(name);
  }

  /**
   * WASI modules that define their memory and have a start function get the start function
   * called as an export after instantiation, so its WASI calls can reach that memory. Decided
   * from the bytes alone (a module without a start section is not even parsed), and then only
   * the rewritten module is compiled: the original is validated, not compiled (a validation
   * failure, or a rewrite that does not compile, leaves the module as is, so the case observes
   * the original's own compile error).
   */
  startRewrite(index: number): StartRewrite | null {
    let r = this.startRewrites[index];
    if (r !== undefined) return r;
    r = null;
    const bytes = this.c.modules[index]!.bytes;
    try {
      if (hasStartSection(bytes) && WA.validate(bytes)) {
        const sigs = this.signatures(index);
        if (sigs.start !== undefined && sigs.imports.some((i) => i.module === WASI_MODULE) && !sigs.imports.some((i) => i.kind === 'memory')) {
          const rewritten = exportStartFunction(bytes, new Set(sigs.exports.keys()));
          r = { module: new WA.Module(rewritten.bytes), name: rewritten.name };
        }
      }
    } catch {
      r = null; // unreadable by our reader, or the rewrite does not compile: the module as is
    }
    this.startRewrites[index] = r;
    return r;
  }
}
