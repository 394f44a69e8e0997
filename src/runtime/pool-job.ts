/**
 * The pool's unit of work: a job is a chunk of cases one worker runs in one message, with a
 * target per case for its observation. The queue hands out job ids: a worker's progress word
 * names the job it is on, so ids must never repeat within a pool.
 */
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { PackedCases } from './packed.ts';
import type { PoolCase } from './pool-case.ts';
import { P_CASE, P_JOB } from './progress.ts';
import type { Progress } from './progress.ts';

export interface Job {
  id: number;
  /** The cases; for a packed job, unpacked only when the supervisor needs them (a lost worker). */
  cases: PoolCase[] | undefined;
  /** The cases as bytes (runPacked). */
  packed?: PackedCases;
  /** Where each case's observation goes. */
  targets: Array<(obs: Observation) => void>;
  maxSteps?: number;
  /** Times this job was lost to a worker death that no case can be blamed for. */
  unattributed: number;
  /**
   * For jobs with wasi-threads cases: until when dispatch waits for warm thread workers. A cold
   * thread worker must start and load its code before a spawned thread runs, and under load that
   * took seconds: counted against a case's watchdog budget it turned deadlocks into timeouts.
   */
  holdUntil?: number;
}

/** The cases of one run()/runPacked() call: their observations in order, resolved when the last arrives. */
export class Batch {
  private readonly results: Array<Observation | undefined>;
  private pending: number;

  constructor(
    size: number,
    private readonly resolve: (obs: Observation[]) => void,
  ) {
    this.results = new Array(size);
    this.pending = size;
  }

  /** Where the observation of case `index` goes; the first one it gets stands. */
  target(index: number): (obs: Observation) => void {
    return (obs) => this.settle(index, obs);
  }

  private settle(index: number, obs: Observation): void {
    if (this.results[index] !== undefined) return;
    this.results[index] = obs;
    if (--this.pending === 0) this.resolve(this.results as Observation[]);
  }
}

/** Every case of the job observes `outcome` as its only step (the job cannot run). */
export function endJob(job: Job, outcome: Outcome): void {
  job.targets.forEach((t) => t({ steps: [{ outcome }], stdout: '', stderr: '' }));
}

/** The watchdog's question: the budget of the case `job`'s worker is on, if the case has run past it at `now`. */
export function overrunBudget(job: Job, progress: Progress, now: number): number | undefined {
  const { words, times } = progress;
  if (Atomics.load(words, P_JOB) !== job.id) return undefined;
  const idx = Atomics.load(words, P_CASE);
  if (idx < 0) return undefined;
  const budget = (job.packed ? job.packed.timeouts[idx] : job.cases![idx]?.timeoutMs) ?? DEFAULT_CASE_TIMEOUT_MS;
  return now - times[0]! <= budget ? undefined : budget;
}

/** Jobs waiting for a worker, in order; retries and recoveries go to the front. */
export class JobQueue {
  private readonly jobs: Job[] = [];
  private nextId = 1;

  /** A fresh job id. */
  newId(): number {
    return this.nextId++;
  }

  get length(): number {
    return this.jobs.length;
  }

  push(job: Job): void {
    this.jobs.push(job);
  }

  unshift(job: Job): void {
    this.jobs.unshift(job);
  }

  /** Removes and returns the first job that `ready` accepts. */
  takeFirst(ready: (job: Job) => boolean): Job | undefined {
    const next = this.jobs.findIndex(ready);
    return next < 0 ? undefined : this.jobs.splice(next, 1)[0]!;
  }

  /** Removes and returns every job. */
  drain(): Job[] {
    return this.jobs.splice(0);
  }
}
