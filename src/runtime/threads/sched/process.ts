/**
 * A wasi-threads process under the deterministic scheduler (DESIGN §5 "Threads", the default
 * mode): every thread runs in the one worker running the case, switched only at the switch
 * points of ./scheduler.ts by a seeded schedule (./schedule.ts). Same case and schedule ⇒ same
 * interleaving ⇒ same outcome, output and schedule string.
 *
 * Ending: a trap or proc_exit in any thread (main, a coroutine, or any of them while an instance
 * is being instantiated), main returning from `_start` (WAMR PR#2529: exit 0), or a deadlock
 * ends the process; the first one wins. Parked coroutines are simply dropped: nothing of them
 * runs on another worker, so there is nothing to wait for.
 */
import type { Outcome } from '../../../outcome.ts';
import type { RunnableCase } from '../../exec.ts';
import type { WasmExports, WasmMemory, WasmModule } from '../../wasm-api.ts';
import { WA } from '../../wasm-api.ts';
import type { MemoryBinding, WasiHost } from '../../wasi/wasi.ts';
import { DEFAULT_THREAD_LIMIT, KILLED, MAX_THREADS, SPAWN_EAGAIN, ThreadKilled } from '../control.ts';
import { terminationOf } from '../thread-worker.ts';
import type { Runner } from './coroutine.ts';
import { Coroutine, MainThread, ThreadSetupError } from './coroutine.ts';
import type { ThreadEnv } from './hooks.ts';
import { schedImports } from './hooks.ts';
import { DEADLOCK, Scheduler } from './scheduler.ts';
import type { ScheduleToken } from './schedule.ts';
import { chooserFor, formatSchedule, parseSchedule, scheduleSeed } from './schedule.ts';
import { ModuleCache } from './module-cache.ts';
import { DFS_PROBE, formatEligible } from './dfs.ts';
import type { PreparedThreadsModule } from '../prepare.ts';
import { ProcessModules } from '../process-modules.ts';
import { SharedStreams } from './streams.ts';

/** `--schedules N` runs one module N times: it is instrumented once per worker (Asyncify makes this the costly part of a case). */
const compiledModules = new ModuleCache<PreparedThreadsModule | Outcome>(32);

export class SchedProcess implements ThreadEnv {
  readonly sched: Scheduler;
  readonly streams: SharedStreams;
  wasi: WasiHost | undefined;
  private readonly token: ScheduleToken;
  private readonly main = new MainThread();
  private readonly coroutines = new Map<number, Coroutine>();
  private readonly modules: ProcessModules;
  private end: Outcome | undefined;
  private readonly limit: number;
  private nextTid = 1;

  constructor(readonly c: RunnableCase & { schedule?: string }) {
    const probe = c.schedule?.startsWith(DFS_PROBE) === true;
    const given = probe ? c.schedule!.slice(DFS_PROBE.length) : c.schedule;
    this.token = given !== undefined && given !== 'real' ? parseSchedule(given) : { seed: scheduleSeed(c.id) };
    this.sched = new Scheduler(chooserFor(this.token));
    if (probe) this.sched.eligibleLog = [];
    this.streams = new SharedStreams(c);
    this.limit = Math.max(0, Math.min(MAX_THREADS - 1, c.wasi?.threadLimit ?? DEFAULT_THREAD_LIMIT));
    // with Asyncify: a coroutine unwinds at a switch point; kept across the worker's cases
    this.modules = new ProcessModules(c.modules, { asyncify: true, cache: compiledModules });
  }

  get killed(): boolean {
    return this.end !== undefined;
  }

  /** The schedule this run followed, as a replayable token (seed + choice list). */
  schedule(): string {
    const token = formatSchedule(this.token.seed, this.sched.choices);
    return this.sched.eligibleLog ? `${token}${formatEligible(this.sched.eligibleLog)}` : token;
  }

  /** The process's shared memory, once main is instantiated. */
  get memory(): WasmMemory | undefined {
    return this.modules.memory;
  }

  /** Instantiates module `index` as the main thread (tid 0); its start section may already switch. */
  instantiate(index: number): { exports: WasmExports; binding: MemoryBinding } | Outcome {
    return this.modules.instantiateMain(index, (p) => schedImports(this, this.main, p.module, p.memoryImport), (wasi) => (this.wasi = wasi));
  }

  // --- ThreadEnv: what the hooks of a thread ask -----------------------------------------------

  /** `thread-spawn`: a new coroutine, runnable, first run when the schedule picks it. */
  spawn(arg: number, module: WasmModule, mem: { module: string; base: string }): number {
    if (this.nextTid > this.limit) return SPAWN_EAGAIN;
    const tid = this.nextTid++;
    const co = new Coroutine(tid, arg, this.memory!, (self) => {
      const setup = schedImports(this, self, module, mem);
      if ('unlinkable' in setup || 'unsupported' in setup) throw new ThreadSetupError(`thread ${tid}: ${'unlinkable' in setup ? setup.unlinkable : setup.unsupported}`);
      return new WA.Instance(module, setup.imports).exports;
    });
    this.coroutines.set(tid, co);
    this.sched.add(tid);
    return tid;
  }

  /** A switch point of `r` (still runnable); true when `r` must unwind now (a coroutine switched away). */
  yieldAt(r: Runner, loopHeader = false): boolean {
    if (this.killed) throw KILLED;
    if (r.atomic) return false;
    const next = loopHeader ? this.sched.loopHeader() : this.sched.point();
    return next !== r.tid && this.switchAway(r);
  }

  /** `r` blocked (its scheduler state is set); true when it must unwind now. Throws KILLED on a deadlock. */
  block(r: Runner): boolean {
    if (r.atomic) {
      this.terminate({ kind: 'crash', detail: `wasi-threads: thread ${r.tid} blocked while being instantiated (its start section)` });
      throw KILLED;
    }
    const next = this.sched.blocked();
    if (next === DEADLOCK) {
      this.terminate({ kind: 'deadlock' });
      throw KILLED;
    }
    return next !== r.tid && this.switchAway(r);
  }

  /** The scheduler chose another thread than `r`: a coroutine unwinds; main runs the others inline. */
  private switchAway(r: Runner): boolean {
    if (r.stack) {
      r.stack.startUnwind();
      return true;
    }
    this.drive();
    return false;
  }

  /** Runs coroutines (from main's hook) until the schedule picks main again or the process ends. */
  private drive(): void {
    for (;;) {
      if (this.killed) throw KILLED;
      const tid = this.sched.current;
      if (tid === 0) return;
      const co = this.coroutines.get(tid)!;
      let parked = false;
      try {
        parked = co.step();
      } catch (e) {
        const end = e instanceof ThreadSetupError ? { kind: 'crash' as const, detail: e.message } : terminationOf(e);
        this.terminate(end ?? { kind: 'crash', detail: `thread ${tid} unwound without an end record` });
      }
      if (parked) continue;
      this.coroutines.delete(tid);
      if (this.sched.finished() === DEADLOCK && !this.killed) this.terminate({ kind: 'deadlock' });
    }
  }

  /** Ends the process unless it already ended (first termination wins); returns the outcome that stands. */
  terminate(outcome: Outcome): Outcome {
    this.end ??= outcome;
    return this.end;
  }

  // --- ThreadedProcessLike ---------------------------------------------------------------------

  ended(): Outcome | undefined {
    return this.end;
  }

  outcomeFor(e: unknown, single: Outcome): Outcome {
    if (e instanceof ThreadKilled) return this.end ?? { kind: 'crash', detail: 'thread killed without an end record' };
    if (single.kind === 'trap' || single.kind === 'exit' || single.kind === 'crash' || single.kind === 'deadlock') return this.terminate(single);
    return single;
  }

  mainReturned(): Outcome {
    return this.terminate({ kind: 'exit', code: 0 });
  }

  shutdown(): void {
    this.coroutines.clear();
  }
}
