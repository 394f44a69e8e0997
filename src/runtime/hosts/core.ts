/**
 * Core instances: compile a module, instantiate it against the case's imports (WASI, spectest,
 * fuel hooks, component host imports, registered instances), run a rewritten start function as
 * an export, and the steps on a core instance: invoke, get, register.
 */
import type { Outcome, WasmValue } from '../../outcome.ts';
import type { ExportSig } from '../../wasm/signatures.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import type { AsyncCalls } from './async-calls.ts';
import type { ComponentsHost } from './components.ts';
import type { ImportObject, Imports } from './imports.ts';
import type { Instances } from './instances.ts';
import type { Modules } from './modules.ts';
import type { CoreInstance } from './types.ts';
import type { Values } from './values.ts';
import { boundaryProblem, RETURN_NOTHING } from './values.ts';
import type { WasiProcess } from './wasi-process.ts';
import { FAILED } from './wasi-process.ts';

export class CoreHost {
  constructor(
    private readonly process: WasiProcess,
    private readonly instances: Instances,
    private readonly modules: Modules,
    private readonly values: Values,
    private readonly imports: Imports,
    private readonly calls: AsyncCalls,
    private readonly components: ComponentsHost | undefined,
  ) {}

  compileOnly(index: number): Outcome {
    const m = this.modules.module(index);
    return 'kind' in m ? (m as Outcome) : RETURN_NOTHING;
  }

  instantiate(index: number, as: string | undefined): Outcome {
    const instrumented = this.modules.instrumented;
    // A rewritten start is decided from the bytes, before compiling: the original then needs no compile of its own.
    const rewrite = instrumented ? null : this.modules.startRewrite(index);
    const compiled = rewrite ? rewrite.module : this.modules.module(index);
    if ('kind' in compiled) return compiled as Outcome;
    const module = compiled;
    const binding: MemoryBinding = { memory: undefined };
    const imports: ImportObject = {};
    const components = this.components;
    const component = components !== undefined ? components.create(as) : undefined;
    const calls = instrumented ? this.calls.forNewInstance(components?.store?.fuel) : undefined;
    const unlinkable = this.imports.link(module, imports, binding, calls, component?.imports);
    if (unlinkable) return unlinkable;
    let instance;
    try {
      instance = new WA.Instance(module, imports);
    } catch (e) {
      return this.process.failure(e);
    }
    const exited = this.process.exitedByGuest();
    if (exited) return exited;
    const exports = instance.exports;
    const mem = exports['memory'];
    if (mem instanceof WA.Memory) binding.memory = mem;
    else
      for (const k in exports) {
        const v = exports[k];
        if (v instanceof WA.Memory) {
          binding.memory = v;
          break;
        }
      }
    if (rewrite) {
      try {
        (exports[rewrite.name] as () => unknown)();
      } catch (e) {
        return this.process.failure(e);
      }
      const exitedInStart = this.process.exitedByGuest();
      if (exitedInStart) return exitedInStart;
    }
    const inst: CoreInstance = { exports, moduleIndex: index, binding };
    if (calls) inst.calls = calls.bind(exports, () => binding.memory);
    if (components !== undefined && component !== undefined) {
      components.attach(component.instance, exports, inst.calls);
      inst.component = component.instance;
    }
    this.instances.add(inst, as);
    return RETURN_NOTHING;
  }

  invoke(instance: string | undefined, name: string, args: readonly WasmValue[]): Outcome {
    const inst = this.instances.target(instance, 'invoke');
    if (!('exports' in inst)) return inst;
    const call = this.values.prepareCall('invoke', inst, name, args);
    if ('kind' in call) return call;
    const proc = this.process;
    const r = proc.callGuarded(inst.exports[name] as (...a: unknown[]) => unknown, call.js);
    if (r === FAILED) return proc.lastFailure!;
    return { kind: 'return', values: this.values.results(call.results, r) };
  }

  get(instance: string | undefined, name: string): Outcome {
    const inst = this.instances.target(instance, 'get');
    if (!('exports' in inst)) return inst;
    const g = inst.exports[name];
    if (!(g instanceof WA.Global)) return { kind: 'crash', detail: `get: no exported global ${JSON.stringify(name)}` };
    let sig: ExportSig | undefined;
    try {
      sig = this.modules.exportSig(inst, name);
    } catch (e) {
      return { kind: 'crash', detail: String(e) };
    }
    if (!sig || sig.kind !== 'global') return { kind: 'crash', detail: `get: export ${JSON.stringify(name)} has no global type` };
    const blocked = boundaryProblem([sig.type]);
    if (blocked) return blocked;
    return { kind: 'return', values: [this.values.value(sig.type, g.value)] };
  }

  register(instance: string | undefined, as: string): Outcome {
    const inst = this.instances.target(instance, 'register');
    if (!('exports' in inst)) return inst;
    this.imports.register(as, inst.exports);
    return RETURN_NOTHING;
  }
}
