/**
 * Case execution through a supervised driver child (child.ts): one case at a time per child,
 * a watchdog per case, kill + respawn on a hang or a crash, and recovery of the observations
 * of the steps before the one that hung (re-run of the prefix on a fresh child: cases are
 * deterministic), as the reference runtime's pool does with its workers.
 */
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';
import type { ChildSpec, LineChild } from './child.ts';
import { RespawningChild } from './respawning-child.ts';
import { CONFIRM_SCALE } from './native/confirm-timeout.ts';
import type { DriverMessage, Hello, RunRequest, WireCase } from './driver/wire.ts';
import { toWire } from './driver/wire.ts';
import { toPoolCase } from '../runtime/pool.ts';

/**
 * The case as the driver gets it. `fuel` / `asyncify` modules are instrumented here, in the
 * parent (binaryen, loaded only for such cases), so the engine under test runs the very bytes
 * the reference runtime runs, with trapcheck's host side (src/runtime/calls/, src/component/).
 */
async function wireCase(c: Case): Promise<WireCase> {
  const runnable = toPoolCase(c);
  if (!runnable.fuel && !runnable.asyncify) return toWire(runnable);
  const { instrumentForCalls } = await import('../runtime/calls/instrument.ts');
  const flags = { fuel: runnable.fuel === true, asyncify: runnable.asyncify === true };
  const instrumented = c.modules.map((m) => {
    try {
      return instrumentForCalls(m.bytes, flags).bytes;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  });
  return toWire(runnable, instrumented);
}

type Attempt = { kind: 'done'; obs: Observation } | { kind: 'ended'; outcome: Outcome; atStep: number };

export class SupervisedDriver {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private nextId = 1;

  private constructor(
    private readonly child: RespawningChild<RunRequest, DriverMessage>,
    readonly hello: Hello,
  ) {}

  static async start(spec: ChildSpec): Promise<SupervisedDriver> {
    const { child, hello } = await RespawningChild.start<RunRequest, DriverMessage>(spec);
    if (hello.t !== 'hello') throw new Error(`runtime ${spec.name}: first message was ${hello.t}, not hello`);
    return new SupervisedDriver(child, hello);
  }

  /** Runs cases one after another on the child (calls are serialised). */
  executeAll(cases: readonly Case[]): Promise<Observation[]> {
    const run = this.queue.then(async () => {
      const out: Observation[] = [];
      for (const c of cases) out.push(await this.runCase(c));
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runCase(c: Case): Promise<Observation> {
    let budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    const wire = await wireCase(c);
    let first = await this.attempt(wire, undefined, budget);
    let firstRunTimedOut: { step: number; confirmed: boolean; budgetScale: number } | undefined;
    if (first.kind === 'ended' && first.outcome.kind === 'timeout') {
      // A watchdog is not part of an expectation (DESIGN §6): a timeout that load could have caused
      // (a loaded machine, the child's first case warming its JIT) is the verdict only if the case,
      // run again on a fresh child with CONFIRM_SCALE times the budget, times out again.
      const step = first.atStep;
      budget *= CONFIRM_SCALE;
      first = await this.attempt(wire, undefined, budget);
      firstRunTimedOut = { step, confirmed: first.kind === 'ended' && first.outcome.kind === 'timeout', budgetScale: CONFIRM_SCALE };
    }
    if (first.kind === 'done') return firstRunTimedOut ? { ...first.obs, raw: { ...first.obs.raw, firstRunTimedOut } } : first.obs;
    const { outcome, atStep } = first;
    const raw = { ended: outcome.kind, atStep, ...(firstRunTimedOut ? { firstRunTimedOut } : {}) };
    if (atStep <= 0) return { steps: [{ outcome }], stdout: '', stderr: '', raw };
    const prefix = await this.attempt(wire, atStep, budget);
    if (prefix.kind !== 'done') return { steps: [{ outcome: prefix.outcome }], stdout: '', stderr: '', raw: { ended: prefix.outcome.kind, atStep: prefix.atStep } };
    return { steps: [...prefix.obs.steps.slice(0, atStep), { outcome }], stdout: prefix.obs.stdout, stderr: prefix.obs.stderr, raw };
  }

  private async attempt(wire: WireCase, maxSteps: number | undefined, budgetMs: number): Promise<Attempt> {
    if (this.closed) return { kind: 'ended', outcome: { kind: 'crash', detail: `${this.child.spec.name} runtime closed` }, atStep: 0 };
    let child: LineChild<RunRequest, DriverMessage>;
    try {
      child = await this.child.ensure();
    } catch (e) {
      return { kind: 'ended', outcome: { kind: 'crash', detail: (e as Error).message }, atStep: 0 };
    }
    const id = this.nextId++;
    let step = 0;
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      const settle = (a: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.onMessage(undefined);
        this.child.onDeath = undefined;
        resolve(a);
      };
      const timer = setTimeout(() => {
        this.child.kill();
        settle({ kind: 'ended', outcome: { kind: 'timeout', budgetMs }, atStep: step });
      }, budgetMs);
      child.onMessage((m) => {
        if (m.t === 'step' && m.id === id) step = m.i;
        else if (m.t === 'done' && m.id === id) settle({ kind: 'done', obs: m.obs });
      });
      this.child.onDeath = (detail) => settle({ kind: 'ended', outcome: { kind: 'crash', detail }, atStep: step });
      const req: RunRequest = { t: 'run', id, case: wire };
      if (maxSteps !== undefined) req.maxSteps = maxSteps;
      child.send(req);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.child.close();
  }
}
