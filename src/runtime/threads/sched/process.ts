/**
 * A wasi-threads process under the deterministic scheduler (DESIGN §5 "Threads", the default
 * mode): every thread runs in the one worker running the case, switched only at the switch
 * points of ./scheduler.ts by a seeded schedule (./schedule.ts). Same case and schedule ⇒ same
 * interleaving ⇒ same outcome, output and schedule string.
 *
 * Ending: a trap or proc_exit in any thread (main, a coroutine, or any of them while an instance
 * is being instantiated), main returning from `_start` (WAMR PR#2529: exit 0), or a deadlock
 * ends the process; the first one wins. How threads switch is the backend's business
 * (./backend.ts): Asyncify by default, the engine's stack switching when the step executor runs
 * the case asynchronously and the engine has it (`useStackSwitching`).
 */
import type { Outcome } from '../../../outcome.ts';
import type { RunnableCase } from '../../exec.ts';
import type { WasmExports, WasmMemory, WasmModule } from '../../wasm-api.ts';
import type { MemoryBinding, WasiHost } from '../../wasi/wasi.ts';
import { DEFAULT_THREAD_LIMIT, KILLED, MAX_THREADS, SPAWN_EAGAIN, ThreadKilled } from '../control.ts';
import type { Runner } from './coroutine.ts';
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
import type { BackendEnv, SchedBackend, ThreadSetup } from './backend.ts';
import { AsyncifyBackend } from './asyncify-backend.ts';
import { JspiBackend } from './jspi-backend.ts';
import type { StackSwitching } from './stack-switching.ts';
import { stackSwitchable } from './jspi-eligible.ts';

/** `--schedules N` runs one module N times: it is prepared once per worker and backend (Asyncify makes this the costly part of a case). */
const asyncifiedModules = new ModuleCache<PreparedThreadsModule | Outcome>(32);
const hookedModules = new ModuleCache<PreparedThreadsModule | Outcome>(32);

export class SchedProcess implements ThreadEnv, BackendEnv {
  readonly sched: Scheduler;
  readonly streams: SharedStreams;
  wasi: WasiHost | undefined;
  private readonly token: ScheduleToken;
  private backend: SchedBackend;
  private modules: ProcessModules;
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
    this.modules = new ProcessModules(c.modules, { asyncify: true, cache: asyncifiedModules });
    this.backend = new AsyncifyBackend(this, () => this.memory!);
  }

  /**
   * Before the first instantiate, from a step executor that awaits the case (exec.ts
   * executeCaseAsync): switch threads by the engine's stack switching when the case allows it
   * (./jspi-eligible.ts). True: main's `_start` must then run through `startMain`.
   */
  useStackSwitching(switching: StackSwitching): boolean {
    if (this.memory !== undefined || !stackSwitchable(this.c, switching)) return false;
    this.modules = new ProcessModules(this.c.modules, { asyncify: false, funcImports: true, cache: hookedModules });
    this.backend = new JspiBackend(this, switching);
    return true;
  }

  /** Stack switching: runs main's `_start` on its own stack (settles when main returns or throws). */
  startMain(start: unknown): Promise<unknown> {
    return (this.backend as JspiBackend).startMain(start);
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
    const main = this.backend.main;
    return this.modules.instantiateMain(
      index,
      (p) => {
        const setup = schedImports(this, main, p.module, p.memoryImport);
        return 'imports' in setup ? this.backend.linkMain(p, setup) : setup;
      },
      (wasi) => (this.wasi = wasi),
    );
  }

  importsFor(r: Runner, module: WasmModule, mem: { module: string; base: string }): ThreadSetup {
    return schedImports(this, r, module, mem);
  }

  // --- ThreadEnv: what the hooks of a thread ask -----------------------------------------------

  /** `thread-spawn`: a new thread, runnable, first run when the schedule picks it. */
  spawn(arg: number, module: WasmModule, mem: { module: string; base: string }): number {
    if (this.nextTid > this.limit) return SPAWN_EAGAIN;
    const tid = this.nextTid++;
    this.backend.newThread(tid, arg, module, mem);
    this.sched.add(tid);
    return tid;
  }

  /** A switch point of `r` (still runnable); true when `r` must return from its hook now (it switched away). */
  yieldAt(r: Runner, loopHeader = false): boolean {
    if (this.killed) throw KILLED;
    if (r.atomic) return false;
    const next = loopHeader ? this.sched.loopHeader() : this.sched.point();
    return next !== r.tid && this.backend.switchAway(r);
  }

  /** `r` blocked (its scheduler state is set); true when it must return from its hook now. Throws KILLED on a deadlock. */
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
    return next !== r.tid && this.backend.switchAway(r);
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

  shutdown(): void | Promise<void> {
    return this.backend.shutdown();
  }
}
