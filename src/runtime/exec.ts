/**
 * The step executor: runs a Case's steps against the host's JS WebAssembly API and observes
 * each step as an Outcome (DESIGN §5). Plain synchronous code: the pool runs it inside workers
 * (under a watchdog), benchmarks run it in-process. It never throws for a wasm-level event:
 * traps, exits, link and compile failures all become outcomes; a harness bug becomes `crash`.
 */
import type { Case, CaseModule, ComponentValue, MemoryRegion, PausePoint, Step } from '../case.ts';
import type { Observation, ProcessObservation, StepObservation } from '../observation.ts';
import type { Outcome, WasmValue } from '../outcome.ts';
import { fromJs, toJs } from '../values.ts';
import type { ExportSig, ModuleSignatures, SigType } from '../wasm/signatures.ts';
import { crossesJsBoundary, readSignatures } from '../wasm/signatures.ts';
import type { Engine } from './classify.ts';
import { classifyEngineError, currentEngine } from './classify.ts';
import { createSpectest } from './spectest.ts';
import { exportStartFunction } from './start-export.ts';
import type { WasmExports, WasmModule } from './wasm-api.ts';
import { WA } from './wasm-api.ts';
import type { MemoryBinding } from './wasi/wasi.ts';
import { Deadlocked, isImplementedWasiFunction, ProcExit, WASI_MODULE, WasiHost, WasiUnsupported } from './wasi/wasi.ts';
import type { ComponentInstance } from '../component/instance.ts';
import { ComponentStore } from '../component/store.ts';
import { COMPONENT_STEP_OPS, runComponentStep } from '../component/steps.ts';
import { FUEL_MODULE, HOST_MODULE, isOutOfFuel, OUT_OF_FUEL_MESSAGE } from '../wasm/instrument/fuel-abi.ts';
import { SuspendUnsupported } from './calls/asyncify-stack.ts';
import { CallUnsupported, CoreCalls } from './calls/core-calls.ts';
import type { CoreCallState, PendingCall, ResumeOptions } from './calls/types.ts';

/** What the executor needs of a Case (the pool sends exactly this, without WAT text or provenance). */
export interface RunnableCase {
  id: Case['id'];
  modules: ReadonlyArray<Pick<CaseModule, 'bytes'>>;
  steps: readonly Step[];
  wasi?: Case['wasi'];
  /** The case declares `wasi-threads`: main runs as thread 0 of a threaded process (src/runtime/threads/). */
  threads?: boolean;
  /** The case declares `lunatic`: the module is the root of a Lunatic-style process system (src/runtime/process/). */
  lunatic?: boolean;
  /** The case declares `fuel`: its modules are metered (src/wasm/instrument/fuel.ts) and `refuel` / fuel pause points apply. */
  fuel?: boolean;
  /** The case declares `asyncify`: `trapcheck:host.yield` / `.block` imports suspend, so calls can pause, resume and be cancelled. */
  asyncify?: boolean;
  /** A component case: instances are component instances (src/component/). */
  component?: Case['component'];
}

export interface ExecOptions {
  engine?: Engine;
  /** Run only the first `maxSteps` steps (the watchdog re-runs a hung case's prefix this way). */
  maxSteps?: number;
  /** Called before each step with its index (the pool's progress word). */
  onStep?: (index: number) => void;
  /**
   * wasi-threads support (loaded by the pool worker only when a job has a threads case, so the
   * single-threaded path never loads binaryen). Absent: threads cases are `unsupported`.
   */
  threads?: ThreadRuntime;
  /** Lunatic-style processes (loaded by the pool worker only for `lunatic` cases; binaryen). Absent: such cases are `unsupported`. */
  processes?: ProcessRuntime;
  /** Fuel / Asyncify instrumentation for `fuel` / `asyncify` cases (src/runtime/calls/instrument.ts; binaryen, loaded lazily). Absent: such cases are `unsupported`. */
  calls?: CallRuntime;
}

/** What exec needs from src/runtime/calls/instrument.ts (kept as a type: loaded lazily). */
export interface CallRuntime {
  instrument(bytes: Uint8Array, flags: { fuel: boolean; asyncify: boolean }): { bytes: Uint8Array };
}

/** What exec needs from src/runtime/process/ (kept as a type: loaded lazily). */
export interface ProcessRuntime {
  create(c: RunnableCase): ProcessSystemLike;
}
export interface ProcessSystemLike {
  instantiateRoot(index: number): Outcome;
  start(): Outcome;
  observe(regions: ReadonlyMap<number, readonly MemoryRegion[]>): ProcessObservation[];
  readonly stdout: { text(): string };
  readonly stderr: { text(): string };
}

/** What exec needs from src/runtime/threads/process.ts (kept as a type: loaded lazily). */
export interface ThreadRuntime {
  create(c: RunnableCase): ThreadedProcessLike;
}
export interface ThreadedProcessLike {
  wasi: WasiHost | undefined;
  instantiate(index: number): { exports: WasmExports; binding: MemoryBinding } | Outcome;
  ended(): Outcome | undefined;
  outcomeFor(e: unknown, single: Outcome): Outcome;
  mainReturned(): Outcome;
  shutdown(): void;
}

const ENGINE = currentEngine();
const WasmException = WA.Exception;
/** callGuarded's "no result": the step's outcome is in `lastFailure`. */
export const FAILED: unique symbol = Symbol('failed');
const RETURN_NOTHING: Outcome = Object.freeze({ kind: 'return', values: Object.freeze([]) as unknown as WasmValue[] }) as Outcome;

interface Inst {
  exports: WasmExports;
  moduleIndex: number;
  binding: MemoryBinding;
  /** Component cases: the component instance over this core instance (src/component/). */
  component?: ComponentInstance;
  /** `fuel` / `asyncify` cases: async calls, fuel and pause points of this instance (src/runtime/calls/). */
  calls?: CoreCalls;
}

/** A named or current instance slot that could not be created because of an `unsupported` outcome. */
interface Unavailable {
  unavailable: Outcome;
}

function stripApiPrefix(message: string): string {
  return message.replace(/^WebAssembly\.(?:Instance|instantiate|Module|compile)\(\): /, '');
}

/**
 * The state of one case while it runs: instances, registered modules, WASI process state,
 * host references. One per case; also usable step by step (benchmarks).
 */
export class CaseRun {
  private readonly engine: Engine;
  private readonly compiled: Array<WasmModule | undefined> = [];
  private readonly sigs: Array<ModuleSignatures | undefined> = [];
  /** Per module: the start-as-export rewrite (null: not needed). */
  private readonly startRewrites: Array<{ module: WasmModule; name: string } | null | undefined> = [];
  private readonly named = new Map<string, Inst | Unavailable>();
  private current: Inst | Unavailable | undefined;
  private readonly registry = new Map<string, Record<string, unknown>>();
  private spectest: Record<string, unknown> | undefined;
  private wasi: WasiHost | undefined;
  /** Set once the process ended with proc_exit / `_start` returning: every later step repeats it. */
  private exitOutcome: Outcome | undefined;
  private hostRefs: Map<number, object> | undefined;
  private refIds: Map<unknown, number> | undefined;
  /** The wasi-threads process of a `threads` case (created at its first instantiate). */
  private proc: ThreadedProcessLike | undefined;
  /** The process system of a `lunatic` case (created at its first instantiate). */
  private lunaticSystem: ProcessSystemLike | undefined;
  /** The component store of a component case (created at its first instantiate). */
  private componentStore: ComponentStore | undefined;

  constructor(
    readonly c: RunnableCase,
    engine: Engine = ENGINE,
    private readonly threads?: ThreadRuntime,
    private readonly processes?: ProcessRuntime,
    private readonly callRuntime?: CallRuntime,
  ) {
    this.engine = engine;
  }

  /** A threads case: stop every thread still running and wait for them (end of the case). */
  shutdown(): void {
    this.proc?.shutdown();
  }

  get stdout(): string {
    if (this.lunaticSystem) return this.lunaticSystem.stdout.text();
    return this.wasi ? this.wasi.stdout.text() : '';
  }
  get stderr(): string {
    if (this.lunaticSystem) return this.lunaticSystem.stderr.text();
    return this.wasi ? this.wasi.stderr.text() : '';
  }
  /** Output bytes past the capture limit (0 normally). */
  get droppedOutput(): number {
    return this.wasi ? this.wasi.stdout.dropped + this.wasi.stderr.dropped : 0;
  }
  get exited(): boolean {
    return this.exitOutcome !== undefined;
  }

  private host(): WasiHost {
    this.wasi ??= new WasiHost(this.c);
    return this.wasi;
  }

  /** Runs one step and observes it (outcome plus the state its expectation asks for). */
  step(step: Step): StepObservation {
    if (this.proc !== undefined && this.exitOutcome === undefined) this.exitOutcome = this.proc.ended();
    const outcome = this.exitOutcome ?? this.outcomeOf(step);
    const exp = step.expect;
    if (exp.memory === undefined && exp.globals === undefined && exp.stdout === undefined && exp.stderr === undefined && exp.processes === undefined && exp.fuel === undefined) return { outcome };
    const obs: StepObservation = { outcome };
    if (exp.processes !== undefined) {
      const regions = new Map<number, readonly MemoryRegion[]>();
      for (const p of exp.processes) if (p.memory) regions.set(p.pid, p.memory);
      obs.processes = this.lunaticSystem ? this.lunaticSystem.observe(regions) : [];
    }
    const target = exp.memory !== undefined || exp.globals !== undefined || exp.fuel !== undefined ? this.lookup(step.instance) : undefined;
    const inst = target && 'exports' in target ? target : undefined;
    if (exp.fuel !== undefined) {
      const left = inst?.calls?.fuel;
      if (left !== undefined) obs.fuel = left;
    }
    if (exp.memory !== undefined) obs.memory = inst ? readRegions(inst, exp.memory) : [];
    if (exp.globals !== undefined) obs.globals = inst ? this.readGlobals(inst, Object.keys(exp.globals)) : {};
    if (exp.stdout !== undefined) obs.stdout = this.stdout;
    if (exp.stderr !== undefined) obs.stderr = this.stderr;
    return obs;
  }

  private outcomeOf(step: Step): Outcome {
    if (this.c.component !== undefined && COMPONENT_STEP_OPS.has(step.op)) return this.componentStep(step);
    switch (step.op) {
      case 'instantiate':
        return this.instantiate(step.module ?? 0, step.as);
      case 'invoke':
        return this.invoke(step.instance, step.export, step.args ?? []);
      case 'start':
        return this.start(step.instance);
      case 'get':
        return this.get(step.instance, step.global);
      case 'register':
        return this.register(step.instance, step.as);
      case 'compile':
        return this.compileOnly(step.module);
      case 'call':
        return this.callStep(step.instance, step.export, step.args ?? [], step.call ?? step.export, step.pauseAt);
      case 'resume':
        return this.settle(step.call, (p) => p.resume(resumeOptions(step)));
      case 'cancel':
        return this.cancelStep(step.call);
      case 'refuel':
        return this.refuel(step.instance, step.amount);
      default:
        return { kind: 'unsupported', feature: `step ${(step as { op: string }).op}` };
    }
  }

  // --- errors --------------------------------------------------------------------------------

  /** Turns anything thrown by wasm or the JS API into an Outcome. */
  failure(e: unknown): Outcome {
    if (this.proc !== undefined) {
      const end = this.proc.outcomeFor(e, this.failureSingle(e));
      if (end.kind !== 'rejected' && end.kind !== 'unsupported') this.exitOutcome = end;
      return end;
    }
    return this.failureSingle(e);
  }

  private failureSingle(e: unknown): Outcome {
    if (isOutOfFuel(e)) return { kind: 'trap', trap: ['out of fuel'], message: OUT_OF_FUEL_MESSAGE };
    if (e instanceof CallUnsupported || e instanceof SuspendUnsupported) return { kind: 'unsupported', feature: e.message };
    if (e instanceof Deadlocked) return { kind: 'deadlock' };
    if (this.wasi?.exited) return this.exit(this.wasi.exit.code);
    if (e instanceof ProcExit) return this.exit(e.code);
    if (e instanceof WasiUnsupported) return { kind: 'unsupported', feature: e.feature };
    if (e instanceof WA.CompileError) return { kind: 'rejected', stage: 'compile', message: stripApiPrefix(e.message) };
    if (e instanceof WA.LinkError) return { kind: 'rejected', stage: 'unlinkable', message: stripApiPrefix(e.message) };
    if (WasmException && e instanceof WasmException) return classifyEngineError(this.engine, 'Exception', '');
    if (e instanceof Error) return classifyEngineError(this.engine, e.name, e.message);
    return { kind: 'crash', detail: `non-error value thrown: ${String(e)}` };
  }

  private exit(code: number): Outcome {
    this.exitOutcome = { kind: 'exit', code };
    return this.exitOutcome;
  }

  // --- module access ---------------------------------------------------------------------------

  private module(index: number): WasmModule | Outcome {
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
      return this.failure(e);
    }
  }

  /** `fuel` / `asyncify` core cases: modules run metered and suspendable (src/runtime/calls/). */
  private get instrumented(): boolean {
    return (this.c.fuel === true || this.c.asyncify === true) && !this.c.lunatic && !this.c.threads;
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
        return this.failure(compileError);
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

  private signatures(index: number): ModuleSignatures {
    let s = this.sigs[index];
    if (!s) {
      s = readSignatures(this.c.modules[index]!.bytes);
      this.sigs[index] = s;
    }
    return s;
  }

  private exportSig(inst: Inst, name: string): ExportSig | undefined {
    return this.signatures(inst.moduleIndex).exports.get(name);
  }

  private lookup(name: string | undefined): Inst | Unavailable | undefined {
    return name === undefined ? this.current : this.named.get(name);
  }

  /** The instance a step addresses, or the outcome explaining why there is none. */
  private target(name: string | undefined, op: string): Inst | Outcome {
    const t = this.lookup(name);
    if (!t) return { kind: 'crash', detail: name === undefined ? `${op}: no instance yet` : `${op}: no instance named ${JSON.stringify(name)}` };
    if ('unavailable' in t) return t.unavailable;
    return t;
  }

  // --- steps -----------------------------------------------------------------------------------

  compileOnly(index: number): Outcome {
    const m = this.module(index);
    return 'kind' in m ? (m as Outcome) : RETURN_NOTHING;
  }

  instantiate(index: number, as: string | undefined): Outcome {
    const outcome = this.instantiateInner(index, as);
    if (outcome.kind === 'unsupported') {
      const slot: Unavailable = { unavailable: outcome };
      this.current = slot;
      if (as !== undefined) this.named.set(as, slot);
    }
    return outcome;
  }

  /**
   * WASI modules that define their memory and have a start function get the start function
   * called as an export after instantiation, so its WASI calls can reach that memory.
   */
  private startRewrite(index: number): { module: WasmModule; name: string } | null {
    let r = this.startRewrites[index];
    if (r !== undefined) return r;
    r = null;
    try {
      const sigs = this.signatures(index);
      if (
        sigs.start !== undefined &&
        sigs.imports.some((i) => i.module === WASI_MODULE) &&
        !sigs.imports.some((i) => i.kind === 'memory')
      ) {
        const rewritten = exportStartFunction(this.c.modules[index]!.bytes, new Set(sigs.exports.keys()));
        r = { module: new WA.Module(rewritten.bytes), name: rewritten.name };
      }
    } catch {
      r = null; // unreadable by our reader: instantiate the module as is
    }
    this.startRewrites[index] = r;
    return r;
  }

  /** A wasi-threads module: main is thread 0 of the case's process. */
  private instantiateThreaded(index: number, as: string | undefined): Outcome {
    if (!this.threads) return { kind: 'unsupported', feature: 'wasi-threads (runs only in the reference runtime\'s worker pool)' };
    this.proc ??= this.threads.create(this.c);
    let r: { exports: WasmExports; binding: MemoryBinding } | Outcome;
    try {
      r = this.proc.instantiate(index);
    } catch (e) {
      return this.failure(e);
    }
    if ('kind' in r) return r as Outcome;
    this.wasi = this.proc.wasi;
    const inst: Inst = { exports: r.exports, moduleIndex: index, binding: r.binding };
    this.current = inst;
    if (as !== undefined) this.named.set(as, inst);
    const end = this.proc.ended();
    if (end) {
      this.exitOutcome = end;
      return end;
    }
    return RETURN_NOTHING;
  }

  private instantiateInner(index: number, as: string | undefined): Outcome {
    if (this.c.threads) return this.instantiateThreaded(index, as);
    if (this.c.lunatic) {
      if (!this.processes) return { kind: 'unsupported', feature: 'lunatic processes (run only in the reference runtime\'s worker pool)' };
      this.lunaticSystem ??= this.processes.create(this.c);
      return this.lunaticSystem.instantiateRoot(index);
    }
    const original = this.module(index);
    if ('kind' in original) return original as Outcome;
    const rewrite = this.instrumented ? null : this.startRewrite(index);
    const module = rewrite ? rewrite.module : original;
    const binding: MemoryBinding = { memory: undefined };
    const imports: Record<string, Record<string, unknown>> = {};
    const component = this.c.component !== undefined ? this.components().create(as) : undefined;
    const calls = this.instrumented
      ? new CoreCalls({ metered: this.c.fuel === true, suspendable: this.c.asyncify === true, initialFuel: this.componentStore?.fuel ?? this.fuelBeforeInstantiate ?? 0 })
      : undefined;
    for (const imp of WA.Module.imports(module)) {
      let ns: Record<string, unknown> | undefined = imports[imp.module];
      if (!ns) {
        if (imp.module === WASI_MODULE && !this.registry.has(WASI_MODULE)) ns = this.host().importsFor(binding);
        else if (imp.module === 'spectest' && !this.registry.has('spectest'))
          ns = this.spectest ??= createSpectest((line) => this.host().stdout.write(new TextEncoder().encode(`${line}\n`)));
        else if (calls && (imp.module === FUEL_MODULE || imp.module === HOST_MODULE)) ns = calls.imports[imp.module];
        else ns = component?.imports[imp.module] ?? this.registry.get(imp.module);
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
        let instance;
    try {
      instance = new WA.Instance(module, imports);
    } catch (e) {
      return this.failure(e);
    }
    if (this.wasi?.exited) return this.exit(this.wasi.exit.code);
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
        return this.failure(e);
      }
      if (this.wasi?.exited) return this.exit(this.wasi.exit.code);
    }
    const inst: Inst = { exports, moduleIndex: index, binding };
    if (calls) inst.calls = calls.bind(exports, () => binding.memory);
    if (component) {
      this.components().attach(component.instance, exports, inst.calls);
      inst.component = component.instance;
    }
    this.current = inst;
    if (as !== undefined) this.named.set(as, inst);
    return RETURN_NOTHING;
  }

  // --- component cases (src/component/) ------------------------------------------------------

  private components(): ComponentStore {
    this.componentStore ??= new ComponentStore(this.c.component!, { classify: (e) => this.failure(e) });
    return this.componentStore;
  }

  /** `call` / `resume` / `cancel` / `refuel` / `post-return` of a component case: the store and the addressed instance. */
  private componentStep(step: Step): Outcome {
    // the store's fuel exists before any instance: a start function runs on it
    if (step.op === 'refuel' && step.instance === undefined && this.current === undefined) return this.components().refuel(step.amount);
    const t = this.target(step.instance, step.op);
    if (!('exports' in t)) return t;
    return runComponentStep(this.components(), t.component, step);
  }

  invoke(instance: string | undefined, name: string, args: readonly WasmValue[]): Outcome {
    if (this.c.lunatic) return { kind: 'unsupported', feature: 'invoke in a lunatic case (processes run from start)' };
    const inst = this.target(instance, 'invoke');
    if (!('exports' in inst)) return inst;
    const call = this.coreCall('invoke', inst, name, args);
    if ('kind' in call) return call;
    const r = this.callGuarded(inst.exports[name] as (...a: unknown[]) => unknown, call.js);
    if (r === FAILED) return this.lastFailure!;
    return { kind: 'return', values: this.results(call.results, r) };
  }

  /**
   * What `invoke` and `call` check before calling a core export: it is a function with a
   * signature whose values cross the JS boundary, the argument count fits, and the arguments as
   * JS values. Or the outcome saying why not.
   */
  private coreCall(op: 'invoke' | 'call', inst: Inst, name: string, args: ReadonlyArray<WasmValue | ComponentValue>): { results: readonly SigType[]; js: unknown[] } | Outcome {
    if (typeof inst.exports[name] !== 'function') return { kind: 'crash', detail: `${op}: no exported function ${JSON.stringify(name)}` };
    let sig: ExportSig | undefined;
    try {
      sig = this.exportSig(inst, name);
    } catch (e) {
      return { kind: 'crash', detail: String(e) };
    }
    if (!sig || sig.kind !== 'func') return { kind: 'crash', detail: `${op}: export ${JSON.stringify(name)} has no function signature` };
    const blocked = boundaryProblem(sig.params) ?? boundaryProblem(sig.results);
    if (blocked) return blocked;
    if (args.length !== sig.params.length)
      return { kind: 'crash', detail: `${op} ${name}: ${args.length} argument(s) for ${sig.params.length} parameter(s)` };
    const js = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      js[i] = a.type === 'i32' ? Number(a.value) | 0 : toJs(a as WasmValue, (n) => this.hostRef(n));
    }
    return { results: sig.results, js };
  }

  /** Set when callGuarded returns FAILED. */
  lastFailure: Outcome | undefined;

  /**
   * The guarded call every invoke goes through: the call, a try/catch, and the exit check
   * (a guest may catch the proc_exit sentinel with wasm EH; the process still ended).
   * Returns the raw JS result, or FAILED with `lastFailure` set.
   */
  callGuarded(fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    let r: unknown;
    try {
      r = guardedCall(fn, args);
    } catch (e) {
      this.lastFailure = this.failure(e);
      return FAILED;
    }
    if (this.wasi !== undefined && this.wasi.exited) {
      this.lastFailure = this.proc ? this.failure(this.wasi.exit) : this.exit(this.wasi.exit.code);
      return FAILED;
    }
    if (this.proc !== undefined) {
      const end = this.proc.ended();
      if (end) {
        this.exitOutcome = end;
        this.lastFailure = end;
        return FAILED;
      }
    }
    return r;
  }

  /** `_start` of a WASI command: returning normally is `exit 0`. */
  start(instance: string | undefined): Outcome {
    if (this.lunaticSystem) {
      const end = this.lunaticSystem.start();
      if (end.kind === 'exit') this.exitOutcome = end;
      return end;
    }
    const inst = this.target(instance, 'start');
    if (!('exports' in inst)) return inst;
    const fn = inst.exports['_start'];
    if (typeof fn !== 'function') return { kind: 'crash', detail: 'start: the instance exports no _start function' };
    try {
      (fn as () => unknown)();
    } catch (e) {
      return this.failure(e);
    }
    if (this.proc !== undefined) {
      // WAMR PR#2529 semantics: returning from _start ends the process (exit 0) and every thread
      this.exitOutcome = this.wasi?.exited ? this.failure(this.wasi.exit) : this.proc.mainReturned();
      return this.exitOutcome;
    }
    return this.exit(this.wasi?.exited ? this.wasi.exit.code : 0);
  }

  get(instance: string | undefined, name: string): Outcome {
    const inst = this.target(instance, 'get');
    if (!('exports' in inst)) return inst;
    const g = inst.exports[name];
    if (!(g instanceof WA.Global)) return { kind: 'crash', detail: `get: no exported global ${JSON.stringify(name)}` };
    let sig: ExportSig | undefined;
    try {
      sig = this.exportSig(inst, name);
    } catch (e) {
      return { kind: 'crash', detail: String(e) };
    }
    if (!sig || sig.kind !== 'global') return { kind: 'crash', detail: `get: export ${JSON.stringify(name)} has no global type` };
    const blocked = boundaryProblem([sig.type]);
    if (blocked) return blocked;
    return { kind: 'return', values: [this.value(sig.type, g.value)] };
  }

  // --- async core calls (`fuel` / `asyncify` cases; src/runtime/calls/) -------------------------

  /** Named calls of this case: pending (resumable, cancellable) or ended. */
  private calls: Map<string, { inst: Inst; results: readonly SigType[]; pending: PendingCall | undefined }> | undefined;

  private callStep(instance: string | undefined, name: string, args: ReadonlyArray<WasmValue | ComponentValue>, callName: string, pauseAt: PausePoint | undefined): Outcome {
    const inst = this.target(instance, 'call');
    if (!('exports' in inst)) return inst;
    if (!inst.calls) return { kind: 'unsupported', feature: 'call steps on a core instance without the fuel or asyncify feature' };
    const call = this.coreCall('call', inst, name, args);
    if ('kind' in call) return call;
    const entry = { inst, results: call.results, pending: undefined as PendingCall | undefined };
    (this.calls ??= new Map()).set(callName, entry);
    return this.callOutcome(entry, inst.calls.call(name, call.js, pauseAt));
  }

  /** Resumes a pending call; `act` gets its handle. */
  private settle(callName: string, act: (p: PendingCall) => CoreCallState): Outcome {
    const entry = this.calls?.get(callName);
    if (!entry) return { kind: 'crash', detail: `resume: no call named ${JSON.stringify(callName)}` };
    const pending = entry.pending;
    if (!pending) return { kind: 'crash', detail: `resume: call ${JSON.stringify(callName)} already ended` };
    entry.pending = undefined;
    return this.callOutcome(entry, act(pending));
  }

  /** A dropped future: `cancelled` while pending, a no-op (`return []`) once the call ended (bug-catalog #31). */
  private cancelStep(callName: string): Outcome {
    const entry = this.calls?.get(callName);
    if (!entry) return { kind: 'crash', detail: `cancel: no call named ${JSON.stringify(callName)}` };
    if (!entry.pending) return RETURN_NOTHING;
    entry.pending.cancel();
    entry.pending = undefined;
    return { kind: 'cancelled' };
  }

  private callOutcome(entry: { results: readonly SigType[]; pending: PendingCall | undefined }, state: CoreCallState): Outcome {
    switch (state.state) {
      case 'returned':
        return { kind: 'return', values: this.results(entry.results, state.value) };
      case 'failed':
        return this.failure(state.error);
      case 'suspended':
        entry.pending = state.call;
        return { kind: 'suspended', at: state.at };
    }
  }

  /** A `refuel` step before the first instantiate: the budget every instance of this case starts with. */
  private fuelBeforeInstantiate: number | undefined;

  private refuel(instance: string | undefined, amount: number): Outcome {
    if (instance === undefined && this.current === undefined) {
      if (!this.c.fuel) return { kind: 'unsupported', feature: 'refuel in a case without the fuel feature' };
      this.fuelBeforeInstantiate = amount;
      return RETURN_NOTHING;
    }
    const inst = this.target(instance, 'refuel');
    if (!('exports' in inst)) return inst;
    if (!inst.calls?.options.metered) return { kind: 'unsupported', feature: 'refuel of an instance without the fuel feature' };
    inst.calls.setFuel(amount);
    return RETURN_NOTHING;
  }

  register(instance: string | undefined, as: string): Outcome {
    const inst = this.target(instance, 'register');
    if (!('exports' in inst)) return inst;
    this.registry.set(as, inst.exports);
    return RETURN_NOTHING;
  }

  // --- values ----------------------------------------------------------------------------------

  private hostRef(n: number): object {
    this.hostRefs ??= new Map();
    let r = this.hostRefs.get(n);
    if (!r) {
      r = Object.freeze({ hostRef: n });
      this.hostRefs.set(n, r);
      (this.refIds ??= new Map()).set(r, n);
    }
    return r;
  }

  private refIndex(x: unknown): number {
    this.refIds ??= new Map();
    let n = this.refIds.get(x);
    if (n === undefined) {
      // a reference we did not hand out (a funcref): number it after every host ref index seen so far
      n = 1_000_000 + this.refIds.size;
      this.refIds.set(x, n);
    }
    return n;
  }

  private value(t: SigType, x: unknown): WasmValue {
    if (t === 'i32') return { type: 'i32', value: String((x as number) | 0) };
    return fromJs(t as Exclude<SigType, `other:${string}`>, x, (ref) => this.refIndex(ref));
  }

  private results(types: readonly SigType[], r: unknown): WasmValue[] {
    if (types.length === 0) return [];
    if (types.length === 1) return [this.value(types[0]!, r)];
    const list = r as unknown[];
    return types.map((t, i) => this.value(t, list[i]));
  }

  private readGlobals(inst: Inst, names: string[]): Record<string, WasmValue> {
    const out: Record<string, WasmValue> = {};
    for (const name of names) {
      const g = inst.exports[name];
      if (!(g instanceof WA.Global)) continue;
      try {
        const sig = this.exportSig(inst, name);
        if (sig?.kind === 'global' && crossesJsBoundary(sig.type)) out[name] = this.value(sig.type, g.value);
      } catch {
        // unreadable signature: the judge reports the global as missing
      }
    }
    return out;
  }
}

/** The call itself, kept tiny and monomorphic in shape: try/catch costs ~nothing on V8. */
export function guardedCall(fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  switch (args.length) {
    case 0:
      return fn();
    case 1:
      return fn(args[0]);
    case 2:
      return fn(args[0], args[1]);
    case 3:
      return fn(args[0], args[1], args[2]);
    default:
      return fn(...args);
  }
}

function resumeOptions(step: Extract<Step, { op: 'resume' }>): ResumeOptions {
  const o: ResumeOptions = {};
  if (step.value !== undefined) o.value = step.value | 0;
  if (step.fuel !== undefined) o.fuel = step.fuel;
  if (step.pauseAt !== undefined) o.pauseAt = step.pauseAt;
  return o;
}

function boundaryProblem(types: readonly SigType[]): Outcome | undefined {
  for (const t of types) {
    if (t === 'v128') return { kind: 'unsupported', feature: 'v128 at the JS boundary' };
    if (!crossesJsBoundary(t)) return { kind: 'unsupported', feature: `value type ${t.slice(6)} at the JS boundary` };
  }
  return undefined;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Reads expected regions from the instance's memory; out-of-range bytes are cut off (the judge then reports a mismatch). */
function readRegions(inst: Inst, regions: readonly MemoryRegion[]): MemoryRegion[] {
  const mem = inst.binding.memory;
  if (!mem) return [];
  const bytes = new Uint8Array(mem.buffer);
  return regions.map(({ offset, hex }) => {
    const end = Math.min(bytes.length, offset + hex.length / 2);
    let out = '';
    for (let i = Math.max(0, offset); i < end; i++) out += HEX[bytes[i]!];
    return { offset, hex: out };
  });
}

/**
 * Runs a whole case in this thread. Stops after a harness error or `maxSteps`. A step that
 * addresses something the case does not have (an instance that failed to instantiate, a missing
 * export) observes `crash` for that step only: later steps still run, so one bad address in a
 * spec script costs one assertion, not the rest of the file.
 */
export function executeCase(c: RunnableCase, options: ExecOptions = {}): Observation {
  const run = new CaseRun(c, options.engine, options.threads, options.processes, options.calls);
  const steps: StepObservation[] = [];
  const n = Math.min(c.steps.length, options.maxSteps ?? Infinity);
  const onStep = options.onStep;
  for (let i = 0; i < n; i++) {
    onStep?.(i);
    let obs: StepObservation;
    try {
      obs = run.step(c.steps[i]!);
    } catch (e) {
      // a harness bug (never a wasm event): report it on this step and end the case
      steps.push({ outcome: { kind: 'crash', detail: `harness error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` } });
      break;
    }
    steps.push(obs);
  }
  if (c.threads) run.shutdown();
  const obs: Observation = { steps, stdout: run.stdout, stderr: run.stderr };
  const dropped = run.droppedOutput;
  if (dropped) obs.raw = { outputDroppedBytes: dropped };
  return obs;
}
