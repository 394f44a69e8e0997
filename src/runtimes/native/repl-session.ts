/**
 * A REPL session over a native child process (iwasm `--repl`, wasm3 `--repl`): one line in, the
 * text up to the tool's next prompt out. Used by the native adapters to drive several steps of a
 * case on ONE instance, and shared so every REPL-driven runtime gets the same watchdog rules.
 *
 * API (all a caller needs):
 *
 *   const { session, banner } = await ReplSession.start({
 *     command: '/path/iwasm', args: ['--repl', 'm.wasm'],
 *     prompt: 'webassembly> ',      // printed by the tool whenever it waits for a line
 *     budgetMs: 5000,               // CPU time of EACH step: the banner, every line, the wait at close
 *     mergeStderr: false,           // true: stderr goes into the stdout pipe (one ordered stream)
 *   });
 *   // banner: what the tool printed before its first prompt (load errors, link warnings),
 *   //         as a ReplReply: `reply` when the prompt came, `ended` / `timeout` otherwise.
 *   const r = await session.send('add 1 2');
 *   //   { kind: 'reply',   text: '0x3:i32\n' }                   text between the line and the next prompt
 *   //   { kind: 'ended',   text, code, signal }                   the process ended first (text: its last output)
 *   //   { kind: 'timeout', text }                                 the step hung; the process group is killed
 *   const end = await session.close();  // ends stdin, waits for exit within one step's budget
 *   //   { code, signal, timedOut, stdout, stderr }               stdout / stderr: everything captured
 *   session.kill();                      // SIGKILL the process group now (idempotent)
 *   session.stderrText;                  // stderr captured so far (separate pipe: may lag a reply)
 *
 * Watchdog (cpu-watchdog.ts): each step has its own budget of the child's CPU time, and a child
 * that uses none is hung only when it is blocked (every thread asleep) past the budget, so a busy
 * machine, or a busy trapcheck that reads the reply late, never turns an answer into `timeout`.
 * The child is spawned as a process-group leader (`detached`), and the whole group is SIGKILLed
 * when a step hangs, on `kill()`, and if the session is dropped with the process alive after
 * `close()` timed out, so a hung runtime (or a thread it left behind) costs only its case. A line
 * sent after the process ended resolves `ended` at once (EPIPE is swallowed).
 *
 * `mergeStderr` runs the tool under `sh -c 'exec "$@" 2>&1'`: the exec keeps the pid (so the group
 * kill still reaches it) and the kernel pipe keeps stdout and stderr writes in their true order,
 * which two separate pipes cannot promise (wasm3 prints results on stderr and prompts on stdout).
 *
 * One-shot runs (a WASI command) get the same watchdog through `runOnce(spec)` (run-once.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { WatchdogFiring, WatchdogProbe } from './cpu-watchdog.ts';
import { StepWatchdog } from './cpu-watchdog.ts';

export interface ReplSessionSpec {
  command: string;
  args: readonly string[];
  /** The exact text the tool prints when it waits for the next line. */
  prompt: string;
  /** CPU milliseconds of each step (banner, line, close); the process group is killed when one hangs. */
  budgetMs: number;
  /** Wall milliseconds a step may last whatever its CPU (default: cpu-watchdog.ts). */
  backstopMs?: number;
  /** What the watchdog reads (tests inject a starved or slow child). */
  probe?: WatchdogProbe;
  /** Route stderr into the stdout pipe so replies on both streams keep their order. */
  mergeStderr?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export type ReplReply =
  | { kind: 'reply'; text: string }
  | { kind: 'ended'; text: string; code: number | null; signal: string | null }
  | { kind: 'timeout'; text: string };

export interface ReplEnd {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Why the watchdog ended it, when it did. */
  watchdog?: WatchdogFiring;
  /** Everything the process wrote on stdout (with merged stderr, both streams). */
  stdout: string;
  stderr: string;
}

import { MAX_CAPTURE } from './run-once.ts';

export { runOnce } from './run-once.ts';
export type { OnceSpec } from './run-once.ts';

type Waiter = (r: ReplReply) => void;

export class ReplSession {
  private stdout = '';
  private stderr = '';
  /** Index in `stdout` where the text of the pending reply starts. */
  private replyStart = 0;
  private waiter: Waiter | undefined;
  private endInfo: { code: number | null; signal: string | null } | undefined;
  private endListeners: Array<() => void> = [];
  private timedOut = false;
  private firing: WatchdogFiring | undefined;
  private readonly watchdog: StepWatchdog;

  private constructor(
    private readonly spec: ReplSessionSpec,
    private readonly proc: ChildProcess,
  ) {
    this.watchdog = new StepWatchdog(
      () => proc.pid,
      (f) => {
        this.timedOut = true;
        this.firing = f;
        this.kill();
        this.settle({ kind: 'timeout', text: this.pendingText() });
      },
      spec.probe,
    );
    this.watchdog.arm(this.limits()); // the banner is the first step
    proc.stdin!.on('error', () => undefined);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => this.onStdout(d));
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (this.stderr.length < MAX_CAPTURE) this.stderr += d;
    });
    proc.on('error', (e) => {
      this.stderr += e.message;
      this.onEnd(null, null);
    });
    // 'close' (not 'exit'): every byte of both pipes has been read by then
    proc.on('close', (code, signal) => this.onEnd(code, signal));
  }

  /** Spawns the tool and waits for its first prompt (or its end, or the budget). */
  static async start(spec: ReplSessionSpec): Promise<{ session: ReplSession; banner: ReplReply }> {
    const [command, args] = spec.mergeStderr ? ['sh', ['-c', 'exec "$@" 2>&1', 'sh', spec.command, ...spec.args]] : [spec.command, [...spec.args]];
    const proc = spawn(command as string, args as string[], { stdio: ['pipe', 'pipe', spec.mergeStderr ? 'ignore' : 'pipe'], cwd: spec.cwd, env: spec.env ?? process.env, detached: true });
    const session = new ReplSession(spec, proc);
    const banner = await session.nextReply();
    return { session, banner };
  }

  /** Sends one line (a newline is added) and resolves with the text up to the next prompt. */
  send(line: string): Promise<ReplReply> {
    if (line.includes('\n')) throw new Error(`ReplSession.send: a line must not contain a newline: ${JSON.stringify(line)}`);
    const reply = this.nextReply();
    if (!this.endInfo && !this.timedOut) {
      this.watchdog.arm(this.limits());
      this.proc.stdin!.write(`${line}\n`);
    }
    return reply;
  }

  /** Ends stdin and waits for the process to exit (within what is left of the budget). */
  async close(): Promise<ReplEnd> {
    this.proc.stdin!.end();
    if (!this.endInfo) {
      if (!this.timedOut) this.watchdog.arm(this.limits());
      await new Promise<void>((resolve) => this.endListeners.push(resolve));
    }
    this.watchdog.disarm();
    return { code: this.endInfo!.code, signal: this.endInfo!.signal, timedOut: this.timedOut, ...(this.firing ? { watchdog: this.firing } : {}), stdout: this.stdout, stderr: this.stderr };
  }

  /** SIGKILLs the whole process group (the tool and any thread or child it left). Idempotent. */
  kill(): void {
    if (this.endInfo || this.proc.pid === undefined) return;
    try {
      process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      this.proc.kill('SIGKILL');
    }
  }

  /** Everything the tool wrote on stderr so far (empty with `mergeStderr`). */
  get stderrText(): string {
    return this.stderr;
  }

  /** Why the watchdog ended the session, if it did (for reports). */
  get watchdogFiring(): WatchdogFiring | undefined {
    return this.firing;
  }

  /** Pid of the tool (the group leader), for tests that simulate a crash. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  private limits(): { budgetMs: number; backstopMs?: number } {
    return { budgetMs: this.spec.budgetMs, ...(this.spec.backstopMs !== undefined ? { backstopMs: this.spec.backstopMs } : {}) };
  }

  private nextReply(): Promise<ReplReply> {
    if (this.waiter) throw new Error('ReplSession: a reply is already pending (send lines one at a time)');
    return new Promise<ReplReply>((resolve) => {
      this.waiter = resolve;
      // output that arrived before the caller asked (the banner, or a reply racing the call)
      if (this.scanPrompt()) return;
      if (this.timedOut) this.settle({ kind: 'timeout', text: this.pendingText() });
      else if (this.endInfo) this.settle({ kind: 'ended', text: this.pendingText(), ...this.endInfo });
    });
  }

  private onStdout(d: string): void {
    if (this.stdout.length < MAX_CAPTURE) this.stdout += d;
    this.scanPrompt();
  }

  /** Resolves the pending reply when a prompt follows its start; true when it did. */
  private scanPrompt(): boolean {
    if (!this.waiter) return false;
    const at = this.stdout.indexOf(this.spec.prompt, this.replyStart);
    if (at < 0) return false;
    const text = this.stdout.slice(this.replyStart, at);
    this.replyStart = at + this.spec.prompt.length;
    this.settle({ kind: 'reply', text });
    return true;
  }

  private pendingText(): string {
    return this.stdout.slice(this.replyStart);
  }

  private settle(r: ReplReply): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w && r.kind === 'reply') this.watchdog.disarm();
    if (r.kind !== 'reply') this.replyStart = this.stdout.length;
    w?.(r);
  }

  private onEnd(code: number | null, signal: string | null): void {
    if (this.endInfo) return;
    this.endInfo = { code, signal };
    this.watchdog.disarm();
    if (this.waiter && !this.scanPrompt()) this.settle(this.timedOut ? { kind: 'timeout', text: this.pendingText() } : { kind: 'ended', text: this.pendingText(), code, signal });
    for (const l of this.endListeners) l();
    this.endListeners = [];
  }
}
