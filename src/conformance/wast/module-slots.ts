/**
 * What the converter remembers of every module definition and instance a script names: where it
 * sits in the case (module index, the step that made it), its export types once read, its
 * wrapper module, or why it cannot run here (a decision every later use inherits).
 */
import type { ModuleSignatures } from '../../wasm/signatures.ts';
import type { Decided } from './conversion-plan.ts';
import type { ResultLayout, WrapperCall } from './wrapper.ts';

/** A module or instance that cannot run here: every use of it is decided the same way. */
export interface Unavailable {
  decided: Decided;
}

export interface InstanceInfo {
  /** Name the runtime knows the instance by. */
  name: string;
  moduleIndex: number;
  step: number;
  line: number;
  sigs?: ModuleSignatures | { error: string };
  /** Name it is registered under for wrappers. */
  wrapName?: string;
  wrapDeps?: number[];
  wrapper?: { moduleIndex: number; instance: string; step: number; calls: WrapperCall[]; layouts: Array<ResultLayout[]> };
  taint?: Decided;
}

export type InstanceSlot = InstanceInfo | Unavailable;

export interface ModuleInfo {
  moduleIndex: number;
  /** Compile step of a `module definition`. */
  step?: number;
  line: number;
}
export type ModuleSlot = ModuleInfo | Unavailable;

export function isUnavailable(x: InstanceSlot | ModuleSlot | undefined): x is Unavailable {
  return x !== undefined && 'decided' in x;
}
