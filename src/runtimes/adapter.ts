/**
 * The one interface every runtime sits behind (DESIGN §3): the in-process reference runtime,
 * other JS engines, CLIs and SDKs. Adapters return observations; they never throw for a
 * wasm-level event (a trap, an exit, a hang is an Outcome). They throw only for harness bugs.
 */
import type { Case, StepOp, WasiConfig } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Profile } from '../profile.ts';
import { readSignatures } from '../wasm/signatures.ts';

/**
 * How a runtime drives a module, beyond which step kinds it knows:
 *   - `script` (default): any sequence of its steps, on any number of modules and instances;
 *   - `single-instance`: one module, instantiated once by the first step, then steps on that
 *     instance (a process that runs one module: wabt's wasm-interp);
 *   - `command`: a WASI command run as a whole process: `instantiate` then at most one `start`,
 *     on a module that exports `_start` (CLIs and SDKs that only run programs).
 */
export type CaseShape = 'script' | 'single-instance' | 'command';

export interface Capabilities {
  steps: ReadonlySet<StepOp>;
  features: ReadonlySet<Feature>;
  shape?: CaseShape;
  /**
   * The WASI settings of a case (`Case.wasi` keys) the runtime can honour; absent: all of them.
   * A case setting another one (e.g. a thread-spawn limit) is skipped with the setting named.
   */
  wasiOptions?: ReadonlySet<keyof WasiConfig>;
  /**
   * Every number crosses into and out of the runtime bit-exactly, NaN payloads included (the
   * native adapters call through the probe plan's integer-bits wrappers). The spec runner then
   * needs no wrapper modules, which would have to import the tested instance.
   */
  exactValues?: boolean;
  /**
   * `compile` steps run only in a case made of nothing else (a process runtime checks a module's
   * validity by loading it on its own). The spec runner then judges assert_invalid /
   * assert_malformed outside the script's instance session: here, a named skip.
   */
  compileAlone?: boolean;
}

export interface RuntimeInfo {
  name: string;
  version: string;
  profile: Profile;
}

export interface Runtime {
  readonly name: string;
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  /** Resolves the runtime's version (engine version for in-process runtimes). */
  version(): Promise<string>;
  /**
   * Executes cases and resolves one observation per case, in order. Batching lets a pooled
   * runtime keep every worker busy; a hung or crashed case costs only itself.
   */
  executeAll(cases: readonly Case[]): Promise<Observation[]>;
  close(): Promise<void>;
}

/** Why a runtime cannot run a case, from its capabilities; undefined when it can. */
export function missingCapability(c: Case, caps: Capabilities): string | undefined {
  for (const f of c.features) if (!caps.features.has(f)) return `feature ${f}`;
  for (const s of c.steps) if (!caps.steps.has(s.op)) return `step ${s.op}`;
  if (caps.wasiOptions && c.wasi)
    for (const [k, v] of Object.entries(c.wasi)) if (v !== undefined && !caps.wasiOptions.has(k as keyof WasiConfig)) return `WASI setting ${k}`;
  if (caps.shape === 'single-instance') return singleInstanceProblem(c);
  if (caps.shape === 'command') return commandProblem(c);
  return undefined;
}

/** Why a case is not one module on one instance, or undefined. */
export function singleInstanceProblem(c: Case): string | undefined {
  if (c.modules.length !== 1) return 'shape: several modules (the runtime runs one module per process)';
  const first = c.steps[0];
  if (!first || first.op !== 'instantiate' || (first.module ?? 0) !== 0) return 'shape: a case that does not start by instantiating its module';
  if (c.steps.slice(1).some((s) => s.op === 'instantiate')) return 'shape: several instances (the runtime runs one instance per process)';
  if (c.steps.some((s) => s.instance !== undefined && s.instance !== first.as)) return 'shape: a step addressing another instance';
  return undefined;
}

/** Why a case is not a WASI command run as a whole process, or undefined. */
export function commandProblem(c: Case): string | undefined {
  const one = singleInstanceProblem(c);
  if (one) return one;
  if (c.steps.length > 2 || (c.steps.length === 2 && c.steps[1]!.op !== 'start')) return 'shape: steps after the command ran (a process runtime observes only its end)';
  if (!c.features.includes('wasi')) return 'shape: not a WASI command (the runtime only runs commands)';
  if (c.steps.some((s) => s.expect.memory !== undefined || s.expect.globals !== undefined)) return 'shape: expectations on memory or globals (a process runtime cannot inspect its instance)';
  let exportsStart = false;
  try {
    exportsStart = readSignatures(c.modules[0]!.bytes).exports.get('_start')?.kind === 'func';
  } catch {
    exportsStart = false;
  }
  if (!exportsStart) return 'shape: the module exports no `_start` (the runtime runs commands only)';
  return undefined;
}
