/**
 * A schedule of a wasi-threads process under the scheduler (DESIGN §5 "Threads"): which thread
 * runs at each *decision point* (a switch point where two or more threads could run).
 *
 * Token (printed with a failure, given back with `--schedule`):
 *   `SEED`            PCT-style from the seed: a random priority per thread, DEPTH-1 change points
 *   `SEED@T:N,T:N…`   the exact choice list a run made: thread T at the next N decision points
 *                     (`SEED@` = no decision point at all); replaying it follows the list, and
 *                     past its end (or where a listed thread cannot run) the fallback below.
 * The seed part of a recorded token is informational: the list alone reproduces the run.
 *
 * PCT (Burckhardt et al., ASPLOS 2010): the highest-priority runnable thread runs; at each of
 * d-1 change points (event numbers drawn from the seed) the running thread drops below every
 * other. Pure TypeScript, no wall clock: same token ⇒ same choices.
 */
import { usageError } from '../../../errors.ts';
import { caseSeed, createRng } from '../../../random.ts';

/** Bug depth d of PCT: d-1 change points. */
export const PCT_DEPTH = 3;
/**
 * Change points are drawn among the first 8, 16, 32 or 64 events (by seed): PCT wants the number
 * of events of the run, which is not known before it runs; cycling the scale lets a set of seeds
 * preempt both short runs (a thread-panic case has a few dozen events) and longer ones.
 */
export const PCT_HORIZONS = [8, 16, 32, 64] as const;

export interface ScheduleToken {
  seed: number;
  /** Explicit choices (thread ids in decision order); absent: PCT from the seed. */
  choices?: number[];
}

/** The default schedule seed of a case (`--schedules N` uses variants 0..N-1): from its id only. */
export function scheduleSeed(caseId: string, variant = 0): number {
  return caseSeed(variant, `schedule:${caseId}`, 0);
}

export function parseSchedule(text: string): ScheduleToken {
  const m = /^(\d+)(?:@((?:\d+:\d+(?:,\d+:\d+)*)?))?$/.exec(text.trim());
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw usageError(`--schedule must look like \`SEED\` or \`SEED@T:N,T:N\` (e.g. \`7@0:3,1:2\`), got \`${text}\``);
  const seed = Number(m[1]);
  if (m[2] === undefined && !text.includes('@')) return { seed };
  const choices: number[] = [];
  for (const run of (m[2] ?? '').split(',').filter(Boolean)) {
    const [t, n] = run.split(':').map(Number) as [number, number];
    if (t > 1000 || n > 1_000_000) throw usageError(`--schedule: run \`${run}\` is out of range`);
    for (let i = 0; i < n; i++) choices.push(t);
  }
  return { seed, choices };
}

/** `SEED@T:N,…`, run-length encoded. */
export function formatSchedule(seed: number, choices: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < choices.length; ) {
    let j = i;
    while (j < choices.length && choices[j] === choices[i]) j++;
    runs.push(`${choices[i]}:${j - i}`);
    i = j;
  }
  return `${seed}@${runs.join(',')}`;
}

/** Number of context switches in a choice list (the shrinker minimises it). */
export function switchesOf(choices: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < choices.length; i++) if (choices[i] !== choices[i - 1]) n++;
  return n;
}

/** Picks the thread to run at a decision point. */
export interface Chooser {
  /** A thread came to life (priorities are assigned in spawn order: deterministic). */
  spawned(tid: number): void;
  /**
   * `eligible` (ascending, ≥ 2 entries) may run; `current` ran last (-1: none can continue);
   * `event` numbers scheduling events; `demote` asks to move `current` off the CPU (fairness
   * after a bounded run of loop headers).
   */
  choose(eligible: readonly number[], current: number, event: number, demote: boolean): number;
}

/** PCT priorities with change points; a demoted thread drops below every other. */
export class PctChooser implements Chooser {
  private readonly rng: () => number;
  private readonly priority = new Map<number, number>();
  private readonly changeAt = new Set<number>();
  private low = 0;

  constructor(seed: number, depth = PCT_DEPTH) {
    this.rng = createRng(seed);
    const horizon = PCT_HORIZONS[this.rng() % PCT_HORIZONS.length]!;
    for (let i = 0; i < depth - 1; i++) this.changeAt.add(1 + (this.rng() % horizon));
  }

  spawned(tid: number): void {
    // distinct priorities ≥ 1; ties broken by tid
    this.priority.set(tid, 1 + (this.rng() % 1_000_000) + tid / 1024);
  }

  choose(eligible: readonly number[], current: number, event: number, demote: boolean): number {
    if (current >= 0 && (demote || this.changeAt.has(event))) this.priority.set(current, --this.low);
    let best = eligible[0]!;
    for (const t of eligible) if ((this.priority.get(t) ?? 0) > (this.priority.get(best) ?? 0)) best = t;
    return best;
  }
}

/**
 * Follows a recorded choice list; past its end, or when the listed thread cannot run, the
 * current thread keeps running (round-robin to the next tid when demoted or blocked): the
 * fewest switches, which is what a shrunk list falls back to.
 */
export class ReplayChooser implements Chooser {
  private at = 0;
  constructor(private readonly choices: readonly number[]) {}

  spawned(): void {}

  choose(eligible: readonly number[], current: number, _event: number, demote: boolean): number {
    const listed = this.choices[this.at++];
    if (listed !== undefined && eligible.includes(listed)) return listed;
    if (current >= 0 && !demote && eligible.includes(current)) return current;
    return eligible.find((t) => t > current) ?? eligible[0]!;
  }
}

export function chooserFor(token: ScheduleToken): Chooser {
  return token.choices ? new ReplayChooser(token.choices) : new PctChooser(token.seed);
}
