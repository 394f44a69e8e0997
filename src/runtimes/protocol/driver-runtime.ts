/**
 * The `driver:CMD` runtime: any program that speaks `trapcheck.driver/1` (docs/driver-protocol.md)
 * on its stdin and stdout. Cases run one at a time on one driver process; a case that hangs, kills
 * the driver or breaks the protocol costs only itself (timeout / crash with the reason), the
 * process is replaced and the run goes on. The steps before a hang are recovered by re-running
 * the case cut short on the fresh process (cases are deterministic), as the engine drivers do.
 */
import { CONFIRM_SCALE } from '../native/confirm-timeout.ts';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import type { Runtime } from '../adapter.ts';
import type { Attempt } from './driver-connection.ts';
import { DriverConnection } from './driver-connection.ts';
import type { DriverCommand } from './driver-spec.ts';
import { parseDriverSpec } from './driver-spec.ts';
import type { DriverHello } from './hello.ts';
import { DRIVER_PROTOCOL } from './messages.ts';
import { toWireCase } from './wire-case.ts';

/** Why the driver cannot read what the case's expectations name, from its declared `reads`; undefined when it can. */
function missingOutputRead(c: Case, hello: DriverHello): string | undefined {
  for (const stream of ['stdout', 'stderr'] as const)
    if (!hello.reads.has(stream) && c.steps.some((s) => s.expect[stream] !== undefined)) return `reading ${stream} (the driver's hello does not list it in capabilities.reads)`;
  return undefined;
}

/**
 * Memory and globals the driver cannot read: the step's outcome is still judged, its state is
 * `unobservable` (the judge skips the step with this reason if it expects such state). The judge
 * then sets aside all instance state of the step, so a step whose memory the driver did read and
 * got wrong is left unmarked: it fails on the memory rather than hiding behind the skip.
 */
function markUnreadableState(c: Case, obs: Observation, hello: DriverHello): void {
  obs.steps.forEach((s, i) => {
    const exp = c.steps[i]?.expect;
    if (!exp) return;
    const missing = [exp.memory !== undefined && !hello.reads.has('memory') ? 'memory' : '', exp.globals !== undefined && !hello.reads.has('globals') ? 'globals' : ''].filter(Boolean);
    if (!missing.length) return;
    const memoryWrong = hello.reads.has('memory') && (exp.memory ?? []).some((r) => s.memory?.find((o) => o.offset === r.offset)?.hex !== r.hex);
    if (!memoryWrong) s.unobservable = `the driver does not read ${missing.join(' or ')} (capabilities.reads)`;
  });
}

export class DriverRuntime implements Runtime {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Processes replaced after a timeout, a death or a protocol error (reported in `raw`). */
  restarts = 0;
  /** `step` messages of the processes that are gone (driver-check asks whether a driver sends them). */
  private stepsOfGone = 0;

  private constructor(
    readonly name: string,
    private readonly cmd: DriverCommand,
    private live: DriverConnection | undefined,
    readonly hello: DriverHello,
  ) {}

  static async start(spec: string): Promise<DriverRuntime> {
    const cmd = parseDriverSpec(spec);
    const conn = await DriverConnection.start(spec, cmd);
    return new DriverRuntime(spec, cmd, conn, conn.hello);
  }

  get profile(): Runtime['profile'] {
    return this.hello.profile;
  }
  get capabilities(): Runtime['capabilities'] {
    return this.hello.capabilities;
  }

  version(): Promise<string> {
    return Promise.resolve(`${this.hello.name} ${this.hello.version} (${DRIVER_PROTOCOL})`);
  }

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
    const unreadable = missingOutputRead(c, this.hello);
    if (unreadable) return { steps: [{ outcome: { kind: 'unsupported', feature: unreadable } }], stdout: '', stderr: '' };
    let budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    let first = await this.attempt(c, c.steps.length, budget);
    let firstRunTimedOut: { step: number; confirmed: boolean; budgetScale: number } | undefined;
    if (first.kind !== 'done' && first.outcome.kind === 'timeout') {
      // a timeout that load could have caused is the verdict only if it repeats on a fresh driver with a larger budget (DESIGN §6)
      const step = first.atStep;
      budget *= CONFIRM_SCALE;
      first = await this.attempt(c, c.steps.length, budget);
      firstRunTimedOut = { step, confirmed: first.kind !== 'done' && first.outcome.kind === 'timeout', budgetScale: CONFIRM_SCALE };
    }
    let obs: Observation;
    if (first.kind === 'done') obs = firstRunTimedOut ? { ...first.obs, raw: { ...first.obs.raw, firstRunTimedOut } } : first.obs;
    else {
      const { outcome, atStep } = first;
      const raw = { ended: outcome.kind, atStep, restarts: this.restarts, ...(firstRunTimedOut ? { firstRunTimedOut } : {}) };
      const prefix = atStep > 0 ? await this.attempt(c, atStep, budget) : undefined;
      // the prefix left the driver in the state that led to a hang or a crash: the next case gets a fresh one
      if (prefix) this.retire();
      if (!prefix) obs = { steps: [{ outcome }], stdout: '', stderr: '', raw };
      else if (prefix.kind !== 'done') obs = { steps: [{ outcome: prefix.outcome }], stdout: '', stderr: '', raw: { ended: prefix.outcome.kind, atStep: prefix.atStep } };
      else obs = { steps: [...prefix.obs.steps.slice(0, atStep), { outcome }], stdout: prefix.obs.stdout, stderr: prefix.obs.stderr, raw };
    }
    markUnreadableState(c, obs, this.hello);
    return obs;
  }

  private async attempt(c: Case, steps: number, budgetMs: number): Promise<Attempt> {
    if (this.closed) return { kind: 'ended', outcome: { kind: 'crash', detail: `${this.name}: runtime closed` }, atStep: 0, killed: false };
    let conn: DriverConnection;
    try {
      conn = await this.ensure();
    } catch (e) {
      return { kind: 'ended', outcome: { kind: 'crash', detail: `driver restart failed: ${(e as Error).message}` }, atStep: 0, killed: false };
    }
    let wire;
    try {
      wire = toWireCase(c, steps);
    } catch (e) {
      return { kind: 'ended', outcome: { kind: 'unsupported', feature: (e as Error).message }, atStep: 0, killed: false };
    }
    const a = await conn.attempt(wire, budgetMs);
    // killed after a timeout or a protocol error, or dead: the next case gets a fresh driver
    if (a.kind === 'done' ? conn.killed : a.killed || !conn.alive) {
      this.stepsOfGone += conn.stepMessages;
      this.live = undefined;
    }
    return a;
  }

  private retire(): void {
    if (!this.live) return;
    this.stepsOfGone += this.live.stepMessages;
    this.live.kill();
    this.live = undefined;
  }

  /** The live driver, or a fresh one (its hello is read again) when the last one is gone. */
  private async ensure(): Promise<DriverConnection> {
    if (this.live?.alive) return this.live;
    this.live?.kill();
    this.stepsOfGone += this.live?.stepMessages ?? 0;
    this.restarts++;
    this.live = await DriverConnection.start(this.name, this.cmd);
    return this.live;
  }

  get stepMessages(): number {
    return this.stepsOfGone + (this.live?.stepMessages ?? 0);
  }

  async close(): Promise<void> {
    await this.shutdown();
  }

  /** Closes the driver's input and reports how the live process ended (undefined: none was live, or it had to be killed). */
  async shutdown(graceMs?: number): Promise<{ code: number | null; signal: string | null } | undefined> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    const live = this.live;
    this.live = undefined;
    return live?.close(graceMs);
  }
}

export function createDriverRuntime(spec: string): Promise<Runtime> {
  return DriverRuntime.start(spec);
}
