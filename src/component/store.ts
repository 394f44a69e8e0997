/**
 * The component store of one case (wasmtime's `Store`): its instances, the store-wide poison
 * flag of the `wasmtime-store` profile, the suspended lifted calls by name, and the hooks that
 * connect it to the step executor (how a thrown value becomes an Outcome, how a core instance
 * is called). See instance.ts for the lifted call itself.
 */
import type { ComponentConfig } from '../case.ts';
import type { Outcome } from '../outcome.ts';
import type { CoreInvoker, PendingCall, ResumeOptions } from '../runtime/calls/types.ts';
import type { WasmExports } from '../runtime/wasm-api.ts';
import { ComponentTrap, HostImportFailure, NestedFailure } from './errors.ts';
import type { ImportNamespaces } from './host-imports.ts';
import { hostImports } from './host-imports.ts';
import type { LiftedExport } from './instance.ts';
import { ComponentInstance } from './instance.ts';
import type { ProfileRules } from './rules.ts';
import { PROFILE_RULES } from './rules.ts';
import { PauseUnsupported, SyncInvoker } from './sync-invoker.ts';

export interface StoreHooks {
  /** How the executor reports anything else a call threw (engine traps, WASI exits, out of fuel …). */
  classify(error: unknown): Outcome;
  /** The invoker of a new core instance; default: a direct synchronous call. */
  invoker?(exports: WasmExports): CoreInvoker;
}

interface SuspendedCall {
  instance: ComponentInstance;
  export: LiftedExport;
  /** Undefined once the call ended (returned, failed or cancelled). */
  pending: PendingCall | undefined;
}

const RETURNED_NOTHING: Outcome = Object.freeze({ kind: 'return', values: Object.freeze([]) }) as unknown as Outcome;

export class ComponentStore {
  readonly rules: ProfileRules;
  /** wasmtime-store: any trap or cancelled call in any instance locks down all of them. */
  poisoned = false;
  private readonly instances: ComponentInstance[] = [];
  private readonly named = new Map<string, ComponentInstance>();
  private readonly calls = new Map<string, SuspendedCall>();
  /** The last `refuel` amount: instances created later start with it (exec passes it as their initial fuel, so start functions run on it). */
  private refuelled: number | undefined;

  /** The budget a new core instance starts with (undefined: never refuelled). */
  get fuel(): number | undefined {
    return this.refuelled;
  }

  constructor(
    readonly config: ComponentConfig,
    private readonly hooks: StoreHooks,
  ) {
    this.rules = PROFILE_RULES[config.profile];
  }

  /** A new instance and the imports its core module links against; `attach` it once the core instance exists. */
  create(name: string | undefined): { instance: ComponentInstance; imports: ImportNamespaces } {
    const instance = new ComponentInstance(this, name);
    return { instance, imports: hostImports(instance, this.config.imports ?? {}) };
  }

  /** `invoker`: the async invoker of a fuel / asyncify case's core instance (src/runtime/calls/); default: a direct call. */
  attach(instance: ComponentInstance, exports: WasmExports, invoker?: CoreInvoker): void {
    const core = invoker ?? this.hooks.invoker?.(exports) ?? new SyncInvoker(exports);
    instance.attach(exports, core);
    this.instances.push(instance);
    if (instance.name !== undefined) this.named.set(instance.name, instance);
  }

  instance(name: string): ComponentInstance | undefined {
    return this.named.get(name);
  }

  /** Everything a lifted call can throw, as an Outcome. */
  outcomeOf(error: unknown): Outcome {
    if (error instanceof ComponentTrap) return { kind: 'trap', trap: [error.kind], message: error.message };
    if (error instanceof HostImportFailure) return { kind: 'host-error', message: error.message };
    if (error instanceof NestedFailure) return error.outcome;
    if (error instanceof PauseUnsupported) return { kind: 'unsupported', feature: error.feature };
    return this.hooks.classify(error);
  }

  // --- suspended calls (fuel / asyncify cases) -------------------------------------------------

  suspend(name: string, instance: ComponentInstance, f: LiftedExport, pending: PendingCall): void {
    this.calls.set(name, { instance, export: f, pending });
  }

  resume(name: string, options: ResumeOptions): Outcome {
    const c = this.calls.get(name);
    if (c === undefined || c.pending === undefined) return { kind: 'crash', detail: `resume: no suspended call named ${JSON.stringify(name)}` };
    const pending = c.pending;
    c.pending = undefined;
    c.instance.paused--;
    return c.instance.settle(c.export, pending.resume(options), name);
  }

  /**
   * A dropped future (X2): the call is abandoned without rewinding, its post-return never runs,
   * and the scope is poisoned in every profile (wasmtime ≤ 41: #10088; ≥ 42: `set_trapped` on the
   * unwind; spec: the instance is left mid-call, which only lockdown makes safe).
   */
  cancel(name: string): Outcome {
    const c = this.calls.get(name);
    if (c === undefined) return { kind: 'crash', detail: `cancel: no call named ${JSON.stringify(name)}` };
    if (c.pending === undefined) return RETURNED_NOTHING;
    c.pending.cancel();
    c.pending = undefined;
    c.instance.paused--;
    c.instance.entered--;
    c.instance.poison();
    return { kind: 'cancelled' };
  }

  /**
   * The store's fuel: every instance's budget becomes `amount` (wasmtime has one counter per store;
   * ours are per core instance, each set to the same amount). Refuelling never unpoisons (C5).
   */
  refuel(amount: number): Outcome {
    this.refuelled = amount;
    for (const i of this.instances) i.coreInvoker.setFuel(amount);
    return RETURNED_NOTHING;
  }
}
