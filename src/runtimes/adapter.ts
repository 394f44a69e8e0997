/**
 * The one interface every runtime sits behind (DESIGN §3): the in-process reference runtime,
 * other JS engines, CLIs and SDKs. Adapters return observations; they never throw for a
 * wasm-level event (a trap, an exit, a hang is an Outcome). They throw only for harness bugs.
 */
import type { Case, StepOp } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Profile } from './profile.ts';

export interface Capabilities {
  steps: ReadonlySet<StepOp>;
  features: ReadonlySet<Feature>;
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
  return undefined;
}
