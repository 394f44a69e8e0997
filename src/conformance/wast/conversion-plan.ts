/**
 * What converting one `.wast` script produces (convert.ts) and what the runner and the step judge
 * (runner.ts, judge-steps.ts) read: the case, and for every assertion and command the step that
 * decides it or the verdict decided without one.
 */
import type { Case } from '../../case.ts';
import type { TrapKind } from '../../outcome.ts';
import type { SpecFeature } from './features.ts';
import type { AssertionType, ResultPattern } from './script.ts';
import type { ResultLayout } from './wrapper.ts';

/** How the deciding step's observation is judged. */
export type Check =
  | { kind: 'return'; results: ResultPattern[]; wrapper?: ResultLayout[] }
  /** `kinds` undefined: the message names no TrapKind, so any trap passes (judged by outcome kind). */
  | { kind: 'trap'; kinds: TrapKind[] | undefined }
  | { kind: 'rejected'; stage: 'malformed' | 'invalid' | 'unlinkable' };

/** The skip reason for actions whose values are GC references (no JS-boundary form, not wrapped). */
export const JS_BOUNDARY = 'GC reference values (JS boundary)';

/** The skip reason for modules our text assembler cannot read. */
export const TEXT_ASSEMBLER = 'text assembler (wabt 1.0.39, wasm-tools fallback)';

export interface Decided {
  verdict: 'pass' | 'fail' | 'skip';
  reason: string;
  observed?: string;
  /** Skips: the proposal the runtime lacks. */
  feature?: string;
}

export interface AssertionPlan {
  /** 0-based position among the file's assertions. */
  ordinal: number;
  line: number;
  /** `file:line` */
  at: string;
  command: AssertionType;
  /** Human form of what must happen. */
  expected: string;
  /** The script's failure message (assert_trap, assert_invalid …). */
  message?: string;
  /** Decided at conversion time: no step. */
  decided?: Decided;
  /**
   * The instance's state is shared with a module that was skipped (it imports the instance's
   * table/memory/globals and could have changed them): a failure here becomes this skip.
   */
  taint?: Decided;
  /** The step whose observation decides the assertion. */
  step?: number;
  /** Steps that must have succeeded first (the instance's instantiation, wrapper set-up). */
  deps: number[];
  check?: Check;
}

/** A non-assertion command (module, register, bare invoke): failures are listed, never counted as assertions. */
export interface CommandPlan {
  line: number;
  at: string;
  what: string;
  step?: number;
  deps: number[];
  decided?: Decided;
}

export interface StepOrigin {
  line: number;
  what: string;
}

export interface ConvertedScript {
  file: string;
  case: Case;
  assertions: AssertionPlan[];
  commands: CommandPlan[];
  /** Per step: the script line it came from (for dependency messages). */
  origins: StepOrigin[];
}

export interface ConvertOptions {
  /** Proposals the runtime compiles (from probeFeatures). */
  supported: ReadonlySet<SpecFeature>;
  /** Keep the script up to this line and plan only the assertion(s) on it (replay). */
  line?: number;
  /** Watchdog budget for the whole script. */
  timeoutMs?: number;
  /** The runtime carries every number bit-exactly (Capabilities.exactValues): never wrap. */
  exactValues?: boolean;
  /** `compile` steps cannot share the script's case (Capabilities.compileAlone). */
  compileAlone?: boolean;
}
