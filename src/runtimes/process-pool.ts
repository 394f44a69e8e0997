/**
 * The process-sharded reference runtime. V8 serialises WebAssembly.Memory reservation across
 * the threads of one process, so worker_threads alone barely scale instantiation-heavy cases
 * past one core; separate processes do. Each child (runtimes/reference-child.ts) runs today's
 * in-process reference runtime — a WorkerPool with its watchdog, wasi-threads and lunatic
 * support — and serves whole chunks of cases over IPC. The parent only splits, schedules and
 * merges: observations are the same as in-process (cases are deterministic).
 *
 * Robustness: a child that dies mid-batch is replaced; the chunks it had acknowledged run again,
 * each case alone on a child with nothing else in flight, so a case that kills a child a second
 * time is the culprit and observes `crash` (chunks it had not acknowledged just go back to the
 * queue: they never ran). A wedged child (no answer long past its cases' budgets) is killed. Idle children do not keep the parent alive (process and IPC
 * channel unref'd while nothing is queued or in flight).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { PoolCase, PoolOptions } from '../runtime/pool.ts';
import { toPoolCase } from '../runtime/pool.ts';
import type { PackedCases } from '../runtime/packed.ts';
import { packCases } from '../runtime/packed.ts';
import { childNiceSteps } from './child-priority.ts';
import type { ChildPoolOptions, FromChild, ToChild } from './reference-child.ts';

export interface ProcessPoolOptions extends PoolOptions {
  /** Child processes at most, started as work needs them; default `os.availableParallelism()`. */
  processes?: number;
  /** Largest chunk of cases sent to a child in one message (default 64). */
  maxProcessChunk?: number;
  /** Chunks in flight per child (default 2: the next one is already there when one ends). */
  depth?: number;
  /**
   * Node/V8 flags of the children (the parent's own are not inherited). Default
   * `CHILD_EXEC_ARGV`: V8 background tasks off (see there).
   */
  execArgv?: readonly string[];
  /** Alternative child entry (plain JS calling reference-child.ts `serve`); tests inject faults with it. */
  childUrl?: URL;
  /** Nice steps the children take below this process (./child-priority.ts); default TRAPCHECK_CHILD_NICE, else 5. */
  childNice?: number;
}

const CHILD_URL = new URL('./reference-child-entry.js', import.meta.url);
const STDERR_KEEP = 2048;

/**
 * With one child per core the cores are already full, and V8's background threads (concurrent
 * GC, wasm compilation tasks, a 4-thread platform pool per process) only add contention: off,
 * execute-only throughput on 2 cores rises from ~4,600 to ~5,600-5,900 cases/s.
 *
 * Without the trap handler, V8 checks memory bounds in the compiled code instead of reserving
 * ~10 GiB of guard pages per memory: a case's memory reservation is at most its maximum (4 GiB
 * undeclared), so freeing one tears down far fewer page tables, and V8's address-space limit
 * forces a full GC 2.5× less often. Generated core-traps cases: children's CPU per case −20%,
 * cases/s +35% on 2 cores (15 interleaved runs). An out-of-bounds access traps with the same
 * message either way; Node versions without the flag simply keep the trap handler.
 *
 * Eager (Liftoff) compilation: V8 11 posts four delayed "lazy compilation metrics" tasks (5 s to
 * 120 s) at the first instantiation of every lazily compiled module; at ~1,000 modules a second
 * they keep a platform thread busy with timers (~7% of a child's CPU), and the lazy-compile
 * stubs cost more than compiling a generated module's few functions up front: children's CPU
 * per case −6 to −10% (core-traps, wasi-exit, controls). Validation was eager already, so a
 * module is accepted or rejected as before. binaryen's own module is the exception: a case worker
 * loads it (fuel, Asyncify, wasi-threads, Lunatic cases) with lazy compilation on, which saves
 * ~0.6 s of CPU there (runtime/worker.ts, withLazyWasm); thread workers never load it.
 *
 * All of these change timing only, never an observation (the determinism test compares against
 * the in-process pool, which keeps the host's defaults).
 */
export const CHILD_EXEC_ARGV: readonly string[] = [
  '--single-threaded',
  '--v8-pool-size=1',
  '--no-wasm-lazy-compilation',
  ...(nodeAccepts('--disable-wasm-trap-handler') ? ['--disable-wasm-trap-handler'] : []),
  ...stackSwitchingFlags(),
];

/**
 * Stack switching for the thread scheduler (src/runtime/threads/sched/jspi-backend.ts: no
 * Asyncify pass, roughly half a thread case's CPU). Node 20's V8 11 has it only behind this V8
 * flag, which `process.allowedNodeEnvironmentFlags` does not list (it lists no V8 flag of that
 * kind), and an unknown V8 flag stops node ("bad option"): so they are given only to the V8 major
 * they were tested on (11.3, Node 20). The second flag keeps V8's optimizer from inlining a call of
 * a promising export as a plain call (threads/sched/stack-switching.ts); the backend is used only
 * with both. Other engines keep Asyncify (same observations).
 */
function stackSwitchingFlags(): string[] {
  // Each thread's stack, in KB. V8 11.3 maps and prepares a thread's whole stack when it starts
  // (measured: 984 KB, the default, costs ~1 ms of a thread case's 2.5 ms run; 256 KB ~0.05 ms
  // more than 64 KB). The depth at which a thread's `call stack exhausted` comes is not specified;
  // Asyncify's coroutines ran on the case worker's own stack.
  const THREAD_STACK_KB = 256;
  const v8 = (process.versions as Record<string, string | undefined> | undefined)?.['v8'];
  return v8?.startsWith('11.') === true ? ['--experimental-wasm-stack-switching', '--no-turbo-inline-js-wasm-calls', `--wasm-stack-switching-stack-size=${THREAD_STACK_KB}`] : [];
}

/** Whether this Node has the option (the gjs driver bundles this module too, under a `process` without the set). */
function nodeAccepts(option: string): boolean {
  return (process.allowedNodeEnvironmentFlags as ReadonlySet<string> | undefined)?.has(option) === true;
}

interface Chunk {
  id: number;
  cases: PoolCase[];
  /** The cases as sent (packed once, at first dispatch; a retry resends the same bytes). */
  packed?: PackedCases;
  targets: Array<(obs: Observation) => void>;
  /** Set once the chunk was lost with a child: it then runs alone, and a second loss is a crash. */
  suspect: boolean;
  /** The current child acknowledged it (a child that died before that never ran it). */
  started: boolean;
  /** Losses before it started (capped, so a child that dies on receipt cannot loop forever). */
  unstarted: number;
}

interface Child {
  proc: ChildProcess;
  ready: boolean;
  retired: boolean;
  inflight: Map<number, Chunk>;
  stderr: string;
  /** Wall-clock time by which the child must have answered (harness-level hang guard). */
  deadline: number;
  referenced: boolean;
}

const crashObservation = (detail: string): Observation => ({ steps: [{ outcome: { kind: 'crash', detail } satisfies Outcome }], stdout: '', stderr: '' });

export class ProcessPool {
  readonly size: number;
  private readonly children = new Set<Child>();
  private readonly queue: Chunk[] = [];
  private nextChunk = 1;
  private closed = false;
  private readonly maxChunk: number;
  private readonly depth: number;
  private readonly childUrl: URL;
  private readonly childArgs: string;
  private readonly execArgv: readonly string[];
  private startFailures = 0;
  private lastStartError = '';
  private guard: ReturnType<typeof setInterval> | undefined;

  constructor(options: ProcessPoolOptions = {}) {
    const { processes, maxProcessChunk, depth, childUrl, workerUrl, execArgv, childNice, ...pool } = options;
    this.execArgv = execArgv ?? CHILD_EXEC_ARGV;
    this.size = Math.max(1, processes ?? availableParallelism());
    this.maxChunk = maxProcessChunk ?? 64;
    this.depth = Math.max(1, depth ?? 2);
    this.childUrl = childUrl ?? CHILD_URL;
    const childOptions: ChildPoolOptions = { ...pool, workers: pool.workers ?? 1, nice: childNice ?? childNiceSteps() };
    if (workerUrl) childOptions.workerUrl = workerUrl.href;
    this.childArgs = JSON.stringify(childOptions);
    // One child now, more as work needs them (grow): a replay or a small run pays one child's
    // start-up (~0.8 s of CPU with its worker), not one per core.
    this.spawn();
  }

  /** Child pids (tests kill one mid-run). */
  pids(): number[] {
    return [...this.children].map((c) => c.proc.pid).filter((p): p is number => p !== undefined);
  }

  /** Runs cases across the children; one observation per case, in order. */
  run(cases: readonly (Case | PoolCase)[]): Promise<Observation[]> {
    if (this.closed) return Promise.reject(new Error('reference runtime: the process pool is closed'));
    if (cases.length === 0) return Promise.resolve([]);
    return new Promise<Observation[]>((resolve) => {
      const results: Observation[] = new Array(cases.length);
      let pending = cases.length;
      const settle = (i: number, obs: Observation): void => {
        if (results[i] !== undefined) return;
        results[i] = obs;
        if (--pending === 0) resolve(results);
      };
      // Two chunks per child: each chunk costs its child's supervising thread a few messages
      // (measured: 45 µs of it per case at four 32-case chunks per child, 30 at two), and callers
      // keep a second batch in flight (runSuite, campaigns), so a slow chunk does not idle a core.
      const size = Math.max(1, Math.min(this.maxChunk, Math.ceil(cases.length / (this.size * 2))));
      for (let start = 0; start < cases.length; start += size) {
        const chunk: Chunk = { id: this.nextChunk++, cases: [], targets: [], suspect: false, started: false, unstarted: 0 };
        for (let i = start; i < Math.min(cases.length, start + size); i++) {
          chunk.cases.push(toPoolCase(cases[i]!));
          chunk.targets.push((obs) => settle(i, obs));
        }
        this.queue.push(chunk);
      }
      this.grow();
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopGuard();
    const detail = 'reference runtime closed while the case was running';
    for (const chunk of this.queue.splice(0)) chunk.targets.forEach((t) => t(crashObservation(detail)));
    const exits: Array<Promise<void>> = [];
    for (const child of this.children) {
      child.retired = true;
      for (const chunk of child.inflight.values()) chunk.targets.forEach((t) => t(crashObservation(detail)));
      child.inflight.clear();
      const { proc } = child;
      if (proc.exitCode === null && proc.signalCode === null) {
        exits.push(new Promise<void>((resolve) => proc.once('exit', () => resolve())));
        proc.ref(); // close() resolves once they are gone, even in an otherwise idle process
        proc.kill('SIGKILL');
      }
    }
    this.children.clear();
    await Promise.all(exits);
  }

  // --- children --------------------------------------------------------------------------------

  private spawn(): void {
    const proc = fork(this.childUrl, [this.childArgs], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // the child registers its own loader; the parent's flags (vitest's, inspectors) stay here
      execArgv: [...this.execArgv],
    });
    const child: Child = { proc, ready: false, retired: false, inflight: new Map(), stderr: '', deadline: Infinity, referenced: true };
    this.children.add(child);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => {
      child.stderr = (child.stderr + d).slice(-STDERR_KEEP);
    });
    (proc.stderr as Socket | null)?.unref();
    proc.on('message', (m: FromChild) => this.onMessage(child, m));
    let gone = false;
    const onGone = (why: string): void => {
      if (gone) return;
      gone = true;
      // let stderr drain before reporting
      setImmediate(() => this.onExit(child, why));
    };
    proc.on('error', (e) => {
      onGone(e.message);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    });
    proc.on('exit', (code, signal) => onGone(signal ? `signal ${signal}` : `exit code ${code}`));
    this.setRef(child, this.busy());
  }

  private onMessage(child: Child, m: FromChild): void {
    if (child.retired) return;
    if (m.t === 'ready') {
      child.ready = true;
      this.startFailures = 0;
      this.dispatch();
      return;
    }
    const chunk = child.inflight.get(m.id);
    if (!chunk) return;
    if (m.t === 'started') {
      chunk.started = true;
      return;
    }
    child.inflight.delete(m.id);
    child.deadline = child.inflight.size ? performance.now() + this.allowance([...child.inflight.values()]) : Infinity;
    if (m.t === 'done') m.observations.forEach((obs, i) => chunk.targets[i]!(obs));
    else chunk.targets.forEach((t) => t(crashObservation(`reference runtime child failed: ${m.message}`)));
    this.dispatch();
  }

  private onExit(child: Child, why: string): void {
    if (child.retired || !this.children.has(child)) return;
    this.children.delete(child);
    child.retired = true;
    const tail = child.stderr.trim().split('\n').slice(-3).join(' / ');
    const detail = `reference runtime child process died (${why}${tail ? `; ${tail}` : ''})`;
    if (!child.ready) {
      this.startFailures++;
      this.lastStartError = detail;
    }
    // Its chunks run again, one case at a time on an otherwise idle child; a case lost twice crashed
    // it. A chunk the child never acknowledged was not running: it goes back as it was (a few times).
    const lost = [...child.inflight.values()];
    child.inflight.clear();
    const retry: Chunk[] = [];
    for (const chunk of lost) {
      if (!chunk.started && ++chunk.unstarted <= 3) {
        retry.push(chunk);
        continue;
      }
      if (chunk.suspect) {
        chunk.targets.forEach((t) => t(crashObservation(detail)));
        continue;
      }
      chunk.cases.forEach((c, i) => retry.push({ id: this.nextChunk++, cases: [c], targets: [chunk.targets[i]!], suspect: true, started: false, unstarted: 0 }));
    }
    this.queue.unshift(...retry);
    if (this.closed) return;
    if (this.startFailures >= 3) {
      const crash = `reference runtime child failed to start: ${this.lastStartError}`;
      for (const chunk of this.queue.splice(0)) chunk.targets.forEach((t) => t(crashObservation(crash)));
      return;
    }
    this.spawn();
    this.dispatch();
  }

  // --- scheduling ------------------------------------------------------------------------------

  /**
   * Starts children (up to `size`) while more than a full chunk of cases would wait beyond what
   * the children started can take: a child's start-up costs about as much CPU as running a full
   * chunk, so a small batch is quicker on the children there are.
   */
  private grow(): void {
    let room = 0;
    for (const c of this.children) room += Math.max(0, this.depth - c.inflight.size);
    const waiting = (): number => this.queue.slice(room).reduce((n, k) => n + k.cases.length, 0);
    for (let n = this.children.size; n < this.size && waiting() > this.maxChunk; n++) {
      this.spawn();
      room += this.depth;
    }
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      // the least loaded ready child; a suspect chunk only goes to an idle one and runs alone
      let best: Child | undefined;
      for (const c of this.children) {
        if (!c.ready || c.retired) continue;
        if (c.inflight.size >= this.depth || [...c.inflight.values()].some((k) => k.suspect)) continue;
        if (head.suspect && c.inflight.size > 0) continue;
        if (!best || c.inflight.size < best.inflight.size) best = c;
      }
      if (!best) break;
      this.queue.shift();
      head.started = false;
      best.inflight.set(head.id, head);
      if (best.deadline === Infinity) best.deadline = performance.now();
      best.deadline += this.allowance([head]);
      head.packed ??= packCases(head.cases);
      best.proc.send({ t: 'run', id: head.id, cases: head.packed } satisfies ToChild, undefined, undefined, () => undefined);
    }
    const busy = this.busy();
    for (const c of this.children) this.setRef(c, busy);
    if (busy) this.startGuard();
    else this.stopGuard();
  }

  private busy(): boolean {
    if (this.queue.length > 0) return true;
    for (const c of this.children) if (c.inflight.size > 0) return true;
    return false;
  }

  /** Idle children must not keep the process alive; busy ones must (executeAll still completes). */
  private setRef(child: Child, on: boolean): void {
    if (child.referenced === on) return;
    child.referenced = on;
    if (on) {
      child.proc.ref();
      child.proc.channel?.ref();
    } else {
      child.proc.unref();
      child.proc.channel?.unref();
    }
  }

  /**
   * How long a chunk may take before the child itself is deemed stuck: every case's budget
   * twice (a hung step's prefix is re-run) plus slack. The child's own watchdog handles hung
   * cases; this only catches a wedged child (a harness bug), which is then killed and replaced.
   */
  private allowance(chunks: readonly Chunk[]): number {
    let ms = 30_000;
    for (const k of chunks) for (const c of k.cases) ms += 2 * (c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS);
    return ms;
  }

  private startGuard(): void {
    if (this.guard) return;
    this.guard = setInterval(() => {
      const now = performance.now();
      for (const c of this.children) if (c.inflight.size > 0 && now > c.deadline) c.proc.kill('SIGKILL');
    }, 1_000);
    this.guard.unref();
  }

  private stopGuard(): void {
    if (!this.guard) return;
    clearInterval(this.guard);
    this.guard = undefined;
  }
}
