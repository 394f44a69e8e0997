/**
 * The races of the thread-race family, each a set of roles (action lists, ./program.ts) that the
 * parameters put on threads:
 * - `two-terminators`: two threads end the process with different outcomes (two exit codes, an
 *   exit and a trap, two trap kinds), optionally after a barrier so both are ready at once;
 * - `trap-vs-notify`: a waiter parks and waits for a notify, then exits with its code; a
 *   notifier sets the flag and notifies; a trapper traps once the waiter is parked;
 * - `exit-vs-sitter`: a terminator ends the process while another thread sits in poll_oneoff, a
 *   timed or an infinite `memory.atomic.wait`, or a read of a stdin that never closes; a timed
 *   sitter that wakes writes a line, ends the process itself (the second end), or waits forever;
 * - `main-returns`: main returns from `_start` (exit 0) while spawned threads still write lines.
 */
import type { Action, Sitter, Terminator } from './program.ts';
import { SITTERS, TERMINATORS, TIMED_SITTERS } from './program.ts';

export const RACES = ['two-terminators', 'trap-vs-notify', 'exit-vs-sitter', 'main-returns'] as const;
export type Race = (typeof RACES)[number];
/** What a timed sitter does when its sleep ends. */
export const WAKES = ['write', 'end', 'wait'] as const;
/** Sleep lengths (ns): short enough to wake while the terminator is still getting ready, and long. */
export const SLEEPS = [1_000_000n, 50_000_000n, 1_000_000_000n] as const;
export const SLEEP_NAMES = ['1ms', '50ms', '1s'] as const;

export interface ThreadRaceParams {
  race: Race;
  /** Terminators (indices into TERMINATORS) of the first and second ending role. */
  ends: [number, number];
  /** proc_exit codes of the first and second ending role (made distinct). */
  codes: [number, number];
  /** Per role: 0 writes nothing, 1 a line to stdout, 2 to stderr, before its decisive action. */
  writes: number[];
  /** Which role main plays (out of range: main only spawns, then `mainTail`). */
  mainPlays: number;
  mainTail: 'block' | 'return';
  /** two-terminators: both park and wait for each other before racing. */
  barrier: boolean;
  sitter: number;
  wake: number;
  sleep: number;
  /** main-returns: lines per writer thread (1–2 each, 1–2 writers), and whether main waits for writer 1. */
  lines: number[];
  mainAwaits: boolean;
}

export const terminatorOf = (i: number): Terminator => TERMINATORS[i % TERMINATORS.length]!;
export const sitterOf = (p: ThreadRaceParams): Sitter => SITTERS[p.sitter % SITTERS.length]!;

/** The two ends, made different outcomes (distinct codes when both exit, distinct trap kinds when both trap). */
export function distinctEnds(p: ThreadRaceParams): [Extract<Action, { op: 'end' }>, Extract<Action, { op: 'end' }>] {
  const a = terminatorOf(p.ends[0]);
  let b = terminatorOf(p.ends[1]);
  if (a === b && a !== 'proc_exit') b = TERMINATORS.find((t) => t !== 'proc_exit' && t !== a)!;
  const codeA = p.codes[0];
  const codeB = a === 'proc_exit' && b === 'proc_exit' && p.codes[1] === codeA ? (codeA % 125) + 1 : p.codes[1];
  return [
    { op: 'end', end: a, code: codeA },
    { op: 'end', end: b, code: codeB },
  ];
}

const line = (role: number, what: string): string => `role ${role} ${what}\n`;
function writeOf(p: ThreadRaceParams, role: number, what: string): Action[] {
  const w = (p.writes[role] ?? 0) % 3;
  return w === 0 ? [] : [{ op: 'write', fd: w === 1 ? 1 : 2, text: line(role, what) }];
}

/** The roles of `p.race`, in order; flags are numbered per race. */
export function roles(p: ThreadRaceParams): Action[][] {
  const [endA, endB] = distinctEnds(p);
  switch (p.race) {
    case 'two-terminators': {
      const ready = (me: number, other: number): Action[] => (p.barrier ? [{ op: 'set', flag: me }, { op: 'await', flag: other }] : []);
      return [
        [...ready(0, 1), ...writeOf(p, 0, 'ends'), endA],
        [...ready(1, 0), ...writeOf(p, 1, 'ends'), endB],
      ];
    }
    case 'trap-vs-notify': {
      // flag 0: the waiter is parked; flag 1: the notify
      const waiterExit: Extract<Action, { op: 'end' }> = { op: 'end', end: 'proc_exit', code: endA.end === 'proc_exit' ? endA.code : endB.code };
      const trap = [endA, endB].find((e) => e.end !== 'proc_exit') ?? { op: 'end', end: 'unreachable', code: 0 };
      return [
        [{ op: 'set', flag: 0 }, { op: 'await', flag: 1 }, ...writeOf(p, 0, 'woke'), waiterExit],
        [{ op: 'await', flag: 0 }, ...writeOf(p, 1, 'notifies'), { op: 'set', flag: 1 }],
        [{ op: 'await', flag: 0 }, ...writeOf(p, 2, 'traps'), trap],
      ];
    }
    case 'exit-vs-sitter': {
      const how = sitterOf(p);
      const timed = TIMED_SITTERS.includes(how);
      const wake = WAKES[p.wake % WAKES.length]!;
      const sit: Action[] = timed
        ? [{ op: 'sit', how: how as 'poll' | 'wait-timeout', ns: SLEEPS[p.sleep % SLEEPS.length]! }]
        : [{ op: 'block', how: how as 'wait' | 'fd-read' }];
      const after: Action[] = !timed ? [] : wake === 'write' ? [{ op: 'write', fd: 1, text: line(0, 'woke') }, { op: 'block', how: 'wait' }] : wake === 'end' ? [endB] : [{ op: 'block', how: 'wait' }];
      return [
        [...writeOf(p, 0, 'sits'), { op: 'set', flag: 0 }, ...sit, ...after],
        [{ op: 'await', flag: 0 }, ...writeOf(p, 1, 'ends'), endA],
      ];
    }
    case 'main-returns': {
      const writers = p.lines.slice(0, 2).map((n, w): Action[] => [
        ...Array.from({ length: 1 + (n % 2) }, (_, j): Action => ({ op: 'write', fd: (p.writes[w] ?? 0) % 3 === 2 ? 2 : 1, text: line(w, `line ${j}`) })),
        { op: 'set', flag: w },
      ]);
      const main: Action[] = [...writeOf(p, writers.length, 'returns'), ...(p.mainAwaits ? [{ op: 'await', flag: 0 } as Action] : []), { op: 'return' }];
      return [...writers, main];
    }
  }
}

/** The role main plays: main-returns' main is its last role; the others as drawn. */
export function mainRole(p: ThreadRaceParams, count: number): number {
  return p.race === 'main-returns' ? count - 1 : p.mainPlays;
}

export { SITTERS, TERMINATORS, TIMED_SITTERS };
