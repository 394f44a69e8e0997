/**
 * A runtime's documented conventions as data (DESIGN §2 "Profile"): how traps and exits show
 * up, what it does to an instance after a trap, and its known divergences with reasons.
 * The judge consults a profile; nothing branches on runtime names.
 */
import type { ExpectedOutcome } from './case.ts';
import type { OutcomeKind, TrapKind } from './outcome.ts';

export interface ExitCodeRules {
  /** Process exit code a trap produces (134 for wasmtime/WasmEdge, 1 for most others). */
  trap: number;
  /**
   * What `proc_exit(N)` becomes: `raw` (in-process: the guest's u32 as is), `posix` (N & 255),
   * `wasmtime` (N < 126 passes, otherwise an error exit 1).
   */
  exit: 'raw' | 'posix' | 'wasmtime';
  /**
   * Exit code of the process when a trap happens in a spawned (wasi-threads) thread, when it
   * differs from `trap` (wasmer: 129). Adapters use it to read a process status back as `trap`.
   */
  threadTrap?: number;
  /**
   * Exit code of the process when an export it was asked to invoke traps, when it differs from
   * `trap` (wabt's wasm-interp prints the trap and exits 0). Absent: same as `trap`.
   */
  trappedExport?: number;
}

/** One documented rule of a profile and where it comes from (a link or a measured fact). */
export interface ProfileRule {
  /** Which part of the profile it backs: `exitCodes.trap`, `exitCodes.exit`, `threadTrap`, `instanceAfterTrap`, `messages` … */
  rule: string;
  says: string;
  source: string;
}

export interface KnownDivergence {
  id: string;
  /** Which expectations this covers. Every present field must match. */
  match: {
    family?: string;
    caseId?: string;
    expected?: ExpectedOutcome['kind'];
    expectedTrap?: TrapKind;
    observed?: OutcomeKind;
    tag?: Record<string, string>;
    /**
     * What disagreed: `outcome`, or `state` (the outcome matched; memory, globals, fuel or output
     * did not). Absent: either.
     */
    mismatch?: 'outcome' | 'state';
    /** A regular expression the observed outcome's message (rejection, trap) or crash detail must match. */
    observedMessage?: string;
  };
  reason: string;
  link: string;
}

export interface Profile {
  runtime: string;
  /** Free-form version range the rules were taken from. */
  versions: string;
  exitCodes: ExitCodeRules;
  /** Core instance after a trap: still usable (spec) or poisoned (WAMR's sticky exception). */
  instanceAfterTrap: 'usable' | 'poisoned';
  knownDivergences: KnownDivergence[];
  /** Where each rule comes from. */
  sources: string[];
  /** The rules one by one with their sources (the HTML report shows them per runtime). */
  rules?: ProfileRule[];
}

/** The exit code a runtime under `profile` must report for a guest `proc_exit(code)`. */
export function projectExitCode(code: number, rules: ExitCodeRules): number {
  switch (rules.exit) {
    case 'raw':
      return code >>> 0;
    case 'posix':
      return code & 0xff;
    case 'wasmtime':
      return code >>> 0 < 126 ? code : 1;
  }
}
