/**
 * One driver process: spawned in its own process group (a driver may be a script that starts
 * the real program: a kill must reach both), its stdout read as lines, every line handed over
 * raw (the runtime decides what breaks the protocol), the tail of its stderr kept for crash
 * details. Killed with SIGKILL to the group; closed by ending its stdin.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import type { DriverCommand } from './driver-spec.ts';
import { endInput } from '../child.ts';

const STDERR_KEEP = 4096;

export interface DriverExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn error, when the command could not start at all. */
  error?: string;
  stderr: string;
}

export class DriverProcess {
  private readonly proc: ChildProcess;
  private stderrTail = '';
  private lineListener: ((line: string) => void) | undefined;
  private readonly early: string[] = [];
  private exitInfo: DriverExit | undefined;
  private readonly exitListeners: Array<(e: DriverExit) => void> = [];

  constructor(cmd: DriverCommand) {
    this.proc = spawn(cmd.command, cmd.args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: cmd.env ? { ...process.env, ...cmd.env } : process.env });
    this.proc.stdin!.on('error', () => undefined); // EPIPE after a death is reported through 'exit'
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderrTail = (this.stderrTail + d).slice(-STDERR_KEEP)));
    // lines end at \n only (not at U+2028 / U+2029 as node:readline's do): a driver in any language frames by newline
    let pending: Buffer[] = [];
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, nl));
        this.deliver(Buffer.concat(pending).toString('utf8').replace(/\r$/, ''));
        pending = [];
        start = nl + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    });
    this.proc.on('error', (e) => this.finish({ code: null, signal: null, error: e.message, stderr: this.stderrTail }));
    // let stdout and stderr drain first: the last line and the reason of a crash come with it
    this.proc.on('close', (code, signal) => this.finish({ code, signal, stderr: this.stderrTail }));
  }

  private deliver(line: string): void {
    if (this.lineListener) this.lineListener(line);
    else this.early.push(line);
  }

  private finish(e: DriverExit): void {
    if (this.exitInfo) return;
    this.exitInfo = e;
    for (const l of this.exitListeners.splice(0)) l(e);
  }

  get exited(): DriverExit | undefined {
    return this.exitInfo;
  }

  /** Every stdout line from now on (lines that came before any listener are delivered first). */
  onLine(f: ((line: string) => void) | undefined): void {
    this.lineListener = f;
    if (f) for (const line of this.early.splice(0)) f(line);
  }

  /** Calls `f` once the process has ended (at once if it has); returns the unsubscribe. */
  onExit(f: (e: DriverExit) => void): () => void {
    if (this.exitInfo) {
      f(this.exitInfo);
      return () => undefined;
    }
    this.exitListeners.push(f);
    return () => {
      const i = this.exitListeners.indexOf(f);
      if (i >= 0) this.exitListeners.splice(i, 1);
    };
  }

  /** Writes one line (the caller makes it JSON without raw line breaks). */
  send(line: string): void {
    if (this.exitInfo) return;
    this.proc.stdin!.write(`${line}\n`);
  }

  kill(): void {
    const pid = this.proc.pid;
    if (this.exitInfo || pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Ends stdin (a driver exits at end of input); kills the group if it has not ended after `graceMs`. */
  async close(graceMs = 2_000): Promise<void> {
    if (!this.exitInfo) await endInput({ stdin: this.proc.stdin!, kill: () => this.kill(), onExit: (f) => this.onExit(f) }, graceMs);
  }
}

/** `exit code 3`, `signal SIGSEGV`, or the spawn error, plus the last stderr lines. */
export function describeExit(e: DriverExit): string {
  const how = e.error ?? (e.signal ? `signal ${e.signal}` : `exit code ${e.code}`);
  const tail = e.stderr.trim().split('\n').slice(-2).join(' / ');
  return `${how}${tail ? `: ${tail}` : ''}`;
}
