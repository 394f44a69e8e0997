/**
 * One live driver process seen through the protocol: its hello, then one case at a time under a
 * watchdog. Everything that can go wrong with a driver ends the attempt with an outcome and a
 * clear reason, never an exception: a line that is not JSON or breaks a message's shape
 * (`crash`, "protocol error: …"), the process dying (`crash`, "driver process died …"), no
 * answer within the case's budget (`timeout`). After a protocol error or a timeout the process
 * is killed: its state can no longer be trusted.
 */
import { TrapcheckError } from '../../errors.ts';
import type { Observation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import { wireLine } from '../driver/wire.ts';
import type { DriverHello } from './hello.ts';
import { readHello } from './hello.ts';
import type { CaseRequest, WireCase } from './messages.ts';
import type { DriverCommand } from './driver-spec.ts';
import { DriverProcess, describeExit } from './driver-process.ts';
import { readResult } from './wire-result.ts';
import { ProtocolError } from './wire-value.ts';

export type Attempt = { kind: 'done'; obs: Observation } | { kind: 'ended'; outcome: Outcome; atStep: number; killed: boolean };

const START_TIMEOUT_MS = 20_000;

function parseLine(line: string): Record<string, unknown> {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    throw new ProtocolError(`a stdout line that is not JSON: ${JSON.stringify(line.slice(0, 80))} (stdout carries protocol lines only; guest output goes in results)`);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as { t?: unknown }).t !== 'string') throw new ProtocolError(`a line that is not a message object with a string \`t\`: ${JSON.stringify(line.slice(0, 80))}`);
  return m as Record<string, unknown>;
}

export class DriverConnection {
  private nextId = 1;
  /** `step` messages received so far (a driver that sends none cannot have a hang blamed on its step). */
  stepMessages = 0;

  private constructor(
    private readonly proc: DriverProcess,
    readonly hello: DriverHello,
  ) {}

  /** Spawns the driver and reads its hello; a one-line TrapcheckError when it does not greet properly. */
  static async start(spec: string, cmd: DriverCommand, startTimeoutMs = START_TIMEOUT_MS): Promise<DriverConnection> {
    const proc = new DriverProcess(cmd);
    const fail = (why: string): TrapcheckError => new TrapcheckError('RUNTIME_NOT_FOUND', `runtime \`${spec}\`: ${why}`);
    const hello = await new Promise<DriverHello>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(fail(`no hello within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      proc.onLine((line) => {
        clearTimeout(timer);
        unsubscribe();
        proc.onLine(undefined);
        try {
          resolve(readHello(parseLine(line)));
        } catch (e) {
          proc.kill();
          reject(fail(e instanceof ProtocolError ? `protocol error: ${e.message}` : String(e)));
        }
      });
      const unsubscribe = proc.onExit((e) => {
        clearTimeout(timer);
        reject(fail(`\`${cmd.command}\` ended before its hello (${describeExit(e)})`));
      });
    });
    return new DriverConnection(proc, hello);
  }

  /** Set once this connection killed its process (timeout, protocol error). */
  killed = false;

  get alive(): boolean {
    return this.proc.exited === undefined && !this.killed;
  }

  /** Runs one case; resolves how it ended. */
  attempt(wire: WireCase, budgetMs: number): Promise<Attempt> {
    const id = this.nextId++;
    let step = 0;
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      let unsubscribe = (): void => undefined;
      const settle = (a: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.proc.onLine(undefined);
        unsubscribe();
        resolve(a);
      };
      const end = (outcome: Outcome, kill: boolean): void => {
        if (kill) this.kill();
        settle({ kind: 'ended', outcome, atStep: step, killed: kill });
      };
      const timer = setTimeout(() => end({ kind: 'timeout', budgetMs }, true), budgetMs);
      this.proc.onLine((line) => {
        try {
          const m = parseLine(line);
          if (m['id'] !== id) throw new ProtocolError(`a ${String(m['t'])} message for case ${JSON.stringify(m['id'])} while case ${id} runs`);
          if (m['t'] === 'step') {
            const i = m['i'];
            if (typeof i !== 'number' || !Number.isInteger(i) || i < step || i >= wire.steps.length) throw new ProtocolError(`step message with i=${JSON.stringify(i)} (steps count up from 0, below ${wire.steps.length})`);
            step = i;
            this.stepMessages++;
          } else if (m['t'] === 'result') {
            const { obs, protocolError } = readResult(m, wire);
            if (protocolError) this.kill();
            settle({ kind: 'done', obs });
          }
          else if (m['t'] === 'error') end({ kind: 'crash', detail: `driver error: ${typeof m['message'] === 'string' ? m['message'] : JSON.stringify(m['message'])}` }, false);
          else throw new ProtocolError(`unknown message t=${JSON.stringify(m['t'])} (step, result, error)`);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          end({ kind: 'crash', detail: `protocol error: ${e.message}` }, true);
        }
      });
      unsubscribe = this.proc.onExit((e) => end({ kind: 'crash', detail: `driver process died (${describeExit(e)})` }, false));
      const req: CaseRequest = { t: 'case', id, case: wire };
      this.proc.send(wireLine(req));
    });
  }

  kill(): void {
    this.killed = true;
    this.proc.kill();
  }

  /** Ends the driver's input; resolves how it ended (undefined: it had to be killed after the grace time). */
  async close(graceMs?: number): Promise<{ code: number | null; signal: string | null } | undefined> {
    if (this.proc.exited) return this.proc.exited;
    let ended: { code: number | null; signal: string | null } | undefined;
    this.proc.onExit((e) => (ended ??= e));
    await this.proc.close(graceMs);
    return ended?.signal === 'SIGKILL' ? undefined : ended;
  }
}
