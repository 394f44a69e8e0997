/**
 * A Case is one unit of work: module(s), the steps a host drives them through, and the
 * expectation for each step (DESIGN §2). Cases are plain data so generators, the corpus,
 * `.wast` importers and the fuzzer all produce the same thing and one judge decides.
 */
import type { Feature } from './features.ts';
import type { TrapKind, WasmValue } from './outcome.ts';

export const CASE_SCHEMA = 'trapcheck.case/1';

export interface CaseModule {
  bytes: Uint8Array;
  /** Text form when we have it (corpus, `gen`); never needed to run. */
  wat?: string;
  /** Where it came from on disk, for messages. */
  file?: string;
}

/** What a step must produce. Every field present is checked; absent fields are not. */
export type ExpectedOutcome =
  | { kind: 'return'; values?: WasmValue[] }
  | { kind: 'trap'; trap: TrapKind }
  /** `process`: `code` is the process's own exit status (wasi-testsuite `exit_code`), compared as is, not projected from proc_exit(code) by the runtime's exit rules, with how the process ended wherever that was (an earlier step that ended it, e.g. a start section's exit or trap). */
  | { kind: 'exit'; code: number; process?: boolean }
  | { kind: 'deadlock' }
  | { kind: 'timeout' }
  | { kind: 'rejected'; stage: 'malformed' | 'invalid' | 'unlinkable' }
  | { kind: 'suspended'; at?: 'entry' | 'host' | 'fuel' }
  | { kind: 'cancelled' }
  | { kind: 'host-error' };

/** A byte range of linear memory with its expected (or observed) contents, hex encoded. */
export interface MemoryRegion {
  offset: number;
  hex: string;
}

/**
 * A message left in a Lunatic process's mailbox (src/runtime/process/): a `LinkDied` signal turned
 * into a message (`receive` returns 1; `tag` is the i64 tag of the dead peer's link entry, "0" for
 * none), a `ProcessDied` from a monitor (`pid`), or data (`tag`).
 */
export interface MailboxMessage {
  kind: 'link-died' | 'process-died' | 'data';
  tag?: string;
  pid?: number;
}

/** How a Lunatic process ended (`alive`: still blocked when every process was dead or blocked). */
export const PROCESS_CAUSES = ['return', 'exit', 'trap', 'out-of-fuel', 'killed', 'link-died', 'host-error'] as const;
export type ProcessCause = (typeof PROCESS_CAUSES)[number];

/**
 * The expected end state of one process of a `lunatic` case (pid: 1 is the root, spawned
 * processes count up in spawn order). Every field present is checked; the list in
 * `Expectation.processes` is exhaustive: a process the host has and the list lacks is a failure.
 */
export interface ProcessExpectation {
  pid: number;
  state?: 'alive' | 'dead';
  /** Lunatic's DeathReason: `normal` (returned, proc_exit(0)) or `failure` (everything else). */
  reason?: 'normal' | 'failure';
  cause?: ProcessCause;
  trap?: TrapKind;
  code?: number;
  /** Messages still in the mailbox at the end, compared as a multiset (arrival order is not part of Lunatic's contract). */
  mailbox?: MailboxMessage[];
  /** The process's own linear memory at the end. */
  memory?: MemoryRegion[];
}

/** One member of a racing step's allowed set (`Expectation.anyOf`): an outcome and, optionally, the exact streams that go with it. */
export interface AllowedOutcome {
  outcome: ExpectedOutcome;
  stdout?: string;
  stderr?: string;
}

/**
 * Whether a runtime must capture `stream` for a step: the step states it, or a member of its
 * allowed set does (a racing step that is not the case's last is judged on its streams too).
 */
export function expectsStream(exp: Expectation, stream: 'stdout' | 'stderr'): boolean {
  return exp[stream] !== undefined || (exp.anyOf?.some((member) => member[stream] !== undefined) ?? false);
}

export interface Expectation {
  outcome?: ExpectedOutcome;
  /**
   * A step whose end depends on how threads interleave: it passes when its outcome and streams
   * match one member, each compared as `outcome` / `stdout` / `stderr` are (streams under `output`).
   * Replaces those three fields (a step states one or the other); memory, globals, fuel and
   * processes still apply to every member. The set comes from a model of every interleaving
   * (e.g. generators/thread-race/), never from running the case.
   */
  anyOf?: AllowedOutcome[];
  /** Lunatic cases: the end state of every process after the step (see ProcessExpectation). */
  processes?: ProcessExpectation[];
  /** Exact bytes (UTF-8) written to fd 1 by the whole case up to the end of this step. */
  stdout?: string;
  stderr?: string;
  /**
   * How `stdout` / `stderr` are compared: `exact` (default), or `text-prefix` (wasi-testsuite's
   * runner: the stream read as text, `\r\n` and a lone `\r` as `\n`, must start with the expected text).
   */
  output?: 'exact' | 'text-prefix';
  /** Memory state after the step (exported memory `memory`, or the first memory). */
  memory?: MemoryRegion[];
  /** Exported globals after the step. */
  globals?: Record<string, WasmValue>;
  /**
   * `fuel` cases: the addressed instance's remaining fuel units after the step (never below 0:
   * running dry leaves 0). Fuel spent by code that then trapped is gone (bug-catalog #36).
   */
  fuel?: number;
}

/**
 * Where an async call stops (the `pauseAt` of a `call` / `resume` step). Exact by construction,
 * never wall time:
 * - `entry`: the call is created but not started (a future never polled);
 * - `{suspension: k}`: inside the k-th suspendable host call (`trapcheck:host.yield` /
 *   `trapcheck:host.block`) counted from this step, 1-based;
 * - `{fuel: n}`: the budget is set to n units before the call runs (or, on `resume`, added), and
 *   running dry pauses instead of trapping. Units are trapcheck's metering (DESIGN §5 "Fuel").
 */
export type PausePoint = 'entry' | { suspension: number } | { fuel: number };

/** A value crossing a component boundary: `u32` (core i32) or `string` (lowered through `cabi_realloc`). */
export interface ComponentValue {
  type: 'u32' | 'string';
  value: string;
}

interface StepBase {
  /** Which instance the step addresses (`as` of an instantiate step); default: the latest one. */
  instance?: string;
  expect: Expectation;
  /** Source position for spec scripts: `file:line`. */
  at?: string;
}

export type Step =
  | (StepBase & { op: 'instantiate'; module?: number; as?: string })
  | (StepBase & { op: 'invoke'; export: string; args?: WasmValue[] })
  /** Run a WASI command: call `_start`; returning normally is `exit 0`. */
  | (StepBase & { op: 'start' })
  | (StepBase & { op: 'get'; global: string })
  /** Make an instance's exports importable under a module name (spec `register`). */
  | (StepBase & { op: 'register'; as: string })
  /** Decode + validate + link only (spec assert_invalid / assert_malformed / assert_unlinkable). */
  | (StepBase & { op: 'compile'; module: number })
  /**
   * An async call (core instance of a `fuel` / `asyncify` case) or a lifted call (component
   * instance). Without `pauseAt` it runs to the end: suspensions resume at once (`block` returns 0)
   * and running out of fuel traps. `call` names it for later `resume` / `cancel` steps.
   */
  | (StepBase & { op: 'call'; export: string; args?: Array<WasmValue | ComponentValue>; call?: string; pauseAt?: PausePoint })
  /** Continues a suspended call; `value` is what a pending `block` returns (default 0); `fuel` adds budget (default: unlimited). */
  | (StepBase & { op: 'resume'; call: string; value?: number; fuel?: number; pauseAt?: PausePoint })
  /**
   * Abandons a call (a dropped future): `cancelled` if it was pending, `return []` if it had already
   * ended. `reject` (JSPI runtimes only, src/runtime/hosts/jspi-calls.ts): reject the promise the
   * host holds instead of dropping it, so the rejection is thrown into wasm at the suspension point.
   */
  | (StepBase & { op: 'cancel'; call: string; reject?: boolean })
  /** Sets the fuel of the addressed instance (component cases: of the store) to `amount` units. */
  | (StepBase & { op: 'refuel'; amount: number })
  /** wasmtime-legacy profile only: the embedder's explicit `post_return` after a lifted call of `export`. */
  | (StepBase & { op: 'post-return'; export: string });

export type StepOp = Step['op'];

export interface WasiConfig {
  args?: string[];
  env?: string[];
  /** Bytes available on fd 0 (UTF-8). Absent: stdin is empty (EOF). */
  stdin?: string;
  /**
   * fd 0 never reaches EOF: once `stdin` is consumed a read blocks forever, like a pipe whose
   * writer never writes nor closes (wasi-threads' `*_wasi_read` tests need it).
   */
  stdinOpen?: boolean;
  /** wasi-threads: most threads `thread-spawn` may create in this case (default 16); past it, spawn returns a negative error. */
  threadLimit?: number;
  /**
   * Host directories preopened for the guest (wasi-testsuite `dirs` / `root`). A case that has
   * them declares the `wasi-preopens` feature; runtimes without a file system skip it.
   */
  dirs?: Array<{ host: string; guest: string }>;
}

export const COMPONENT_PROFILES = ['spec', 'wasmtime-legacy', 'wasmtime-store'] as const;
/**
 * Which rules a component case is judged by (../shared/reference/instance-semantics.md §7):
 * - `spec`: the Component Model as of CM #705 (Aug 2026, the `may_enter` trap removed): post-return
 *   runs inside the lifted call, a trap locks down the instance that trapped, re-entering an
 *   instance is an ordinary call (rule set `reentrant-2026`, src/component/rules.ts);
 * - `wasmtime-legacy`: wasmtime ≤ 41: the embedder calls `post-return` itself, and a second call
 *   before it traps `cannot enter component instance`; poisoning is per instance;
 * - `wasmtime-store`: wasmtime ≥ 42: post-return is automatic, and any trap (or cancelled call)
 *   poisons every component instance of the store (the case). Both wasmtime profiles keep the
 *   pre-#705 re-entry rule (`may-enter-2025`): wasmtime still traps a re-entering call.
 */
export type ComponentProfile = (typeof COMPONENT_PROFILES)[number];

/** A lifted export: core export `name`, post-return `cabi_post_<name>` when the module exports it. */
export interface ComponentFuncType {
  params: Array<'u32' | 'string'>;
  results: Array<'u32'>;
}

/**
 * What a host import (core import `$root.<name>`, the canonical name of a world-level function
 * import) does when a component calls it. Every import is lowered: it traps `cannot leave
 * component instance` when called from post-return or realloc.
 * - `return`: returns `value` (u32) or nothing;
 * - `throw`: the host function fails with an error (not a wasm trap);
 * - `call`: the host calls the lifted `export` of component instance `instance` (`as` name) with
 *   `args` and returns its result: re-entry when that is the caller (C7: a trap under
 *   `may-enter-2025`, an ordinary call under `reentrant-2026`), a call of another instance otherwise (C8);
 * - `exit`: `wasi:cli/exit.exit` (core import `wasi:cli/exit@0.2.0.exit`): ends the process with 0 (ok) or 1 (err);
 * - `adapter`: not a host function but a fused guest→guest link (wasmtime FACT adapter): the
 *   lowered import is the lifted `export` of component instance `instance`. Lift and lower in the
 *   same instance trap `cannot enter component instance` under `may-enter-2025` and run under
 *   `reentrant-2026` (C10); another
 *   instance is an ordinary cross-component call, whose post-return the adapter runs itself.
 * `call` / `adapter` pass `args` when given, else the import's own arguments.
 */
export type HostImport =
  | { kind: 'return'; value?: number }
  | { kind: 'throw'; message: string }
  | { kind: 'call'; instance: string; export: string; args?: number[] }
  | { kind: 'adapter'; instance: string; export: string; args?: number[] }
  | { kind: 'exit' };

export interface ComponentConfig {
  profile: ComponentProfile;
  exports: Record<string, ComponentFuncType>;
  imports?: Record<string, HostImport & { params: Array<'u32'>; results: Array<'u32'> }>;
}

export type Provenance =
  | { kind: 'generator'; generator: string; version: number; seed: number; path: string; params?: unknown }
  | { kind: 'bug'; title: string; links: string[]; catalog?: number }
  | { kind: 'spec'; file: string; line: number }
  | { kind: 'finding'; generator?: string; seed?: number; path?: string; runtime: string; version: string; date: string }
  | { kind: 'hand-written'; note: string };

export interface Case {
  id: string;
  family: string;
  modules: CaseModule[];
  features: Feature[];
  wasi?: WasiConfig;
  /** Present: every instance of the case is a component instance over its core module (src/component/). */
  component?: ComponentConfig;
  steps: Step[];
  provenance: Provenance;
  /** Coverage labels (trap kind, placement, exit site …) tallied by reports and fuzz stats. */
  tags?: Record<string, string>;
  /** The case file it was loaded from, as shown to people: what a replay line names. */
  file?: string;
  /** Watchdog budget for the whole case. */
  timeoutMs?: number;
}

export const DEFAULT_CASE_TIMEOUT_MS = 5_000;

/** Which step kinds and features a case needs; adapters compare these with their capabilities. */
export function requiredStepOps(c: Case): Set<StepOp> {
  return new Set(c.steps.map((s) => s.op));
}

// the file form and its validation live in ./case-file.ts; importers keep this path
export type { CaseFile } from './case-file.ts';
export { parseCaseFile, toCaseFile } from './case-file.ts';
