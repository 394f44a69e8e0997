/**
 * What each thread of a thread-race case does, as a list of actions: the one description both the
 * module builder (./module.ts) and the interleaving model (./model.ts) read, so the allowed set is
 * computed from exactly the program the module runs. Every action is one point where another
 * thread can be switched in: a write, an atomic flag store (+ notify), a wait for a flag, a sleep
 * that ends on its own (poll_oneoff clock, timed `memory.atomic.wait`), a block that never ends
 * (infinite wait, read of a stdin that never closes), a spawn, a terminator, main's return.
 */

export const TERMINATORS = ['proc_exit', 'unreachable', 'div-zero', 'oob'] as const;
export type Terminator = (typeof TERMINATORS)[number];
/** What a sitter sits in: timed (ends by itself) or not. */
export const SITTERS = ['poll', 'wait-timeout', 'wait', 'fd-read'] as const;
export type Sitter = (typeof SITTERS)[number];
export const TIMED_SITTERS: readonly Sitter[] = ['poll', 'wait-timeout'];

export type Action =
  | { op: 'spawn'; thread: number; role: number }
  | { op: 'write'; fd: 1 | 2; text: string }
  /** atomic store 1 to the flag, then notify every waiter */
  | { op: 'set'; flag: number }
  /** atomic waits (no timeout) until the flag is set */
  | { op: 'await'; flag: number }
  /** a timed sleep; the thread goes on when it ends */
  | { op: 'sit'; how: 'poll' | 'wait-timeout'; ns: bigint }
  /** never returns */
  | { op: 'block'; how: 'wait' | 'fd-read' }
  /** ends the process: proc_exit(code), or a trap */
  | { op: 'end'; end: Terminator; code: number }
  /** main returns from `_start`: the process exits 0 (wasi-threads) */
  | { op: 'return' };

/** Thread 0 is main; spawned thread i runs role `roles[i - 1]`'s actions. */
export interface RaceProgram {
  main: Action[];
  /** The actions of each spawned thread, by thread number - 1. */
  threads: Action[][];
  /** Some thread reads stdin: the case keeps it open (a read then blocks forever). */
  readsStdin: boolean;
}

/**
 * Puts roles on threads: main plays role `mainPlays` (none when out of range) after spawning every
 * other role; a main that plays none ends with `tail` (block forever, or return while the others run).
 * A main whose role finishes without ending the process blocks forever (its return would end it).
 */
export function assign(roles: Action[][], mainPlays: number, tail: 'block' | 'return'): RaceProgram {
  const spawned = roles.flatMap((r, i) => (i === mainPlays ? [] : [{ role: i, actions: r }]));
  const main: Action[] = spawned.map((s, j) => ({ op: 'spawn', thread: j + 1, role: s.role }));
  const own = roles[mainPlays];
  if (own) main.push(...own);
  if (!own || !ends(own)) main.push(own || tail === 'block' ? { op: 'block', how: 'wait' } : { op: 'return' });
  const all = [main, ...spawned.map((s) => s.actions)];
  return { main, threads: spawned.map((s) => s.actions), readsStdin: all.some((a) => a.some((x) => x.op === 'block' && x.how === 'fd-read')) };
}

/** The actions end the thread for good (a terminator, a block, a return): nothing follows. */
function ends(actions: readonly Action[]): boolean {
  const last = actions[actions.length - 1];
  return last !== undefined && (last.op === 'end' || last.op === 'block' || last.op === 'return');
}
