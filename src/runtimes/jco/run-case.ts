/**
 * Runs one component case on jco: every module is built into a real component first (build.ts),
 * then the steps run synchronously, as an embedder of jco's sync instantiation would drive them.
 * `instantiate` creates a component instance (jco keeps trap state per `instantiate()` call);
 * `call` invokes a lifted export. The case's own core instance is captured through jco's
 * `instantiateCore` hook, so memory and global expectations read the state the guest really has.
 */
import type { ComponentConfig, Step } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome, WasmValue } from '../../outcome.ts';
import { i32, ret } from '../../outcome.ts';
import { fromJs, toJs } from '../../values.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import type { BuiltComponent, ComponentCache, ComponentExports } from './build.ts';
import { classifyJcoError } from './classify.ts';
import { CaseFault, ExitSignal, HostImportError, hostImports, jsName } from './host-imports.ts';
import type { BuildReport, JcoCase } from './wire.ts';
import { worldOf } from './world.ts';
import type { GlobalValueReader } from '../../runtime/state-reader.ts';
import { readGlobals, readRegions } from '../../runtime/state-reader.ts';
import type { WasmInstance, WasmMemory, WasmModule } from '../../runtime/wasm-api.ts';
import { WA } from '../../runtime/wasm-api.ts';

interface Instance {
  exports: ComponentExports;
  core: WasmInstance | undefined;
  module: number;
}

type Build = { ok: true; built: BuiltComponent } | { ok: false; outcome: Outcome };

export interface RunHooks {
  /** Every component of the case is built: the case's own time starts now. */
  onBuilt?: (report: BuildReport) => void;
  onStep?: (i: number, obs: StepObservation) => void;
}

const crash = (detail: string): Outcome => ({ kind: 'crash', detail });
const firstLine = (s: string): string => s.split('\n')[0] ?? '';

/** wasm-tools errors are a chain, one cause per line ("failed to encode a component from module" / "Caused by:" / …): keep it on one line. */
const oneLine = (s: string): string => s.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'Caused by:').join(': ').slice(0, 500);

/** Why a module could not become a component: an invalid core module is the engine's rejection; the rest is jco's. */
function buildFailure(bytes: Uint8Array, e: unknown): Outcome {
  const message = oneLine(e instanceof Error ? e.message : String(e));
  if (!WA.validate(bytes)) return { kind: 'rejected', stage: 'compile', message };
  return crash(`jco could not build the component: ${message}`);
}

/** What a lifted call or an instantiation threw → the step's outcome. */
export function outcomeOfThrow(e: unknown): Outcome {
  if (e instanceof ExitSignal) return { kind: 'exit', code: e.code };
  if (e instanceof HostImportError) return { kind: 'host-error', message: e.message };
  if (e instanceof CaseFault) return crash(e.message);
  if (e instanceof Error && (e.name === 'RuntimeError' || e.name === 'RangeError' || e.name === 'TypeError')) {
    const outcome = classifyJcoError(e.name, e.message);
    // any other TypeError is jco's own failure, not a trap
    if (e.name !== 'TypeError' || outcome.kind === 'trap') return outcome;
  }
  return crash(`jco threw ${e instanceof Error ? `${e.name}: ${firstLine(e.message)}` : String(e)}`);
}

/** A call argument as jco's lifted function takes it: a JS number for u32, a JS string for string. */
function liftedArg(type: 'u32' | 'string', arg: { type: string; value: string }): unknown {
  if (type === 'string') return arg.value;
  return arg.type === 'u32' ? Number(arg.value) >>> 0 : (toJs(arg as WasmValue) as number) >>> 0;
}

/** jco's guest memory: the core instance's `memory` export, else its first exported memory. */
function guestMemory(core: WasmInstance | undefined): WasmMemory | undefined {
  const exported = core ? Object.values(core.exports) : [];
  return (core?.exports['memory'] ?? exported.find((x) => x instanceof (WA.Memory as unknown as typeof Object))) as WasmMemory | undefined;
}

/** jco numbers no references: a non-null reference reads as 0. */
const JCO_VALUES: GlobalValueReader = { value: (type, x) => fromJs(type, x) };

function readCoreGlobals(core: WasmInstance | undefined, moduleBytes: Uint8Array, names: readonly string[]): Record<string, WasmValue> {
  if (!core) return {};
  return readGlobals(core.exports, readSignatures(moduleBytes).exports, names, JCO_VALUES);
}

class ComponentRun {
  private readonly instances = new Map<string, Instance>();
  private latest: string | undefined;
  /** Set by a guest exit: the process ended, so every later step observes that same exit (as on the reference runtime). */
  private exited: Outcome | undefined;

  constructor(
    private readonly c: JcoCase & { component: ComponentConfig },
    private readonly builds: readonly Build[],
  ) {}

  private lookup(name: string | undefined): Instance | undefined {
    const key = name ?? this.latest;
    return key === undefined ? undefined : this.instances.get(key);
  }

  private instantiate(module: number, as: string | undefined): Outcome {
    const build = this.builds[module];
    if (!build) return crash(`instantiate: the case has no module ${module}`);
    if (!build.ok) return build.outcome;
    const name = as ?? `$${this.instances.size}`;
    let core: WasmInstance | undefined;
    const capture = (m: WasmModule, imports: Record<string, Record<string, unknown>>): WasmInstance => {
      const inst = new WA.Instance(m, imports);
      if (m === build.built.mainCore) core = inst;
      return inst;
    };
    const imports = hostImports(this.c.component, build.built.wasi, (n) => this.instances.get(n)?.exports);
    try {
      const exports = build.built.instantiate(imports, capture);
      this.instances.set(name, { exports, core, module });
      this.latest = name;
      return ret();
    } catch (e) {
      // a trap in the start function leaves a half-built instance: its memory is still observable
      this.instances.set(name, { exports: {}, core, module });
      this.latest = name;
      return outcomeOfThrow(e);
    }
  }

  private call(step: Extract<Step, { op: 'call' }>): Outcome {
    if (step.pauseAt !== undefined) return { kind: 'unsupported', feature: 'pauseAt (jco runs lifted calls to the end)' };
    const inst = this.lookup(step.instance);
    if (!inst) return crash(`call ${step.export}: no instance ${step.instance ?? '(none instantiated)'}`);
    const type = this.c.component.exports[step.export];
    const fn = inst.exports[jsName(step.export)];
    if (!type || !fn) return crash(`call: the component has no export ${step.export}`);
    const args = (step.args ?? []).map((a, i) => liftedArg(type.params[i] ?? 'u32', a));
    try {
      const result = fn(...args);
      return type.results.length ? ret(i32(result as number)) : ret();
    } catch (e) {
      return outcomeOfThrow(e);
    }
  }

  private outcomeOf(step: Step): Outcome {
    switch (step.op) {
      case 'instantiate':
        return this.instantiate(step.module ?? 0, step.as);
      case 'call':
        return this.call(step);
      default:
        return { kind: 'unsupported', feature: `step ${step.op} (jco runs instantiate and call)` };
    }
  }

  step(step: Step): StepObservation {
    const outcome = this.exited ?? this.outcomeOf(step);
    if (outcome.kind === 'exit') this.exited = outcome;
    const exp = step.expect;
    const obs: StepObservation = { outcome };
    if (exp.memory === undefined && exp.globals === undefined) return obs;
    const inst = this.lookup(step.instance);
    if (exp.memory !== undefined) obs.memory = readRegions(guestMemory(inst?.core), exp.memory);
    if (exp.globals !== undefined) obs.globals = inst ? readCoreGlobals(inst.core, this.c.modules[inst.module]!.bytes, Object.keys(exp.globals)) : {};
    return obs;
  }
}

/** Builds the case's components (cached), then runs its steps. */
export async function runComponentCase(c: JcoCase, cache: ComponentCache, hooks: RunHooks = {}): Promise<Observation> {
  const config = c.component;
  if (!config) return { steps: [{ outcome: { kind: 'unsupported', feature: 'core modules (jco runs component cases)' } }], stdout: '', stderr: '' };
  const world = worldOf(config);
  const report: BuildReport = { modules: [], loaded: 0 };
  const builds: Build[] = [];
  for (const m of c.modules) {
    if (!world.ok) {
      builds.push({ ok: false, outcome: { kind: 'unsupported', feature: world.problem } });
      report.modules.push({ cached: false, error: world.problem });
      continue;
    }
    const { built, cached } = cache.get(m.bytes, world.wit);
    try {
      const b = await built;
      builds.push({ ok: true, built: b });
      report.modules.push(cached ? { cached } : { cached, timings: b.timings });
    } catch (e) {
      const outcome = buildFailure(m.bytes, e);
      builds.push({ ok: false, outcome });
      report.modules.push({ cached, error: outcome.kind === 'crash' ? outcome.detail : firstLine(String(e)) });
    }
  }
  report.loaded = cache.loaded;
  hooks.onBuilt?.(report);
  const run = new ComponentRun({ ...c, component: config }, builds);
  const steps: StepObservation[] = [];
  for (let i = 0; i < c.steps.length; i++) {
    const obs = run.step(c.steps[i]!);
    steps.push(obs);
    hooks.onStep?.(i, obs);
  }
  return { steps, stdout: '', stderr: '', raw: { jco: report } };
}
