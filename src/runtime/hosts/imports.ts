/**
 * What a core module's imports link against, in this order: the case's WASI host, the
 * `spectest` module, the fuel / Asyncify hooks of an instrumented instance, the component
 * instance's host imports, and the modules the case registered (a registered `wasi_snapshot_preview1`
 * or `spectest` replaces the built-in one).
 */
import type { Outcome } from '../../outcome.ts';
import { FUEL_MODULE, HOST_MODULE } from '../../wasm/instrument/fuel-abi.ts';
import type { ImportNamespaces } from '../../component/host-imports.ts';
import type { CoreCalls } from '../calls/core-calls.ts';
import { createSpectest } from '../spectest.ts';
import type { WasmExports, WasmModule } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import { isImplementedWasiFunction, WASI_MODULE } from '../wasi/wasi.ts';
import type { WasiProcess } from './wasi-process.ts';

export type ImportObject = Record<string, Record<string, unknown>>;

export class Imports {
  /** Instances registered under a module name (`register` steps). */
  private readonly registry = new Map<string, Record<string, unknown>>();
  private spectest: Record<string, unknown> | undefined;

  constructor(private readonly process: WasiProcess) {}

  register(as: string, exports: WasmExports): void {
    this.registry.set(as, exports);
  }

  /**
   * Fills `imports` with every namespace `module` imports from, and binds an imported memory
   * into `binding`. Returns the outcome when an import cannot link, else undefined.
   */
  link(module: WasmModule, imports: ImportObject, binding: MemoryBinding, calls: CoreCalls | undefined, component: ImportNamespaces | undefined): Outcome | undefined {
    for (const imp of WA.Module.imports(module)) {
      let ns: Record<string, unknown> | undefined = imports[imp.module];
      if (!ns) {
        if (imp.module === WASI_MODULE && !this.registry.has(WASI_MODULE)) ns = this.process.host().importsFor(binding);
        else if (imp.module === 'spectest' && !this.registry.has('spectest'))
          ns = this.spectest ??= createSpectest((line) => this.process.host().stdout.write(new TextEncoder().encode(`${line}\n`)));
        else if (calls && (imp.module === FUEL_MODULE || imp.module === HOST_MODULE)) ns = calls.imports[imp.module];
        else ns = component?.[imp.module] ?? this.registry.get(imp.module);
        if (!ns) return { kind: 'rejected', stage: 'unlinkable', message: `unknown import ${imp.module}.${imp.name}` };
        imports[imp.module] = ns;
      }
      if (!(imp.name in ns)) {
        if (imp.module === WASI_MODULE && !isImplementedWasiFunction(imp.name) && !this.registry.has(WASI_MODULE))
          return { kind: 'unsupported', feature: `import ${WASI_MODULE}.${imp.name}` };
        return { kind: 'rejected', stage: 'unlinkable', message: `unknown import ${imp.module}.${imp.name}` };
      }
      if (imp.kind === 'memory' && !binding.memory) {
        const mem = ns[imp.name];
        if (mem instanceof WA.Memory) binding.memory = mem;
      }
    }
    return undefined;
  }
}
