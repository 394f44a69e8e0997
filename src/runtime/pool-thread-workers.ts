/**
 * The pool's thread workers (wasi-threads): a spawned wasm thread runs in a worker of its own
 * that shares the case's `WebAssembly.Memory`. Thread workers are created on first need (or
 * warmed ahead of a threads job), kept warm and reused; while a thread runs, its worker belongs to
 * the case worker whose case spawned it, and goes down with that case when it ends early.
 */
import type { Worker } from 'node:worker_threads';
import type { Job } from './pool-job.ts';
import type { WorkerSettings } from './pool-worker-start.ts';
import { startWorker } from './pool-worker-start.ts';
import { PROGRESS_BYTES, wallMs } from './progress.ts';
import type { SpawnRequest } from './threads/imports.ts';
import { ProcessControl } from './threads/control.ts';
import type { ThreadMessage, WorkerReply } from './worker.ts';

/** How long a threads job may wait for warm thread workers before it runs anyway. */
const THREAD_WARMUP_MS = 30_000;
/**
 * Thread workers a threads job waits for: one case spawns up to four threads (thread-panic), and
 * each cold worker a spawn meets costs its case seconds of its budget under load (a child
 * process's pool has one case worker, so `size * 2` alone meant two).
 */
const WARM_THREADS_PER_CASE = 4;

/** The case worker whose case spawned threads: the thread workers it holds right now. */
export interface ThreadOwner {
  /** Terminated on purpose: its spawns are refused. */
  retired: boolean;
  threads: Set<ThreadSlot>;
}

/**
 * A pooled worker for spawned wasm threads (wasi-threads). Created on first need, kept warm and
 * reused; owned by the case worker whose case spawned the thread for as long as it runs.
 */
export interface ThreadSlot {
  worker: Worker;
  ready: boolean;
  retired: boolean;
  error: string | undefined;
  /** The current assignment (undefined: idle). */
  token: number | undefined;
  owner: ThreadOwner | undefined;
  req: SpawnRequest | undefined;
  /** Sent once the worker is ready. */
  pending: ThreadMessage | undefined;
}

export interface ThreadWorkerHooks {
  /** The pool is closed: spawns are refused. */
  closed(): boolean;
  /** A thread worker became ready: a threads job may have been waiting for it. */
  ready(): void;
}

export class ThreadWorkers {
  private readonly slots = new Set<ThreadSlot>();
  private nextToken = 1;

  constructor(
    private readonly settings: WorkerSettings,
    /** Case workers of the pool: how many thread workers to keep warm scales with them. */
    private readonly caseWorkers: number,
    private readonly hooks: ThreadWorkerHooks,
  ) {}

  /** Thread workers, idle or busy, and those running a spawned thread right now. */
  counts(): { threadWorkers: number; busyThreadWorkers: number } {
    let busy = 0;
    for (const t of this.slots) if (t.token !== undefined) busy++;
    return { threadWorkers: this.slots.size, busyThreadWorkers: busy };
  }

  /** wasi-threads ahead: warm thread workers now; the job waits for them (see Job.holdUntil). */
  warmFor(job: Job): void {
    while (this.slots.size < this.warmTarget()) this.spawnWorker();
    job.holdUntil ??= wallMs() + THREAD_WARMUP_MS;
  }

  /** Enough warm thread workers for a threads job (or it has waited long enough). */
  warmEnoughFor(job: Job): boolean {
    if (job.holdUntil === undefined) return true;
    let ready = 0;
    for (const t of this.slots) if (t.ready && !t.retired) ready++;
    return ready >= Math.min(this.warmTarget(), this.slots.size) || wallMs() >= job.holdUntil;
  }

  /** A case's thread called `thread-spawn`: run the new thread on a pooled thread worker. */
  spawn(from: ThreadOwner, req: SpawnRequest): void {
    const ctl = new ProcessControl(req.ctl);
    if (this.hooks.closed() || from.retired || ctl.killed) {
      ctl.finish(req.tid);
      return;
    }
    let t: ThreadSlot | undefined;
    for (const x of this.slots)
      if (x.token === undefined && !x.retired) {
        t = x;
        if (x.ready) break;
      }
    if (!t) {
      t = this.spawnWorker();
      // warm a spare too: the next spawn of a busy pool should not wait for a cold worker
      if (this.slots.size < Math.max(this.caseWorkers * 4, WARM_THREADS_PER_CASE)) this.spawnWorker();
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

  /** The case of `owner` ended (or its worker is gone): its thread workers are released or terminated. */
  drop(owner: ThreadOwner, terminate: boolean): void {
    for (const t of [...owner.threads]) {
      if (terminate) {
        t.retired = true;
        this.slots.delete(t);
        void t.worker.terminate();
      }
      this.release(t);
    }
    owner.threads.clear();
  }

  /** The pool closes: every thread worker is retired; the caller terminates the returned workers. */
  retireAll(): Worker[] {
    const workers: Worker[] = [];
    for (const t of this.slots) {
      t.retired = true;
      workers.push(t.worker);
    }
    this.slots.clear();
    return workers;
  }

  private warmTarget(): number {
    return Math.max(this.caseWorkers * 2, WARM_THREADS_PER_CASE);
  }

  private spawnWorker(): ThreadSlot {
    const worker = startWorker(this.settings, { progress: new SharedArrayBuffer(PROGRESS_BYTES), role: 'thread' });
    const t: ThreadSlot = { worker, ready: false, retired: false, error: undefined, token: undefined, owner: undefined, req: undefined, pending: undefined };
    this.slots.add(t);
    worker.unref();
    worker.on('message', (m: WorkerReply) => this.onMessage(t, m));
    worker.on('error', (e: Error) => {
      t.error = `${e.name}: ${e.message}`;
    });
    worker.on('exit', (code) => this.onExit(t, code));
    return t;
  }

  private release(t: ThreadSlot): void {
    t.owner?.threads.delete(t);
    t.owner = undefined;
    t.token = undefined;
    t.req = undefined;
    t.pending = undefined;
    t.worker.unref();
  }

  private onMessage(t: ThreadSlot, m: WorkerReply): void {
    if (t.retired) return;
    if (m.type === 'ready') {
      t.ready = true;
      if (t.pending) {
        t.worker.postMessage(t.pending);
        t.pending = undefined;
      }
      this.hooks.ready();
      return;
    }
    if (m.type === 'spawn') {
      if (t.owner) this.spawn(t.owner, m);
      else new ProcessControl(m.ctl).finish(m.tid);
      return;
    }
    if (m.type === 'thread-done' && m.token === t.token) this.release(t);
  }

  private onExit(t: ThreadSlot, code: number): void {
    this.slots.delete(t);
    if (t.retired) return;
    const req = t.req;
    this.release(t);
    if (req) {
      // the thread's worker died under it: the process ends with a crash, the thread is gone
      const ctl = new ProcessControl(req.ctl);
      ctl.terminate({ kind: 'crash', detail: `thread ${req.tid}'s worker died (exit code ${code}${t.error ? `; ${t.error}` : ''})` });
      ctl.finish(req.tid);
    }
  }
}
