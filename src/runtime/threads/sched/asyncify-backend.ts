/**
 * The scheduler's Asyncify backend (./coroutine.ts): main runs on the worker's own stack, and
 * when it gives way its hook runs the other threads inline (`drive`) until the schedule picks
 * main again; a spawned thread unwinds out of its hook and is rewound into it when resumed.
 * Synchronous: the case runs to its end inside the step executor's call. Parked coroutines are
 * simply dropped at the end (their stacks are host-side bytes).
 */
import { WA } from '../../wasm-api.ts';
import type { WasmModule } from '../../wasm-api.ts';
import { KILLED } from '../control.ts';
import { terminationOf } from '../thread-worker.ts';
import type { BackendEnv, SchedBackend } from './backend.ts';
import type { Runner } from './coroutine.ts';
import { Coroutine, MainThread, ThreadSetupError } from './coroutine.ts';
import type { SchedThreadImports } from './hooks.ts';
import { DEADLOCK } from './scheduler.ts';
import type { WasmMemory } from '../../wasm-api.ts';

export class AsyncifyBackend implements SchedBackend {
  readonly main = new MainThread();
  private readonly coroutines = new Map<number, Coroutine>();

  constructor(
    private readonly env: BackendEnv,
    private readonly memory: () => WasmMemory,
  ) {}

  linkMain(_p: unknown, setup: SchedThreadImports): SchedThreadImports {
    return setup;
  }

  newThread(tid: number, arg: number, module: WasmModule, mem: { module: string; base: string }): Runner {
    const co = new Coroutine(tid, arg, this.memory(), (self) => {
      const setup = this.env.importsFor(self, module, mem);
      if ('unlinkable' in setup || 'unsupported' in setup) throw new ThreadSetupError(`thread ${tid}: ${'unlinkable' in setup ? setup.unlinkable : setup.unsupported}`);
      return new WA.Instance(module, setup.imports).exports;
    });
    this.coroutines.set(tid, co);
    return co;
  }

  /** A coroutine unwinds; main runs the others inline. */
  switchAway(r: Runner): boolean {
    if (r instanceof Coroutine) {
      r.stack!.startUnwind();
      return true;
    }
    this.drive();
    return false;
  }

  /** Runs coroutines (from main's hook) until the schedule picks main again or the process ends. */
  private drive(): void {
    const { env } = this;
    for (;;) {
      if (env.killed) throw KILLED;
      const tid = env.sched.current;
      if (tid === 0) return;
      const co = this.coroutines.get(tid)!;
      let parked = false;
      try {
        parked = co.step();
      } catch (e) {
        const end = e instanceof ThreadSetupError ? { kind: 'crash' as const, detail: e.message } : terminationOf(e);
        env.terminate(end ?? { kind: 'crash', detail: `thread ${tid} unwound without an end record` });
      }
      if (parked) continue;
      this.coroutines.delete(tid);
      if (env.sched.finished() === DEADLOCK && !env.killed) env.terminate({ kind: 'deadlock' });
    }
  }

  shutdown(): void {
    this.coroutines.clear();
  }
}
