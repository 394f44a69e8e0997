/**
 * The parameters of a thread-panic case: who terminates, who stands by, the operands of the
 * terminating instruction, and the transparent contexts around the sites (plain JSON data).
 */
import type { ContextParams } from '../contexts/index.ts';
import type { BoundaryDraw, Drawn } from '../values.ts';

export const TERMINATORS = ['unreachable', 'div-zero', 'overflow', 'oob', 'stack', 'unaligned', 'proc_exit'] as const;
export type Terminator = (typeof TERMINATORS)[number];
export const BYSTANDERS = ['wait', 'join', 'busy', 'sleep', 'stdin', 'finished'] as const;
export type Bystander = (typeof BYSTANDERS)[number];
export const SCENARIOS = ['terminate', 'clean', 'spawn-fail', 'deadlock'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const DEADLOCK_KINDS = ['wait', 'join-cycle', 'stdin', 'timed-then-wait'] as const;

export const COMBOS: readonly string[] = TERMINATORS.flatMap((t) => BYSTANDERS.map((b) => `${t}×${b}`));

/** Where an in-bounds misaligned atomic access sits: from address 0, a thread's scratch area, a power of two, the end of memory. */
export const MISALIGNED_BASES = ['zero', 'scratch', 'pow2', 'page-end'] as const;

/** The operands of the terminating instruction (each terminator reads the ones it needs). */
export interface TrapOperands {
  /** div-zero / overflow: i64 operands instead of i32. */
  wide: boolean;
  /** div-zero: div_s, div_u, rem_s, rem_u (all trap on a zero divisor). */
  divOp: number;
  dividend32: Drawn<number>;
  dividend64: Drawn<string>;
  /** oob: the address, around the end of memory, and the access width (1, 2, 4 or 8 bytes, by index). */
  address: BoundaryDraw;
  access: number;
  /** unaligned: an in-bounds atomic access `by` bytes past an aligned base (width 2, 4 or 8, by index). */
  misaligned: { base: (typeof MISALIGNED_BASES)[number]; k: number; by: number; access: number };
}

/** Where a case's context goes (see ThreadContexts). */
export const CONTEXT_AT = ['site', 'entry', 'main', 'all'] as const;

/**
 * The context around the sites (generators/contexts/), at `at`: `site` where the outcome is
 * decided (the terminating instruction's function, or main's `_start` when no thread
 * terminates), `entry` the terminator's thread entry (`wasi_thread_start` when main terminates or
 * nobody does), `main` main's `_start`, or `all` of them (each function once: main may be the site).
 * One context per case: drawing one costs about as much as building the rest of the case.
 */
export interface ThreadContexts {
  at: (typeof CONTEXT_AT)[number];
  context: ContextParams;
}

export interface ThreadPanicParams {
  scenario: Scenario;
  /** Index into COMBOS: the terminator kind and the primary bystander's kind. */
  combo: number;
  /** Spawned threads (1..4). */
  threads: number;
  terminatorInMain: boolean;
  /** Kinds of the other bystanders (indices into BYSTANDERS, cycled). */
  others: number[];
  /** proc_exit's code (raw u32: the ordinary 2..125 and the contested edges). */
  code: number;
  operands: TrapOperands;
  /** Loop iterations the terminator runs after everyone parked ("a random point"). */
  work: number;
  /** Call depth of the terminating instruction. */
  depth: number;
  /** The terminator writes a line first (stdout, or stderr when odd). */
  write: number;
  /** Which import names the shared memory uses. */
  memName: number;
  /** Iterations of a busy bystander. */
  busy: number;
  /** spawn-fail: the case's thread limit. */
  limit: number;
  deadlock: number;
  /** None: every function as generated (about one case in eight). */
  contexts: ThreadContexts | null;
}
