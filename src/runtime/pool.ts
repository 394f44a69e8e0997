/**
 * The reference runtime's worker pool (DESIGN §5 "Isolation"): pre-warmed worker_threads run
 * chunks of cases; this thread only supervises and never runs wasm. A watchdog reads each
 * worker's progress word on a timer; a worker stuck on a case past its budget is terminated
 * and replaced, that case observes `timeout` at the step it was running, and the rest of its
 * chunk runs again elsewhere (cases are deterministic). A worker that dies gives `crash` for
 * the case it was running. The host process survives infinite loops, stack overflows,
 * proc_exit, 4 GiB memories and worker OOM.
 *
 * Observations of the steps before a hung step were lost with the worker, so the supervisor
 * recovers them by re-running that case's prefix (steps before the hung one) on a healthy worker
 * (pool-recovery.ts). Spawned wasm threads run on thread workers (pool-thread-workers.ts).
 *
 * A packed chunk (runPacked: a child process serving its parent) goes to one worker as bytes;
 * this thread unpacks it only if a worker is lost under it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Case } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { PackedCases } from './packed.ts';
import { ownBuffer } from './packed.ts';
import type { PoolCase } from './pool-case.ts';
import { toPoolCase } from './pool-case.ts';
import type { Job } from './pool-job.ts';
import { Batch, endJob, JobQueue, overrunBudget } from './pool-job.ts';
import { requeueLostJob } from './pool-recovery.ts';
import type { ThreadOwner, ThreadSlot } from './pool-thread-workers.ts';
import { ThreadWorkers } from './pool-thread-workers.ts';
import type { WorkerSettings } from './pool-worker-start.ts';
import { startWorker } from './pool-worker-start.ts';
import { P_CASE, PROGRESS_BYTES, progressView, wallMs } from './progress.ts';
import type { Progress } from './progress.ts';
import type { RunMessage, WorkerReply } from './worker.ts';

// these were declared here: their importers keep this path
export type { PoolCase } from './pool-case.ts';
export { toPoolCase } from './pool-case.ts';

export interface PoolOptions {
  /** Number of workers; default `os.availableParallelism()`. */
  workers?: number;
  /** Watchdog period in ms (default 10). */
  tickMs?: number;
  /** Largest chunk of cases sent in one message (default 64). */
  maxChunk?: number;
  /** V8 heap limit of each worker in MB (default 1024): a runaway worker dies alone. */
  maxOldGenerationSizeMb?: number;
  /** Stack of each worker thread in MB (default 0.5; see the constructor for why). */
  stackSizeMb?: number;
  /** Alternative worker entry (plain JS that loads runtime/worker.ts); tests use it to inject faults. */
  workerUrl?: URL;
}

/** A case worker. */
interface Slot extends ThreadOwner {
  worker: Worker;
  progress: Progress;
  ready: boolean;
  job: Job | undefined;
  /** Set when we terminated it on purpose (watchdog, close). */
  retired: boolean;
  error: string | undefined;
  /** Thread workers currently running spawned threads of this slot's case. */
  threads: Set<ThreadSlot>;
}

export interface PoolStats {
  /** Case workers (always `size` while the pool is open). */
  workers: number;
  /** Thread workers, idle or busy. */
  threadWorkers: number;
  /** Thread workers running a spawned thread right now. */
  busyThreadWorkers: number;
}

const WORKER_URL = new URL('./worker-entry.js', import.meta.url);

export class WorkerPool {
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly queue = new JobQueue();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;
  private readonly maxChunk: number;
  private readonly settings: WorkerSettings;
  private closed = false;
  private readonly threads: ThreadWorkers;
  private startFailures = 0;
  private lastStartError = '';

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? availableParallelism());
    this.tickMs = options.tickMs ?? 10;
    this.maxChunk = options.maxChunk ?? 64;
    this.settings = {
      url: options.workerUrl ?? WORKER_URL,
      heapMb: options.maxOldGenerationSizeMb ?? 1024,
      // Stack exhaustion costs time proportional to the stack: every overflow case walks it to the
      // end. 0.5 MB still holds the controls' 2,000-deep recursion and every spec script's deep
      // calls, and makes overflow cases ~2× cheaper than Node's ~1 MB (3,049 → 3,699 cases/s).
      stackMb: options.stackSizeMb ?? 0.5,
    };
    this.threads = new ThreadWorkers(this.settings, this.size, { closed: () => this.closed, ready: () => this.dispatch() });
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  /** Runs cases across the pool; one observation per case, in order. */
  run(cases: readonly (Case | PoolCase)[]): Promise<Observation[]> {
    if (this.closed) return Promise.reject(new Error('reference runtime: the pool is closed'));
    if (cases.length === 0) return Promise.resolve([]);
    return new Promise<Observation[]>((resolve) => {
      const batch = new Batch(cases.length, resolve);
      const chunk = Math.max(1, Math.min(this.maxChunk, Math.ceil(cases.length / (this.size * 4))));
      for (let start = 0; start < cases.length; start += chunk) {
        const job: Job = { id: this.queue.newId(), cases: [], targets: [], unattributed: 0 };
        for (let i = start; i < Math.min(cases.length, start + chunk); i++) {
          const pc = toPoolCase(cases[i]!);
          if (pc.threads && pc.schedule === 'real') this.threads.warmFor(job); // the scheduler needs no thread workers
          job.cases!.push(pc);
          job.targets.push(batch.target(i));
        }
        this.queue.push(job);
      }
      this.dispatch();
    });
  }

  /**
   * Runs a packed chunk (runtime/packed.ts) as one job: one worker, one message each way. Same
   * guarantees as `run`: a hung or crashed case gets its outcome, the rest run again.
   */
  runPacked(packed: PackedCases): Promise<Observation[]> {
    if (this.closed) return Promise.reject(new Error('reference runtime: the pool is closed'));
    const n = packed.timeouts.length;
    if (n === 0) return Promise.resolve([]);
    return new Promise<Observation[]>((resolve) => {
      const batch = new Batch(n, resolve);
      // bytes of their own: a view into an IPC message would clone the whole message buffer
      const own: PackedCases = { ...packed, bytes: ownBuffer(packed.bytes) };
      const job: Job = { id: this.queue.newId(), cases: undefined, packed: own, targets: [], unattributed: 0 };
      for (let i = 0; i < n; i++) job.targets.push(batch.target(i));
      if (own.threads) this.threads.warmFor(job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    const crash: Outcome = { kind: 'crash', detail: 'reference runtime closed while the case was running' };
    for (const job of this.queue.drain()) endJob(job, crash);
    const workers: Worker[] = [];
    for (const s of this.slots) {
      s.retired = true;
      if (s.job) endJob(s.job, crash);
      s.job = undefined;
      workers.push(s.worker);
    }
    this.slots.clear();
    workers.push(...this.threads.retireAll());
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Worker counts (tests check that a threads case leaves no worker of it behind). */
  stats(): PoolStats {
    return { workers: this.slots.size, ...this.threads.counts() };
  }

  // --- case workers ----------------------------------------------------------------------------

  private spawn(): void {
    const sab = new SharedArrayBuffer(PROGRESS_BYTES);
    const progress = progressView(sab);
    progress.words[P_CASE] = -1;
    const worker = startWorker(this.settings, { progress: sab });
    const slot: Slot = { worker, progress, ready: false, job: undefined, retired: false, error: undefined, threads: new Set() };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => {
      slot.error = `${e.name}: ${e.message}${'code' in e ? ` (${String((e as { code: unknown }).code)})` : ''}`;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (slot.retired) return;
    if (m.type === 'spawn') {
      this.threads.spawn(slot, m);
      return;
    }
    if (m.type === 'ready') {
      slot.ready = true;
      this.startFailures = 0;
      this.dispatch();
      return;
    }
    if (m.type !== 'done') return;
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    slot.job = undefined;
    slot.worker.unref();
    // every spawned thread of the job's cases has unwound (main waited for them): release their workers
    if (slot.threads.size) this.threads.drop(slot, false);
    m.observations.forEach((obs, i) => job.targets[i]!(obs));
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.retired || !this.slots.has(slot)) return;
    this.slots.delete(slot);
    const detail = `worker died (exit code ${code}${slot.error ? `; ${slot.error}` : ''})`;
    if (!slot.ready) {
      this.startFailures++;
      this.lastStartError = detail;
    }
    const job = slot.job;
    slot.job = undefined;
    this.threads.drop(slot, true);
    if (job) requeueLostJob(this.queue, job, slot.progress, { kind: 'crash', detail });
    if (this.closed) return;
    if (this.startFailures >= 3) {
      // the worker cannot even load: fail everything instead of respawning forever
      const crash: Outcome = { kind: 'crash', detail: `reference runtime worker failed to start: ${this.lastStartError}` };
      for (const j of this.queue.drain()) endJob(j, crash);
      for (const s of this.slots) if (s.job) requeueLostJob(this.queue, s.job, s.progress, crash);
      return;
    }
    this.spawn();
    this.dispatch();
  }

  // --- scheduling ------------------------------------------------------------------------------

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || slot.retired) continue;
      const job = this.queue.takeFirst((j) => this.threads.warmEnoughFor(j));
      if (!job) break;
      slot.job = job;
      slot.worker.ref();
      // packed bytes are cloned, not transferred: this thread keeps them in case the worker is lost
      const msg: RunMessage = { type: 'run', id: job.id, cases: job.packed ? job.packed.bytes : job.cases! };
      if (job.maxSteps !== undefined) msg.maxSteps = job.maxSteps;
      slot.worker.postMessage(msg);
    }
    if (this.busy()) this.startTimer();
    else this.stopTimer();
  }

  private busy(): boolean {
    if (this.queue.length > 0) return true;
    for (const s of this.slots) if (s.job) return true;
    return false;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.watch(), this.tickMs);
  }

  private stopTimer(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The watchdog tick: a few shared-memory reads per busy worker. */
  private watch(): void {
    this.dispatch(); // a threads job whose warm-up wait ran out
    const now = wallMs();
    for (const slot of this.slots) {
      const job = slot.job;
      if (!job) continue;
      const budget = overrunBudget(job, slot.progress, now);
      if (budget === undefined) continue;
      // stuck: retire the worker, blame the case, replace the worker
      slot.retired = true;
      slot.job = undefined;
      this.slots.delete(slot);
      void slot.worker.terminate();
      this.threads.drop(slot, true);
      requeueLostJob(this.queue, job, slot.progress, { kind: 'timeout', budgetMs: budget });
      this.spawn();
    }
    this.dispatch();
  }
}
