/**
 * The step executor: runs a Case's steps against the host's JS WebAssembly API and observes
 * each step as an Outcome (DESIGN §5). Plain synchronous code: the pool runs it inside workers
 * (under a watchdog), benchmarks run it in-process. It never throws for a wasm-level event:
 * traps, exits, link and compile failures all become outcomes; a harness bug becomes `crash`.
 * The layers (core instances, WASI, wasi-threads, Lunatic processes, components, async calls)
 * are one host each in src/runtime/hosts/; this file routes steps to them.
 */
import type { Step } from '../case.ts';
import { expectsStream } from '../case.ts';
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import { COMPONENT_STEP_OPS } from '../component/steps.ts';
import type { Engine } from './classify.ts';
import { currentEngine } from './classify.ts';
import { AsyncCalls } from './hosts/async-calls.ts';
import { ComponentsHost } from './hosts/components.ts';
import { CoreHost } from './hosts/core.ts';
import { Imports } from './hosts/imports.ts';
import { Instances } from './hosts/instances.ts';
import { LunaticHost } from './hosts/lunatic.ts';
import { Modules } from './hosts/modules.ts';
import { ThreadsHost } from './hosts/threads.ts';
import type { CallRuntime, CoreInstance, ExecOptions, ProcessRuntime, RunnableCase, ThreadRuntime } from './hosts/types.ts';
import { Values } from './hosts/values.ts';
import { WasiProcess } from './hosts/wasi-process.ts';
import { observeInstance } from './state-reader.ts';
import { runSteps, runStepsAsync } from './hosts/step-loop.ts';
import type { StackSwitching } from './threads/sched/stack-switching.ts';
import { stackSwitching } from './threads/sched/stack-switching.ts';

export type { CallRuntime, ExecOptions, ProcessRuntime, ProcessSystemLike, RunnableCase, ThreadedProcessLike, ThreadRuntime } from './hosts/types.ts';
export { FAILED } from './hosts/wasi-process.ts';

const ENGINE = currentEngine();

/**
 * The state of one case while it runs, one host per layer; this class routes each step to its
 * host and observes the state the step's expectation asks for. One per case; also usable step
 * by step (benchmarks).
 */
export class CaseRun {
  private readonly process: WasiProcess;
  private readonly instances = new Instances();
  private readonly modules: Modules;
  private readonly values: Values;
  private readonly calls: AsyncCalls;
  private readonly core: CoreHost;
  /** Present only in a case of that kind. */
  private readonly threads: ThreadsHost | undefined;
  private readonly lunatic: LunaticHost | undefined;
  private readonly components: ComponentsHost | undefined;
  /**
   * The guarded call every invoke goes through (src/runtime/hosts/wasi-process.ts); on FAILED
   * the outcome is in `lastFailure`. Bound once rather than delegated, so benchmarks calling it
   * measure the guard itself, not an extra frame.
   */
  readonly callGuarded: (fn: (...a: unknown[]) => unknown, args: unknown[]) => unknown;

  constructor(
    readonly c: RunnableCase,
    engine: Engine = ENGINE,
    threads?: ThreadRuntime,
    processes?: ProcessRuntime,
    callRuntime?: CallRuntime,
    /** The engine's stack switching for a threads case (executeCaseAsync only). */
    switching?: StackSwitching,
  ) {
    const wasiProcess = new WasiProcess(c, engine);
    const instances = this.instances;
    this.process = wasiProcess;
    this.callGuarded = wasiProcess.callGuarded.bind(wasiProcess);
    this.modules = new Modules(c, callRuntime, wasiProcess);
    this.values = new Values(this.modules);
    this.calls = new AsyncCalls(c, wasiProcess, instances, this.values);
    this.components = c.component !== undefined ? new ComponentsHost(c.component, wasiProcess, instances) : undefined;
    this.core = new CoreHost(wasiProcess, instances, this.modules, this.values, new Imports(wasiProcess), this.calls, this.components);
    this.threads = c.threads ? new ThreadsHost(c, threads, wasiProcess, instances, switching) : undefined;
    this.lunatic = c.lunatic ? new LunaticHost(c, processes, wasiProcess) : undefined;
  }

  /** A threads case under the scheduler: the schedule it followed (replayable token). */
  get schedule(): string | undefined {
    return this.process.threaded?.schedule?.();
  }

  /** A threads case: stop every thread still running and wait for them (end of the case). */
  shutdown(): void | Promise<void> {
    return this.threads?.shutdown();
  }

  get stdout(): string {
    const system = this.lunatic?.system;
    return system ? system.stdout.text() : this.process.stdout;
  }
  get stderr(): string {
    const system = this.lunatic?.system;
    return system ? system.stderr.text() : this.process.stderr;
  }
  /** Output bytes past the capture limit (0 normally). */
  get droppedOutput(): number {
    return this.process.droppedOutput;
  }
  get exited(): boolean {
    return this.process.exitOutcome !== undefined;
  }

  /** Set when callGuarded returns FAILED. */
  get lastFailure(): Outcome | undefined {
    return this.process.lastFailure;
  }

  /** The core instance `name` (default: the current one), for benchmarks and tests that call it directly. */
  instance(name?: string): CoreInstance | undefined {
    const t = this.instances.lookup(name);
    return t && 'exports' in t ? t : undefined;
  }

  /** Runs one step and observes it (outcome plus the state its expectation asks for). */
  step(step: Step): StepObservation {
    return this.observed(step, this.process.ended() ?? this.outcomeOf(step));
  }

  /** `step`, where `_start` of a threads process on stack switching runs asynchronously. */
  async stepAsync(step: Step): Promise<StepObservation> {
    const threads = this.threads;
    if (step.op !== 'start' || threads?.switched === undefined) return this.step(step);
    return this.observed(step, this.process.ended() ?? (await threads.start(this.instances.target(step.instance, 'start'))));
  }

  private observed(step: Step, outcome: Outcome): StepObservation {
    const exp = step.expect;
    if (exp.memory === undefined && exp.globals === undefined && !expectsStream(exp, 'stdout') && !expectsStream(exp, 'stderr') && exp.processes === undefined && exp.fuel === undefined) return { outcome };
    return this.observe(step, outcome);
  }

  private outcomeOf(step: Step): Outcome {
    if (this.components !== undefined && COMPONENT_STEP_OPS.has(step.op)) return this.components.step(step);
    switch (step.op) {
      case 'instantiate':
        return this.instantiate(step.module ?? 0, step.as);
      case 'invoke':
        return this.lunatic !== undefined ? this.lunatic.invoke() : this.core.invoke(step.instance, step.export, step.args ?? []);
      case 'start':
        return this.start(step.instance);
      case 'get':
        return this.core.get(step.instance, step.global);
      case 'register':
        return this.core.register(step.instance, step.as);
      case 'compile':
        return this.core.compileOnly(step.module);
      case 'call':
        return this.calls.call(step);
      case 'resume':
        return this.calls.resume(step);
      case 'cancel':
        return this.calls.cancel(step);
      case 'refuel':
        return this.calls.refuel(step);
      default:
        return { kind: 'unsupported', feature: `step ${(step as { op: string }).op}` };
    }
  }

  /** An `unsupported` instantiate still fills the slot, so steps addressing it repeat why. */
  private instantiate(index: number, as: string | undefined): Outcome {
    const outcome =
      this.threads !== undefined ? this.threads.instantiate(index, as) : this.lunatic !== undefined ? this.lunatic.instantiate(index) : this.core.instantiate(index, as);
    if (outcome.kind === 'unsupported') this.instances.add({ unavailable: outcome }, as);
    return outcome;
  }

  /** A Lunatic case starts its process system; any other case calls `_start` of a WASI command. */
  private start(instance: string | undefined): Outcome {
    const lunatic = this.lunatic;
    if (lunatic?.system) return lunatic.start(lunatic.system);
    return this.process.start(this.instances.target(instance, 'start'));
  }

  private observe(step: Step, outcome: Outcome): StepObservation {
    const exp = step.expect;
    const obs: StepObservation = { outcome };
    if (exp.processes !== undefined) obs.processes = this.lunatic ? this.lunatic.observe(exp.processes) : [];
    observeInstance<CoreInstance>(exp, obs, {
      instance: () => {
        const target = this.instances.lookup(step.instance);
        return target && 'exports' in target ? target : undefined;
      },
      fuel: (inst) => inst.calls?.fuel,
      exportSigs: (inst) => this.modules.signatures(inst.moduleIndex).exports,
      values: this.values,
    });
    if (expectsStream(exp, 'stdout')) obs.stdout = this.stdout;
    if (expectsStream(exp, 'stderr')) obs.stderr = this.stderr;
    return obs;
  }
}

/**
 * Runs a whole case in this thread. Stops after a harness error or `maxSteps`. A step that
 * addresses something the case does not have (an instance that failed to instantiate, a missing
 * export) observes `crash` for that step only: later steps still run, so one bad address in a
 * spec script costs one assertion, not the rest of the file.
 */
export function executeCase(c: RunnableCase, options: ExecOptions = {}): Observation {
  const run = new CaseRun(c, options.engine, options.threads, options.processes, options.calls);
  const steps = runSteps(c, options, (step) => run.step(step));
  const schedule = c.threads ? run.schedule : undefined;
  if (c.threads) void run.shutdown();
  return observation(run, steps, schedule);
}

function observation(run: CaseRun, steps: StepObservation[], schedule: string | undefined): Observation {
  const obs: Observation = { steps, stdout: run.stdout, stderr: run.stderr };
  const dropped = run.droppedOutput;
  if (dropped) obs.raw = { outputDroppedBytes: dropped };
  if (schedule !== undefined) obs.raw = { ...obs.raw, schedule };
  return obs;
}

/**
 * `executeCase` for a threads case, where the scheduler may switch threads by the engine's stack
 * switching (src/runtime/threads/sched/jspi-backend.ts: no Asyncify pass, the costly part of a
 * thread case): `_start` then settles in microtasks, so the case is awaited. The same case and
 * schedule give the same observation either way. Without stack switching, or for a case it cannot
 * run, this is `executeCase` (synchronous inside).
 */
export async function executeCaseAsync(c: RunnableCase, options: ExecOptions = {}): Promise<Observation> {
  const switching = c.threads ? stackSwitching() : undefined;
  if (!switching) return executeCase(c, options);
  const run = new CaseRun(c, options.engine, options.threads, options.processes, options.calls, switching);
  const steps = await runStepsAsync(c, options, (step) => run.stepAsync(step));
  const schedule = run.schedule;
  await run.shutdown();
  return observation(run, steps, schedule);
}
