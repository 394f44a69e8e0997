/**
 * The scheduler's stack-switching backend: every thread, main included, runs on its own engine
 * stack (./stack-switching.ts) and parks in its hook by suspending (./jspi-thread.ts). Nothing is
 * instrumented for it: the module needs only the hooks of ../hook-bytes.ts, no Asyncify pass.
 *
 * The scheduler's decisions are made exactly where the Asyncify backend makes them (./process.ts
 * calls the same Scheduler methods in the same order); only the switch differs. A hook that gives
 * way parks its thread and hands over to `sched.current`: a parked thread is resumed, a new one
 * is instantiated and entered (in a microtask, so it never runs nested on the parking thread's
 * stack). When a spawned thread ends, the scheduler is told (`finished`) as Asyncify's drive loop
 * does, and the next thread runs. When the process ends, every parked thread is resumed with a
 * kill so its stack unwinds; `shutdown` settles once all have.
 */
import type { WasmModule } from '../../wasm-api.ts';
import { WA } from '../../wasm-api.ts';
import { terminationOf } from '../thread-worker.ts';
import type { PreparedThreadsModule } from '../prepare.ts';
import type { BackendEnv, SchedBackend } from './backend.ts';
import type { Runner } from './coroutine.ts';
import { ThreadSetupError } from './coroutine.ts';
import type { SchedThreadImports } from './hooks.ts';
import { JspiThread } from './jspi-thread.ts';
import { DEADLOCK, LOOP_QUANTUM } from './scheduler.ts';
import { HOOK_MODULE } from '../imports.ts';
import { POLL_HOOK } from './hooks.ts';
import type { FuncImport } from '../../../wasm/layout.ts';
import type { StackSwitching, ThreadLink } from './stack-switching.ts';

type Imports = Record<string, Record<string, unknown>>;

export class JspiBackend implements SchedBackend {
  readonly main = new JspiThread(0);
  private mainLink: ThreadLink | undefined;
  /** Spawned threads not yet entered, by tid: their first run. */
  private readonly unstarted = new Map<number, () => Promise<unknown>>();
  private readonly threads = new Map<number, JspiThread>([[0, this.main]]);
  /** The function imports of each module linked so far (a spawned thread instantiates its spawner's). */
  private readonly funcsOf = new WeakMap<WasmModule, readonly FuncImport[]>();
  /** Every entered thread's run, until it settles. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly env: BackendEnv,
    private readonly switching: StackSwitching,
  ) {}

  linkMain(p: PreparedThreadsModule, setup: SchedThreadImports): SchedThreadImports {
    const funcs = p.funcImports!;
    this.funcsOf.set(p.module, funcs);
    this.mainLink = this.link(this.main, funcs, setup.imports);
    return { ...setup, imports: this.mainLink.imports };
  }

  /** Runs main's `_start` on its own stack; settles when main returns or throws. */
  startMain(start: unknown): Promise<unknown> {
    return this.mainLink!.enterMain(start);
  }

  newThread(tid: number, arg: number, module: WasmModule, mem: { module: string; base: string }): Runner {
    const t = new JspiThread(tid);
    this.threads.set(tid, t);
    this.unstarted.set(tid, () => {
      const setup = this.env.importsFor(t, module, mem);
      if ('unlinkable' in setup || 'unsupported' in setup) throw new ThreadSetupError(`thread ${tid}: ${'unlinkable' in setup ? setup.unlinkable : setup.unsupported}`);
      const link = this.link(t, this.funcsOf.get(module)!, setup.imports);
      let exports: Record<string, unknown>;
      t.atomic = true; // its start section cannot switch: no stack to suspend yet
      try {
        exports = new WA.Instance(module, link.imports).exports;
      } finally {
        t.atomic = false;
      }
      const start = exports['wasi_thread_start'];
      if (typeof start !== 'function') throw new ThreadSetupError('wasi-threads: the module exports no wasi_thread_start function');
      return link.enterThread(start, tid, arg);
    });
    return t;
  }

  private link(t: JspiThread, funcs: readonly FuncImport[], imports: Imports): ThreadLink {
    const wrapped: Imports = {};
    for (const [ns, fields] of Object.entries(imports)) {
      const out: Record<string, unknown> = (wrapped[ns] = {});
      for (const [name, v] of Object.entries(fields)) out[name] = typeof v === 'function' ? t.suspendable(v as (...a: never[]) => unknown) : v;
    }
    const loop = wrapped[HOOK_MODULE]?.[POLL_HOOK] as (() => unknown) | undefined;
    if (loop && this.switching.countsLoopHeaders) {
      // the trampoline counted quantum - 1 headers without calling: the scheduler's count catches up
      const sched = this.env.sched;
      wrapped[HOOK_MODULE]![POLL_HOOK] = () => {
        sched.thread(t.tid).polls = LOOP_QUANTUM - 1;
        return loop();
      };
    }
    const link = this.switching.link(funcs, wrapped, { module: HOOK_MODULE, name: POLL_HOOK, quantum: LOOP_QUANTUM });
    t.release = link.release;
    return link;
  }

  switchAway(r: Runner): boolean {
    (r as JspiThread).park();
    this.handOver();
    return true;
  }

  /** The thread that just parked or ended gives the CPU to `sched.current` (or, once the process ended, kills the rest). */
  private handOver(): void {
    if (this.env.killed) return this.killParked();
    const tid = this.env.sched.current;
    const first = this.unstarted.get(tid);
    if (first) {
      this.unstarted.delete(tid);
      queueMicrotask(() => this.run(this.threads.get(tid)!, first));
    } else this.threads.get(tid)!.resume(false);
  }

  /** A spawned thread's whole life; its end is what Asyncify's drive loop does with a finished step. */
  private run(t: JspiThread, first: () => Promise<unknown>): void {
    const life = (async () => {
      try {
        await first();
      } catch (e) {
        t.release();
        if (t.killed) return; // unwound by the process's end: the scheduler is done with it
        const end = e instanceof ThreadSetupError ? { kind: 'crash' as const, detail: e.message } : terminationOf(e);
        this.env.terminate(end ?? { kind: 'crash', detail: `thread ${t.tid} unwound without an end record` });
      }
      t.release();
      if (t.killed) return;
      this.threads.delete(t.tid);
      if (this.env.sched.finished() === DEADLOCK && !this.env.killed) this.env.terminate({ kind: 'deadlock' });
      this.handOver();
    })();
    this.running.add(life);
    void life.finally(() => this.running.delete(life));
  }

  /** The process ended: every parked thread unwinds from its suspension point (KILLED). */
  private killParked(): void {
    this.unstarted.clear();
    for (const t of this.threads.values()) if (t.parked) t.resume(true);
  }

  async shutdown(): Promise<void> {
    this.killParked();
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      this.killParked(); // a thread that caught the kill and parked again
    }
    this.main.release();
  }
}
