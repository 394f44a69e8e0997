/**
 * wasm-interp runs on long-lived children (interp-child.js), one run at a time per child. A run
 * that outlives its budget gets its child SIGKILLed (the next run starts a fresh one) and is
 * reported `timedOut`; a child that dies under a run reports it like a process that died. A child
 * is retired after RUNS_PER_CHILD runs so that nothing it accumulates can matter.
 */
import { fileURLToPath } from 'node:url';
import type { ProcessResult } from '../../runtimes/wabt.ts';
import { RespawningChild } from '../../runtimes/respawning-child.ts';
import { trackChild, whileSpawning } from '../child-reaper.ts';

const CHILD = fileURLToPath(new URL('./interp-child.js', import.meta.url));
const RUNS_PER_CHILD = 400;

/** One wasm-interp run with `args`, on a child of the pool. */
export type InterpRun = (args: string[], budgetMs: number) => Promise<ProcessResult>;

type Request = { id: number; args: string[] };
type Message = { t: 'hello' } | { t: 'done'; id: number; status: number; stdout: string; stderr: string };

class Slot {
  private runs = 0;
  private constructor(private readonly child: RespawningChild<Request, Message>) {}

  static async start(interp: string): Promise<Slot> {
    // the reaper's handlers go in before the spawn: a signal between the fork and onSpawn still finds the child
    const { child } = await whileSpawning(() =>
      RespawningChild.start<Request, Message>({
        name: 'wasm-interp (in-process)',
        command: process.execPath,
        args: [CHILD, interp],
        startTimeoutMs: 60_000,
        // every child, the first and each respawn, is tracked from its spawn on: a SIGTERM / SIGINT of
        // trapcheck kills it even while it is still starting (it would go on as an orphan)
        onSpawn: (spawned) => spawned.onExit(trackChild(spawned)),
      }),
    );
    return new Slot(child);
  }

  async run(args: string[], budgetMs: number): Promise<ProcessResult> {
    if (this.runs++ >= RUNS_PER_CHILD) {
      this.runs = 1;
      await this.child.close(1_000);
    }
    const live = await whileSpawning(() => this.child.ensure());
    const id = this.runs;
    return new Promise((resolve) => {
      const done = (r: Omit<ProcessResult, 'budgetMs'>): void => {
        clearTimeout(timer);
        live.onMessage(undefined);
        this.child.onDeath = undefined;
        resolve({ ...r, budgetMs });
      };
      const timer = setTimeout(() => {
        this.child.kill();
        done({ stdout: '', stderr: '', code: null, signal: 'SIGKILL', timedOut: true });
      }, budgetMs);
      this.child.onDeath = (detail) => done({ stdout: '', stderr: detail, code: null, signal: null, timedOut: false });
      live.onMessage((m) => {
        if (m.t === 'done' && m.id === id) done({ stdout: m.stdout, stderr: m.stderr, code: m.status, signal: null, timedOut: false });
      });
      live.send({ id, args });
    });
  }

  close(): Promise<void> {
    return this.child.close(1_000);
  }
}

export class InterpPool {
  private constructor(private readonly slots: Slot[]) {}

  static async start(interp: string, size: number): Promise<InterpPool> {
    return new InterpPool(await Promise.all(Array.from({ length: size }, () => Slot.start(interp))));
  }

  /** Runs `f` over `items` on the pool's children (each child one run at a time); results in input order. */
  async map<T, R>(items: readonly T[], f: (x: T, run: InterpRun) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    await Promise.all(
      this.slots.map(async (slot) => {
        while (next < items.length) {
          const i = next++;
          out[i] = await f(items[i]!, (args, budgetMs) => slot.run(args, budgetMs));
        }
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
