/**
 * The scheduler of one wasi-threads process (DESIGN §5 "Threads"): which thread runs, who is
 * blocked on what, and the process's one virtual clock. It decides; ./process.ts switches.
 *
 * Exactly one thread runs at a time (`current`). Threads switch only at the switch points the
 * instrumentation makes observable (atomic wait/notify, WASI calls, spawn, thread exit, and every
 * LOOP_QUANTUM-th consecutive loop header of one thread, so a spinning thread cannot starve the
 * others). At each point where two or more threads could run, the Chooser picks and the choice is
 * recorded: the list replays the run exactly.
 *
 * Blocking: when no thread can run, virtual time jumps to the earliest deadline (a timed wait or a
 * poll_oneoff sleep of any thread) and that thread wakes timed out; with no deadline left every
 * live thread is blocked forever: `deadlock`, decided at once and exactly.
 */
import type { Chooser } from './schedule.ts';

/** Consecutive loop headers of one thread between two switch points. */
export const LOOP_QUANTUM = 64;

export type ThreadState = 'runnable' | 'waiting' | 'sleeping' | 'stuck' | 'done';

export interface SchedThread {
  tid: number;
  state: ThreadState;
  /** `waiting`: the effective address it waits on. */
  addr: number;
  /** `waiting` (timed) or `sleeping`: virtual ns it wakes at; -1n: no deadline. */
  deadline: bigint;
  /** Order of blocking (notify wakes the oldest; equal deadlines wake in this order). */
  seq: number;
  /** The wait's result once woken: 0 notified, 2 timed out. */
  result: number;
  /** Loop headers since the last switch point. */
  polls: number;
}

/** Nothing can ever run again: every live thread is blocked with no deadline. */
export const DEADLOCK = -1;

export class Scheduler {
  readonly threads = new Map<number, SchedThread>();
  /** The one virtual clock of the process (ns since the process started). */
  now = 0n;
  current = 0;
  /** Decision points so far, with the thread chosen at each. */
  readonly choices: number[] = [];
  /** When set (a DFS probe, ./dfs.ts): the threads that could run at each decision point. */
  eligibleLog: number[][] | undefined;
  private events = 0;
  private seq = 0;

  constructor(private readonly chooser: Chooser) {
    this.add(0);
  }

  add(tid: number): SchedThread {
    const t: SchedThread = { tid, state: 'runnable', addr: 0, deadline: -1n, seq: 0, result: 0, polls: 0 };
    this.threads.set(tid, t);
    this.chooser.spawned(tid);
    return t;
  }

  thread(tid: number): SchedThread {
    return this.threads.get(tid)!;
  }

  /**
   * A switch point of the running thread (still runnable). Returns the thread to run next and
   * makes it `current`; `demote` moves the running thread off the CPU when another can run.
   */
  point(demote = false): number {
    this.thread(this.current).polls = 0;
    return this.pick(this.current, demote);
  }

  /** A loop header: every LOOP_QUANTUM-th consecutive one is a switch point that demotes. */
  loopHeader(): number {
    const t = this.thread(this.current);
    if (++t.polls < LOOP_QUANTUM) return this.current;
    return this.point(true);
  }

  /** The running thread blocks (its state already set); returns the next thread or DEADLOCK. */
  blocked(): number {
    const t = this.thread(this.current);
    t.seq = ++this.seq;
    t.polls = 0;
    return this.pick(-1, false);
  }

  /** The running thread ended; returns the next thread or DEADLOCK (none left: DEADLOCK too, but see `live`). */
  finished(): number {
    this.thread(this.current).state = 'done';
    return this.pick(-1, false);
  }

  /** Threads (main included) that have not finished. */
  get live(): number {
    let n = 0;
    for (const t of this.threads.values()) if (t.state !== 'done') n++;
    return n;
  }

  /** Wakes up to `count` threads waiting on `addr`, oldest first; returns how many. */
  notify(addr: number, count: number): number {
    let woken = 0;
    while (woken < count) {
      let best: SchedThread | undefined;
      for (const t of this.threads.values()) if (t.state === 'waiting' && t.addr === addr && (!best || t.seq < best.seq)) best = t;
      if (!best) break;
      this.wake(best, 0);
      woken++;
    }
    return woken;
  }

  private wake(t: SchedThread, result: number): void {
    t.state = 'runnable';
    t.result = result;
    t.deadline = -1n;
  }

  /** `previous` can still run (-1: it cannot); chooses among the runnable, advancing time when none is. */
  private pick(previous: number, demote: boolean): number {
    this.expire();
    let eligible = this.runnable();
    if (eligible.length === 0) {
      if (!this.advanceClock()) return DEADLOCK;
      eligible = this.runnable();
    }
    this.events++;
    let next: number;
    if (eligible.length === 1) next = eligible[0]!;
    else {
      next = this.chooser.choose(eligible, previous, this.events, demote);
      this.choices.push(next);
      this.eligibleLog?.push(eligible);
    }
    this.current = next;
    return next;
  }

  private runnable(): number[] {
    const out: number[] = [];
    for (const t of this.threads.values()) if (t.state === 'runnable') out.push(t.tid);
    return out.sort((a, b) => a - b);
  }

  /** Every wait or sleep whose deadline has passed (another thread moved the clock) times out. */
  private expire(): void {
    for (const t of this.threads.values()) if ((t.state === 'waiting' || t.state === 'sleeping') && t.deadline >= 0n && t.deadline <= this.now) this.wake(t, 2);
  }

  /** No thread can run: the earliest deadline passes (virtual time jumps there). False: none. */
  private advanceClock(): boolean {
    let first: SchedThread | undefined;
    for (const t of this.threads.values())
      if ((t.state === 'waiting' || t.state === 'sleeping') && t.deadline >= 0n && (!first || t.deadline < first.deadline || (t.deadline === first.deadline && t.seq < first.seq))) first = t;
    if (!first) return false;
    if (first.deadline > this.now) this.now = first.deadline;
    this.wake(first, 2);
    return true;
  }
}
