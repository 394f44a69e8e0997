/**
 * Component cases: every core instance is wrapped in a component instance of the case's store
 * (src/component/), and `call` / `resume` / `cancel` / `refuel` / `post-return` address the
 * store and that instance instead of the core calls.
 */
import type { ComponentConfig, Step } from '../../case.ts';
import type { Outcome } from '../../outcome.ts';
import type { ImportNamespaces } from '../../component/host-imports.ts';
import type { ComponentInstance } from '../../component/instance.ts';
import { ComponentStore } from '../../component/store.ts';
import { runComponentStep } from '../../component/steps.ts';
import type { CoreInvoker } from '../calls/types.ts';
import type { WasmExports } from '../wasm-api.ts';
import type { Instances } from './instances.ts';
import type { WasiProcess } from './wasi-process.ts';

export class ComponentsHost {
  /** The store (created at the case's first instantiate, or by a refuel before it). */
  store: ComponentStore | undefined;

  constructor(
    private readonly config: ComponentConfig,
    private readonly process: WasiProcess,
    private readonly instances: Instances,
  ) {}

  /** The store, created on first use. */
  private ensureStore(): ComponentStore {
    this.store ??= new ComponentStore(this.config, { classify: (e) => this.process.failure(e) });
    return this.store;
  }

  /** A new component instance (named `as`) and the imports its core module links against. */
  create(as: string | undefined): { instance: ComponentInstance; imports: ImportNamespaces } {
    return this.ensureStore().create(as);
  }

  /** The core instance is up: the component instance calls into it (through `invoker` when its calls are async). */
  attach(instance: ComponentInstance, exports: WasmExports, invoker: CoreInvoker | undefined): void {
    this.ensureStore().attach(instance, exports, invoker);
  }

  /** `call` / `resume` / `cancel` / `refuel` / `post-return`: the store and the addressed instance. */
  step(step: Step): Outcome {
    // the store's fuel exists before any instance: a start function runs on it
    if (step.op === 'refuel' && step.instance === undefined && this.instances.current === undefined) return this.ensureStore().refuel(step.amount);
    const t = this.instances.target(step.instance, step.op);
    if (!('exports' in t)) return t;
    return runComponentStep(this.ensureStore(), t.component, step);
  }
}
