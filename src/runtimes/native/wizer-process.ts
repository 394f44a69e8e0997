/**
 * One wizer process: `wizer [--allow-wasi] [--inherit-env true] --init-func NAME in.wasm -o out.wasm`
 * under a watchdog. The child leads its own process group, and the whole group is SIGKILLed when
 * its budget runs out, so a hung init function costs only its case. The budget is CPU time when
 * /proc tells it: past the wall budget a process that has not yet used its budget of CPU was
 * starved (2 cores shared by many processes; wasmtime spends ~0.8 s of CPU building the report
 * of a stack overflow, measured 2–15 s of wall time here), so it gets up to `graceMs` more wall
 * time; a process that did burn its budget (a loop) is killed at once. The guest's stdout and stderr
 * are wizer's own (wizer inherits stdio), so both pipes are kept as bytes: stdout is all guest
 * output (the snapshot goes to `-o`); stderr is guest output followed by wizer's error, if any.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { withProcessSlot } from './process-slots.ts';

export interface WizerInvocation {
  binary: string;
  input: string;
  output: string;
  initFunc: string;
  /** Pass `--allow-wasi` (the module imports WASI). */
  wasi: boolean;
  /**
   * The guest's environment: wizer hands the guest its own environment with `--inherit-env true`,
   * so the child gets exactly these variables (and nothing of ours, RUST_BACKTRACE included).
   * Absent: `--inherit-env` stays false and the guest's environment is empty.
   */
  env?: readonly string[];
  /** Bytes on the guest's stdin; `stdinOpen`: the pipe is never closed (a read blocks for ever). */
  stdin?: string;
  stdinOpen?: boolean;
  budgetMs: number;
  /** Most extra wall time a starved process gets (see the file comment). */
  graceMs: number;
}

export interface WizerProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: Buffer;
  stderr: Buffer;
  /** Wall time of the process, for reports only. */
  ms: number;
}

/** Past this, the middle of stderr is dropped: a stack overflow prints ~32,000 backtrace frames. */
const STDERR_KEEP_HEAD = 4 << 20;
const STDERR_KEEP_TAIL = 64 << 10;

/** Keeps the head and the tail of a stream: guest output comes first, wizer's verdict last. */
class HeadTail {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = false;
  push(chunk: Buffer): void {
    if (this.headBytes < STDERR_KEEP_HEAD) {
      const take = chunk.subarray(0, STDERR_KEEP_HEAD - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= STDERR_KEEP_TAIL) {
      this.tailBytes -= this.tail.shift()!.length;
      this.dropped = true;
    }
  }
  bytes(): Buffer {
    const parts = [...this.head];
    if (this.dropped) parts.push(Buffer.from('\n[… trapcheck dropped the middle of this stream …]\n'));
    return Buffer.concat([...parts, ...this.tail]);
  }
}

/** CPU time (user + system) of a live process in ms, from /proc; undefined where /proc is missing. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat(5) (utime, stime), in clock ticks of 10 ms (CLK_TCK 100 on Linux)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const CHECK_MS = 250;
/** A process that got no CPU for this long past its budget is blocked, not starved. */
const STALL_MS = 2_000;

export function wizerArgv(run: Pick<WizerInvocation, 'input' | 'output' | 'initFunc' | 'wasi' | 'env'>): string[] {
  const argv: string[] = [];
  if (run.wasi) argv.push('--allow-wasi');
  if (run.env !== undefined) argv.push('--inherit-env', 'true');
  argv.push('--init-func', run.initFunc, run.input, '-o', run.output);
  return argv;
}

function environment(entries: readonly string[] | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const e of entries ?? []) {
    const eq = e.indexOf('=');
    env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return env;
}

export function runWizer(run: WizerInvocation): Promise<WizerProcessResult> {
  return withProcessSlot(
    () =>
      new Promise((resolve) => {
        const started = performance.now();
        const child = spawn(run.binary, wizerArgv(run), { stdio: ['pipe', 'pipe', 'pipe'], env: environment(run.env), detached: true });
        const stdout: Buffer[] = [];
        const stderr = new HeadTail();
        let timedOut = false;
        child.stdout.on('data', (d: Buffer) => stdout.push(d));
        child.stderr.on('data', (d: Buffer) => stderr.push(d));
        child.stdin.on('error', () => undefined);
        if (run.stdin) child.stdin.write(run.stdin);
        if (!run.stdinOpen) child.stdin.end();
        const killGroup = (): void => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        };
        let timer: NodeJS.Timeout;
        let lastUsed = -1;
        let lastProgress = 0;
        const watch = (): void => {
          const now = performance.now();
          const used = cpuMs(child.pid);
          if (used !== undefined && used > lastUsed) {
            lastUsed = used;
            lastProgress = now;
          }
          // starved, not stuck: under its CPU budget and still getting CPU (a process blocked
          // for ever, e.g. on a stdin that never closes, gets none and is killed)
          const starved = used !== undefined && used < run.budgetMs && now - lastProgress < STALL_MS && now - started < run.budgetMs + run.graceMs;
          if (starved) {
            timer = setTimeout(watch, CHECK_MS);
            return;
          }
          timedOut = true;
          killGroup();
        };
        timer = setTimeout(watch, run.budgetMs);
        const finish = (code: number | null, signal: NodeJS.Signals | null, extra?: string): void => {
          clearTimeout(timer);
          if (run.stdinOpen) child.stdin.destroy();
          if (extra) stderr.push(Buffer.from(extra));
          resolve({ code, signal, timedOut, stdout: Buffer.concat(stdout), stderr: stderr.bytes(), ms: performance.now() - started });
        };
        child.on('error', (e) => finish(null, null, `trapcheck could not start wizer: ${e.message}`));
        child.on('close', (code, signal) => {
          // an init function that spawned nothing still may leave the group: make sure it is gone
          if (timedOut) killGroup();
          finish(code, signal);
        });
      }),
  );
}
