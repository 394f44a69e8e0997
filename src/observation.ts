/**
 * What a runtime reports after executing a case: the normalised outcome of every step it ran,
 * plus the state and output the expectations ask about. Adapters build these; only the judge
 * reads them.
 */
import type { MailboxMessage, MemoryRegion, ProcessCause } from './case.ts';
import type { Outcome, TrapKind, WasmValue } from './outcome.ts';

/** One Lunatic process at the end of a step (src/runtime/process/). */
export interface ProcessObservation {
  pid: number;
  state: 'alive' | 'dead';
  reason?: 'normal' | 'failure';
  cause?: ProcessCause;
  trap?: TrapKind[];
  code?: number;
  mailbox: MailboxMessage[];
  memory?: MemoryRegion[];
  /** Host detail (trap message, host error), never judged. */
  detail?: string;
}

export interface StepObservation {
  outcome: Outcome;
  /** The regions the step's expectation names, read after the step. */
  memory?: MemoryRegion[];
  globals?: Record<string, WasmValue>;
  /** `fuel` cases: remaining fuel units of the addressed instance (absent: unmetered). */
  fuel?: number;
  /** Lunatic cases: every process, when the expectation names `processes`. */
  processes?: ProcessObservation[];
  /** Captured output of the whole case up to the end of this step (UTF-8). */
  stdout?: string;
  stderr?: string;
  /**
   * Set when the runtime saw this step's outcome but cannot read the instance state after it
   * (memory, globals, fuel, processes), e.g. a command runtime whose process ended at this step:
   * why. The judge then checks the outcome and output only, and judges the step `skip` with this
   * reason if its expectation names such state.
   */
  unobservable?: string;
}

export interface Observation {
  /** One entry per step that ran; a runtime stops early only when the process ended (exit, crash, timeout). */
  steps: StepObservation[];
  stdout: string;
  stderr: string;
  /** Engine/harness detail kept for reports (raw trap messages, exit status), never judged. */
  raw?: Record<string, unknown>;
}
