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
 * recovers them by re-running that case's prefix (steps before the hung one) on a healthy worker.
 *
 * A packed chunk (runPacked: a child process serving its parent) goes to one worker as bytes;
 * this thread unpacks it only if a worker is lost under it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { RunnableCase } from './exec.ts';
import type { PackedCases } from './packed.ts';
import { ownBuffer, unpackChunk } from './packed.ts';
import { P_CASE, P_JOB, P_STEP, PROGRESS_BYTES, progressView, wallMs } from './progress.ts';
import type { Progress } from './progress.ts';
import type { SpawnRequest } from './threads/imports.ts';
import type { RunMessage, ThreadMessage, WorkerReply } from './worker.ts';
import { ProcessControl } from './threads/control.ts';

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

/** A case as the pool ships it: no WAT text, no provenance; bytes in their own buffer. */
export interface PoolCase extends RunnableCase {
  timeoutMs?: number;
}

interface Batch {
  results: Array<Observation | undefined>;
  pending: number;
  resolve: (obs: Observation[]) => void;
}

interface Job {
  id: number;
  /** The cases; for a packed job, unpacked only when this thread needs them (a lost worker). */
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

/** How long a threads job may wait for warm thread workers before it runs anyway. */
const THREAD_WARMUP_MS = 30_000;
/**
 * Thread workers a threads job waits for: one case spawns up to four threads (thread-panic), and
 * each cold worker a spawn meets costs its case seconds of its budget under load (a child
 * process's pool has one case worker, so `size * 2` alone meant two).
 */
const WARM_THREADS_PER_CASE = 4;

interface Slot {
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

/**
 * A pooled worker for spawned wasm threads (wasi-threads). Created on first need, kept warm and
 * reused; owned by the main slot whose case spawned the thread for as long as it runs.
 */
interface ThreadSlot {
  worker: Worker;
  ready: boolean;
  retired: boolean;
  error: string | undefined;
  /** The current assignment (undefined: idle). */
  token: number | undefined;
  owner: Slot | undefined;
  req: SpawnRequest | undefined;
  /** Sent once the worker is ready. */
  pending: ThreadMessage | undefined;
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

export function toPoolCase(c: Case | PoolCase): PoolCase {
  const out: PoolCase = {
    id: c.id,
    modules: c.modules.map((m) => ({ bytes: m.bytes.byteLength === m.bytes.buffer.byteLength ? m.bytes : m.bytes.slice() })),
    steps: c.steps,
  };
  if (c.wasi) out.wasi = c.wasi;
  if (c.timeoutMs !== undefined) out.timeoutMs = c.timeoutMs;
  if ('features' in c ? c.features.includes('wasi-threads') : c.threads) out.threads = true;
  const schedule = 'features' in c ? c.tags?.['schedule'] : c.schedule;
  if (schedule !== undefined) out.schedule = schedule;
  if ('features' in c ? c.features.includes('lunatic') : c.lunatic) out.lunatic = true;
  if ('features' in c ? c.features.includes('fuel') : c.fuel) out.fuel = true;
  if ('features' in c ? c.features.includes('asyncify') : c.asyncify) out.asyncify = true;
  if (c.component) out.component = c.component;
  return out;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly batches = new Set<Batch>();
  private nextJob = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;
  private readonly maxChunk: number;
  private readonly heapMb: number;
  private readonly workerUrl: URL;
  private readonly stackMb: number;
  private closed = false;
  private readonly threadSlots = new Set<ThreadSlot>();
  private nextToken = 1;
  private startFailures = 0;
  private lastStartError = '';

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? availableParallelism());
    this.tickMs = options.tickMs ?? 10;
    this.maxChunk = options.maxChunk ?? 64;
    this.heapMb = options.maxOldGenerationSizeMb ?? 1024;
    this.workerUrl = options.workerUrl ?? WORKER_URL;
    // Stack exhaustion costs time proportional to the stack: every overflow case walks it to the
    // end. 0.5 MB still holds the controls' 2,000-deep recursion and every spec script's deep
    // calls, and makes overflow cases ~2× cheaper than Node's ~1 MB (3,049 → 3,699 cases/s).
    this.stackMb = options.stackSizeMb ?? 0.5;
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  /** Runs cases across the pool; one observation per case, in order. */
  run(cases: readonly (Case | PoolCase)[]): Promise<Observation[]> {
    if (this.closed) return Promise.reject(new Error('reference runtime: the pool is closed'));
    if (cases.length === 0) return Promise.resolve([]);
    return new Promise<Observation[]>((resolve) => {
      const batch: Batch = { results: new Array(cases.length), pending: cases.length, resolve };
      this.batches.add(batch);
      const chunk = Math.max(1, Math.min(this.maxChunk, Math.ceil(cases.length / (this.size * 4))));
      for (let start = 0; start < cases.length; start += chunk) {
        const job: Job = { id: this.nextJob++, cases: [], targets: [], unattributed: 0 };
        for (let i = start; i < Math.min(cases.length, start + chunk); i++) {
          const pc = toPoolCase(cases[i]!);
          if (pc.threads && pc.schedule === 'real') this.warmThreads(job); // the scheduler needs no thread workers
          job.cases!.push(pc);
          job.targets.push((obs) => this.settle(batch, i, obs));
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
      const batch: Batch = { results: new Array(n), pending: n, resolve };
      this.batches.add(batch);
      // bytes of their own: a view into an IPC message would clone the whole message buffer
      const own: PackedCases = { ...packed, bytes: ownBuffer(packed.bytes) };
      const job: Job = { id: this.nextJob++, cases: undefined, packed: own, targets: [], unattributed: 0 };
      for (let i = 0; i < n; i++) job.targets.push((obs) => this.settle(batch, i, obs));
      if (own.threads) this.warmThreads(job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    const crash: Outcome = { kind: 'crash', detail: 'reference runtime closed while the case was running' };
    for (const job of this.queue.splice(0)) job.targets.forEach((t) => t({ steps: [{ outcome: crash }], stdout: '', stderr: '' }));
    const workers: Worker[] = [];
    for (const s of this.slots) {
      s.retired = true;
      if (s.job) s.job.targets.forEach((t) => t({ steps: [{ outcome: crash }], stdout: '', stderr: '' }));
      s.job = undefined;
      workers.push(s.worker);
    }
    this.slots.clear();
    for (const t of this.threadSlots) {
      t.retired = true;
      workers.push(t.worker);
    }
    this.threadSlots.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Worker counts (tests check that a threads case leaves no worker of it behind). */
  stats(): PoolStats {
    let busy = 0;
    for (const t of this.threadSlots) if (t.token !== undefined) busy++;
    return { workers: this.slots.size, threadWorkers: this.threadSlots.size, busyThreadWorkers: busy };
  }

  // --- thread workers (wasi-threads) -----------------------------------------------------------

  private warmThreadTarget(): number {
    return Math.max(this.size * 2, WARM_THREADS_PER_CASE);
  }

  /** wasi-threads ahead: warm thread workers now; the job waits for them (see holdUntil). */
  private warmThreads(job: Job): void {
    while (this.threadSlots.size < this.warmThreadTarget()) this.spawnThreadWorker();
    job.holdUntil ??= wallMs() + THREAD_WARMUP_MS;
  }

  private spawnThreadWorker(): ThreadSlot {
    const worker = new Worker(this.workerUrl, {
      workerData: { progress: new SharedArrayBuffer(PROGRESS_BYTES), role: 'thread' },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, stackSizeMb: this.stackMb },
      stdout: false,
      stderr: false,
    });
    const t: ThreadSlot = { worker, ready: false, retired: false, error: undefined, token: undefined, owner: undefined, req: undefined, pending: undefined };
    this.threadSlots.add(t);
    worker.unref();
    worker.on('message', (m: WorkerReply) => this.onThreadMessage(t, m));
    worker.on('error', (e: Error) => {
      t.error = `${e.name}: ${e.message}`;
    });
    worker.on('exit', (code) => this.onThreadExit(t, code));
    return t;
  }

  /** A case's thread called `thread-spawn`: run the new thread on a pooled thread worker. */
  private onSpawn(from: Slot, req: SpawnRequest): void {
    const ctl = new ProcessControl(req.ctl);
    if (this.closed || from.retired || ctl.killed) {
      ctl.finish(req.tid);
      return;
    }
    let t: ThreadSlot | undefined;
    for (const x of this.threadSlots)
      if (x.token === undefined && !x.retired) {
        t = x;
        if (x.ready) break;
      }
    if (!t) {
      t = this.spawnThreadWorker();
      // warm a spare too: the next spawn of a busy pool should not wait for a cold worker
      if (this.threadSlots.size < Math.max(this.size * 4, WARM_THREADS_PER_CASE)) this.spawnThreadWorker();
    }
    const token = this.nextToken++;
    t.token = token;
    t.owner = from;
    t.req = req;
    from.threads.add(t);
    const { type: _type, ...rest } = req;
    const msg: ThreadMessage = { ...rest, type: 'thread', token };
    t.worker.ref();
    if (t.ready) t.worker.postMessage(msg);
    else t.pending = msg;
  }

  private releaseThread(t: ThreadSlot): void {
    t.owner?.threads.delete(t);
    t.owner = undefined;
    t.token = undefined;
    t.req = undefined;
    t.pending = undefined;
    t.worker.unref();
  }

  private onThreadMessage(t: ThreadSlot, m: WorkerReply): void {
    if (t.retired) return;
    if (m.type === 'ready') {
      t.ready = true;
      if (t.pending) {
        t.worker.postMessage(t.pending);
        t.pending = undefined;
      }
      this.dispatch(); // a threads job may have been waiting for this worker
      return;
    }
    if (m.type === 'spawn') {
      if (t.owner) this.onSpawn(t.owner, m);
      else new ProcessControl(m.ctl).finish(m.tid);
      return;
    }
    if (m.type === 'thread-done' && m.token === t.token) this.releaseThread(t);
  }

  private onThreadExit(t: ThreadSlot, code: number): void {
    this.threadSlots.delete(t);
    if (t.retired) return;
    const req = t.req;
    this.releaseThread(t);
    if (req) {
      // the thread's worker died under it: the process ends with a crash, the thread is gone
      const ctl = new ProcessControl(req.ctl);
      ctl.terminate({ kind: 'crash', detail: `thread ${req.tid}'s worker died (exit code ${code}${t.error ? `; ${t.error}` : ''})` });
      ctl.finish(req.tid);
    }
  }

  /** The case of `slot` ended (or its worker is gone): its thread workers are released or terminated. */
  private dropThreads(slot: Slot, terminate: boolean): void {
    for (const t of [...slot.threads]) {
      if (terminate) {
        t.retired = true;
        this.threadSlots.delete(t);
        void t.worker.terminate();
      }
      this.releaseThread(t);
    }
    slot.threads.clear();
  }

  // --- workers ---------------------------------------------------------------------------------

  private spawn(): void {
    const sab = new SharedArrayBuffer(PROGRESS_BYTES);
    const progress = progressView(sab);
    progress.words[P_CASE] = -1;
    const worker = new Worker(this.workerUrl, {
      workerData: { progress: sab },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, stackSizeMb: this.stackMb },
      stdout: false,
      stderr: false,
    });
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
      this.onSpawn(slot, m);
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
    if (slot.threads.size) this.dropThreads(slot, false);
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
    this.dropThreads(slot, true);
    if (job) this.fail(job, slot.progress, { kind: 'crash', detail });
    if (this.closed) return;
    if (this.startFailures >= 3) {
      // the worker cannot even load: fail everything instead of respawning forever
      const crash: Outcome = { kind: 'crash', detail: `reference runtime worker failed to start: ${this.lastStartError}` };
      for (const j of this.queue.splice(0)) j.targets.forEach((t) => t({ steps: [{ outcome: crash }], stdout: '', stderr: '' }));
      for (const s of this.slots) if (s.job) this.fail(s.job, s.progress, crash);
      return;
    }
    this.spawn();
    this.dispatch();
  }

  // --- scheduling ------------------------------------------------------------------------------

  /** Enough warm thread workers for a threads job (or it has waited long enough). */
  private threadsWarm(job: Job): boolean {
    if (job.holdUntil === undefined) return true;
    let ready = 0;
    for (const t of this.threadSlots) if (t.ready && !t.retired) ready++;
    return ready >= Math.min(this.warmThreadTarget(), this.threadSlots.size) || wallMs() >= job.holdUntil;
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || slot.retired) continue;
      const next = this.queue.findIndex((j) => this.threadsWarm(j));
      if (next < 0) break;
      const job = this.queue.splice(next, 1)[0]!;
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
      const { words, times } = slot.progress;
      if (Atomics.load(words, P_JOB) !== job.id) continue;
      const idx = Atomics.load(words, P_CASE);
      if (idx < 0) continue;
      const budget = (job.packed ? job.packed.timeouts[idx] : job.cases![idx]?.timeoutMs) ?? DEFAULT_CASE_TIMEOUT_MS;
      if (now - times[0]! <= budget) continue;
      // stuck: retire the worker, blame the case, replace the worker
      slot.retired = true;
      slot.job = undefined;
      this.slots.delete(slot);
      void slot.worker.terminate();
      this.dropThreads(slot, true);
      this.fail(job, slot.progress, { kind: 'timeout', budgetMs: budget });
      this.spawn();
    }
    this.dispatch();
  }

  /**
   * A job's worker is gone. The case it was running (per the progress word) observes `outcome`
   * at the step it was on; every other case of the job runs again on another worker.
   */
  private fail(job: Job, progress: Progress, outcome: Outcome): void {
    const { words } = progress;
    const idx = Atomics.load(words, P_JOB) === job.id ? Atomics.load(words, P_CASE) : -1;
    const step = Atomics.load(words, P_STEP);
    if (idx < 0 || idx >= job.targets.length) {
      // died between cases (or before the first): nobody to blame; retry a few times
      if (++job.unattributed > 2) {
        job.targets.forEach((t) => t({ steps: [{ outcome }], stdout: '', stderr: '' }));
        return;
      }
      this.queue.unshift(job);
      return;
    }
    // the rest of the job runs again as plain cases (a lost packed job is unpacked here, once)
    const cases = job.cases ?? unpackChunk<PoolCase>(job.packed!);
    const rest: PoolCase[] = [];
    const restTargets: Array<(obs: Observation) => void> = [];
    cases.forEach((c, i) => {
      if (i === idx) return;
      rest.push(c);
      restTargets.push(job.targets[i]!);
    });
    if (rest.length > 0) {
      const again: Job = { id: this.nextJob++, cases: rest, targets: restTargets, unattributed: job.unattributed };
      if (job.maxSteps !== undefined) again.maxSteps = job.maxSteps;
      this.queue.unshift(again);
    }
    this.recoverPrefix(cases[idx]!, step, outcome, job.targets[idx]!);
  }

  /**
   * The observation of a case that ended with `outcome` at step `step`: steps 0..step-1 are
   * re-run (deterministic) to recover their observations, then `outcome` is appended. If the
   * re-run itself ends early, its own last outcome stands (each retry covers fewer steps).
   */
  private recoverPrefix(c: PoolCase, step: number, outcome: Outcome, target: (obs: Observation) => void): void {
    const finish = (steps: StepObservation[], stdout: string, stderr: string): void => {
      target({ steps: [...steps, { outcome }], stdout, stderr, raw: { ended: outcome.kind, atStep: step } });
    };
    if (step <= 0) {
      finish([], '', '');
      return;
    }
    const job: Job = {
      id: this.nextJob++,
      cases: [c],
      maxSteps: step,
      unattributed: 0,
      targets: [
        (obs) => {
          const last = obs.steps[obs.steps.length - 1]?.outcome.kind;
          const endedEarly = obs.steps.length < step || last === 'timeout' || (last === 'crash' && obs.steps.length < step);
          if (endedEarly) target(obs);
          else finish(obs.steps, obs.stdout, obs.stderr);
        },
      ],
    };
    this.queue.unshift(job);
  }

  private settle(batch: Batch, index: number, obs: Observation): void {
    if (batch.results[index] !== undefined) return;
    batch.results[index] = obs;
    if (--batch.pending === 0) {
      this.batches.delete(batch);
      batch.resolve(batch.results as Observation[]);
    }
  }
}
