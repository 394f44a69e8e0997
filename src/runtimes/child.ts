/**
 * A supervised child process speaking one JSON object per line (driver/wire.ts). Adapters that
 * run a real engine or SDK out of process (node, deno, bun, @wasmer/sdk) use it so that a hang,
 * a crash or a runtime that never closes costs one case: the case observes `timeout` or
 * `crash`, the child is killed (SIGKILL, by pid) and a fresh one takes the next case.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TrapcheckError } from '../errors.ts';
import { wireLine } from './driver/wire.ts';

export interface ChildSpec {
  /** Runtime name, for messages. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long start-up (until the hello line) may take. */
  startTimeoutMs?: number;
  /**
   * Called right after each spawn (the first child and every respawn), before its hello: a
   * caller that must know every child it owns (to kill them with trapcheck) learns of one that
   * is still starting, not only of those that got through start-up.
   */
  onSpawn?: (child: SpawnedChild) => void;
}

/** A child as `ChildSpec.onSpawn` sees it, from its spawn on. */
export interface SpawnedChild {
  readonly pid: number | undefined;
  /** SIGKILL, synchronously; nothing once it has exited. */
  kill(): void;
  /** Called once when it has exited (at once if it already has). */
  onExit(f: (e: ChildExit) => void): void;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last stderr text (bounded), for crash details. */
  stderr: string;
}

const STDERR_KEEP = 4096;

export class LineChild<In extends object, Out extends { t: string }> implements SpawnedChild {
  private readonly proc: ChildProcess;
  private stderrTail = '';
  private listener: ((m: Out) => void) | undefined;
  private exitListeners: Array<(e: ChildExit) => void> = [];
  private exitInfo: ChildExit | undefined;
  /** Lines that were not protocol messages (an engine's own warnings), kept for diagnostics. */
  noise: string[] = [];

  private constructor(readonly spec: ChildSpec) {
    this.proc = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'], env: spec.env ?? process.env, cwd: spec.cwd });
    this.proc.stdin!.on('error', () => undefined); // EPIPE after a crash is reported through 'exit'
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-STDERR_KEEP);
    });
    const lines = createInterface({ input: this.proc.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let m: Out | undefined;
      if (line.startsWith('{')) {
        try {
          m = JSON.parse(line) as Out;
        } catch {
          m = undefined;
        }
      }
      if (m && typeof m.t === 'string') this.listener?.(m);
      else if (this.noise.length < 50) this.noise.push(line);
    });
    this.proc.on('error', (e) => this.finish({ code: null, signal: null, stderr: `${this.stderrTail}\n${e.message}`.trim() }));
    this.proc.on('exit', (code, signal) => {
      // let stderr drain before reporting
      setImmediate(() => this.finish({ code, signal, stderr: this.stderrTail }));
    });
    spec.onSpawn?.(this);
  }

  private finish(e: ChildExit): void {
    if (this.exitInfo) return;
    this.exitInfo = e;
    for (const l of this.exitListeners) l(e);
    this.exitListeners = [];
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get exited(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** Spawns the child and waits for its first message (the hello). */
  static async start<I extends object, O extends { t: string }>(spec: ChildSpec): Promise<{ child: LineChild<I, O>; hello: O }> {
    const child = new LineChild<I, O>(spec);
    let failedToStart: ((e: ChildExit) => void) | undefined;
    const hello = await new Promise<O>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${spec.name}: \`${spec.command}\` did not start within ${spec.startTimeoutMs ?? 20_000} ms`));
      }, spec.startTimeoutMs ?? 20_000);
      child.onMessage((m) => {
        clearTimeout(timer);
        resolve(m);
      });
      failedToStart = (e) => {
        clearTimeout(timer);
        const why = e.stderr.trim().split('\n').slice(-3).join(' / ') || `exit ${e.code ?? e.signal}`;
        reject(new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${spec.name}: \`${spec.command}\` failed to start: ${why}`));
      };
      child.onExit(failedToStart);
    });
    child.listener = undefined;
    // only start-up's own listener goes: `onSpawn`'s stays
    child.exitListeners = child.exitListeners.filter((l) => l !== failedToStart);
    return { child, hello };
  }

  onMessage(f: ((m: Out) => void) | undefined): void {
    this.listener = f;
  }

  onExit(f: (e: ChildExit) => void): void {
    if (this.exitInfo) f(this.exitInfo);
    else this.exitListeners.push(f);
  }

  send(m: In): void {
    if (this.exitInfo) return;
    this.proc.stdin!.write(`${wireLine(m)}\n`);
  }

  /** SIGKILL by pid: the child may be stuck in a wasm loop or in a runtime that never closes. */
  kill(): void {
    if (this.exitInfo || this.proc.pid === undefined) return;
    try {
      this.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Ends stdin (the child exits when it has nothing more to read); kills it if it does not. */
  async close(graceMs = 2_000): Promise<void> {
    if (!this.exitInfo) await endInput({ stdin: this.proc.stdin!, kill: () => this.kill(), onExit: (f) => this.onExit(f) }, graceMs);
  }
}

/** A line-protocol child process as `endInput` needs it (this module's children and the driver protocol's). */
export interface InputEnded {
  stdin: { end(): void };
  kill(): void;
  onExit(f: () => void): unknown;
}

/**
 * Ends a child's stdin (a child serving lines exits at end of input) and resolves when it has
 * exited, or after `graceMs`, when it is SIGKILLed instead.
 */
export function endInput(child: InputEnded, graceMs: number): Promise<void> {
  child.stdin.end();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve();
    }, graceMs);
    timer.unref();
    child.onExit(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
