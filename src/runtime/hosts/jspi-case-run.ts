/**
 * The step executor for a core case under JSPI (issue #17): the same hosts as src/runtime/exec.ts
 * (modules, imports, values, instances, the WASI process and its failure classification), but
 * every export call goes through `WebAssembly.promising` and is awaited, and the suspendable host
 * ABI is imported through `WebAssembly.Suspending` (./jspi-calls.ts). Asynchronous because JSPI is:
 * a promising call settles in a microtask even when nothing parks.
 *
 * `invoke` is a call without a pause point, as on the Asyncify host, so a case means the same on
 * both mechanisms. A `cancel` step abandons the parked stack, or with `reject: true` rejects the
 * promise it waits on (JspiCancelStep); both are `cancelled`, since the host cancelled the call.
 */
import type { Step } from '../../case.ts';
import { expectsStream } from '../../case.ts';
import type { StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { currentEngine } from '../classify.ts';
import { observeInstance } from '../state-reader.ts';
import { WA } from '../wasm-api.ts';
import type { MemoryBinding } from '../wasi/wasi.ts';
import type { ImportObject } from './imports.ts';
import { Imports } from './imports.ts';
import { Instances } from './instances.ts';
import type { JspiApi } from './jspi-api.ts';
import { isSuspendError } from './jspi-api.ts';
import type { JspiCallState, JspiPending } from './jspi-calls.ts';
import { JspiCalls } from './jspi-calls.ts';
import { JspiCancelled } from './jspi-flight.ts';
import { meteredStartRewrite } from './jspi-start.ts';
import type { StartRewrite } from './modules.ts';
import { Modules } from './modules.ts';
import type { CoreInstance, ExecOptions, RunnableCase } from './types.ts';
import { RETURN_NOTHING, Values } from './values.ts';
import { WasiProcess } from './wasi-process.ts';

type StepOf<Op extends Step['op']> = Extract<Step, { op: Op }>;

/** A `cancel` step as the JSPI host reads it: `reject` cancels by rejecting the held promise. */
export type JspiCancelStep = StepOf<'cancel'> & { reject?: boolean };

interface NamedCall {
  results: readonly SigType[];
  pending: JspiPending | undefined;
}

export class JspiCaseRun {
  private readonly process: WasiProcess;
  private readonly instances = new Instances();
  private readonly modules: Modules;
  private readonly values: Values;
  private readonly imports: Imports;
  private readonly callsOf = new WeakMap<CoreInstance, JspiCalls>();
  private readonly named = new Map<string, NamedCall>();
  private readonly startRewrites = new Map<number, StartRewrite | null>();
  private fuelBeforeInstantiate: number | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly api: JspiApi,
    private readonly options: ExecOptions,
  ) {
    this.process = new WasiProcess(c, options.engine ?? currentEngine());
    this.modules = new Modules(c, options.calls, this.process);
    this.values = new Values(this.modules);
    this.imports = new Imports(this.process);
  }

  get stdout(): string {
    return this.process.stdout;
  }
  get stderr(): string {
    return this.process.stderr;
  }

  async step(step: Step): Promise<StepObservation> {
    const outcome = this.process.ended() ?? (await this.outcomeOf(step));
    return this.observe(step, outcome);
  }

  private outcomeOf(step: Step): Outcome | Promise<Outcome> {
    switch (step.op) {
      case 'instantiate':
        return this.instantiate(step.module ?? 0, step.as);
      case 'invoke':
        // a call without a pause point, and without a name to resume or cancel it by
        return this.callStep({ op: 'call', instance: step.instance, export: step.export, args: step.args ?? [], expect: step.expect } as StepOf<'call'>, false);
      case 'call':
        return this.callStep(step, true);
      case 'resume':
        return this.resume(step);
      case 'cancel':
        return this.cancel(step);
      case 'refuel':
        return this.refuel(step);
      default:
        return { kind: 'unsupported', feature: `step ${step.op} in a JSPI case` };
    }
  }

  private async instantiate(index: number, as: string | undefined): Promise<Outcome> {
    const compiled = this.modules.module(index);
    if ('kind' in compiled) {
      if (compiled.kind === 'unsupported') this.instances.add({ unavailable: compiled as Outcome }, as);
      return compiled as Outcome;
    }
    const binding: MemoryBinding = { memory: undefined };
    const calls = new JspiCalls(this.api, { metered: this.c.fuel === true, initialFuel: this.fuelBeforeInstantiate ?? 0 });
    // the suspendable ABI's namespaces come first: link() takes a namespace already present as is
    const imports: ImportObject = { ...calls.imports };
    const unlinkable = this.imports.link(compiled, imports, binding, undefined, undefined);
    if (unlinkable) return unlinkable;
    const start = this.startRewrite(index);
    let instance;
    try {
      instance = new WA.Instance(start?.module ?? compiled, imports);
    } catch (e) {
      return this.failure(e);
    }
    const exports = instance.exports;
    for (const k in exports) {
      const v = exports[k];
      if (v instanceof WA.Memory && (k === 'memory' || !binding.memory)) binding.memory = v;
    }
    calls.bind(exports);
    if (start) {
      // the start function ends instantiation: an instance whose start failed does not exist
      const ran = await calls.runStart(start.name);
      if (ran.state === 'failed') return this.failure(ran.error);
    }
    const inst: CoreInstance = { exports, moduleIndex: index, binding };
    this.callsOf.set(inst, calls);
    this.instances.add(inst, as);
    return RETURN_NOTHING;
  }

  /** A metered module's start function runs as a promising export (./jspi-start.ts); compiled once. */
  private startRewrite(index: number): StartRewrite | null {
    let r = this.startRewrites.get(index);
    if (r === undefined) {
      r = meteredStartRewrite(this.c, index, this.options.calls);
      this.startRewrites.set(index, r);
    }
    return r;
  }

  private async callStep(step: StepOf<'call'>, named: boolean): Promise<Outcome> {
    const op = named ? 'call' : 'invoke';
    const inst = this.instances.target(step.instance, op);
    if (!('exports' in inst)) return inst;
    const call = this.values.prepareCall(op, inst, step.export, step.args ?? []);
    if ('kind' in call) return call;
    const entry: NamedCall = { results: call.results, pending: undefined };
    if (named) this.named.set(step.call ?? step.export, entry);
    return this.outcome(entry, await this.callsOf.get(inst)!.call(step.export, call.js, step.pauseAt));
  }

  private async resume(step: StepOf<'resume'>): Promise<Outcome> {
    const entry = this.named.get(step.call);
    if (!entry) return { kind: 'crash', detail: `resume: no call named ${JSON.stringify(step.call)}` };
    const pending = entry.pending;
    if (!pending) return { kind: 'crash', detail: `resume: call ${JSON.stringify(step.call)} already ended` };
    entry.pending = undefined;
    const o: Parameters<JspiPending['resume']>[0] = {};
    if (step.value !== undefined) o.value = step.value | 0;
    if (step.fuel !== undefined) o.fuel = step.fuel;
    if (step.pauseAt !== undefined) o.pauseAt = step.pauseAt;
    return this.outcome(entry, await pending.resume(o));
  }

  /** A dropped future: `cancelled` while pending (whichever way), a no-op once the call ended (bug-catalog #31). */
  private async cancel(step: JspiCancelStep): Promise<Outcome> {
    const entry = this.named.get(step.call);
    if (!entry) return { kind: 'crash', detail: `cancel: no call named ${JSON.stringify(step.call)}` };
    const pending = entry.pending;
    if (!pending) return RETURN_NOTHING;
    entry.pending = undefined;
    const after = await pending.cancel(step.reject === true ? 'reject' : 'abandon');
    // the rejection unwound the stack to the promising export: the cancel took effect
    if (after === undefined || (after.state === 'failed' && after.error instanceof JspiCancelled)) return { kind: 'cancelled' };
    // the guest caught the rejection and went on: what it did instead is the observation
    return this.outcome(entry, after);
  }

  private refuel(step: StepOf<'refuel'>): Outcome {
    if (step.instance === undefined && this.instances.current === undefined) {
      if (!this.c.fuel) return { kind: 'unsupported', feature: 'refuel in a case without the fuel feature' };
      this.fuelBeforeInstantiate = step.amount;
      return RETURN_NOTHING;
    }
    const inst = this.instances.target(step.instance, 'refuel');
    if (!('exports' in inst)) return inst;
    const calls = this.callsOf.get(inst)!;
    if (!calls.options.metered) return { kind: 'unsupported', feature: 'refuel of an instance without the fuel feature' };
    calls.setFuel(step.amount);
    return RETURN_NOTHING;
  }

  private outcome(entry: NamedCall, state: JspiCallState): Outcome {
    switch (state.state) {
      case 'returned':
        return this.process.exitedByGuest() ?? { kind: 'return', values: this.values.results(entry.results, state.value) };
      case 'failed':
        return this.failure(state.error);
      case 'suspended':
        entry.pending = state.call;
        return { kind: 'suspended', at: state.at };
    }
  }

  /** A SuspendError is the JS API refusing to suspend (a JS frame in between, no promising export): a host error, not a trap. */
  private failure(e: unknown): Outcome {
    if (isSuspendError(e)) return { kind: 'host-error', message: `SuspendError: ${(e as Error).message}` };
    return this.process.failure(e);
  }

  private observe(step: Step, outcome: Outcome): StepObservation {
    const exp = step.expect;
    const obs: StepObservation = { outcome };
    observeInstance<CoreInstance>(exp, obs, {
      instance: () => {
        const target = this.instances.lookup(step.instance);
        return target && 'exports' in target ? target : undefined;
      },
      fuel: (inst) => this.callsOf.get(inst)?.fuel,
      exportSigs: (inst) => this.modules.signatures(inst.moduleIndex).exports,
      values: this.values,
    });
    if (expectsStream(exp, 'stdout')) obs.stdout = this.stdout;
    if (expectsStream(exp, 'stderr')) obs.stderr = this.stderr;
    return obs;
  }
}
