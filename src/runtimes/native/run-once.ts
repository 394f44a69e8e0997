/**
 * One-shot runs of a native child (a WASI command) under the same watchdog as a REPL step
 * (cpu-watchdog.ts), the whole run as one step: stdin is written and closed (or kept open for ever
 * with `keepStdinOpen`, a pipe whose writer never closes), the process group is SIGKILLed when the
 * run hangs, and it resolves a ReplEnd (repl-session.ts).
 */
import { spawnOnPipes } from '../piped-process.ts';
import type { WatchdogFiring, WatchdogProbe } from './cpu-watchdog.ts';
import { StepWatchdog } from './cpu-watchdog.ts';
import type { ReplEnd } from './repl-session.ts';

/** Output kept per stream; a runaway guest printing forever must not exhaust the host. */
export const MAX_CAPTURE = 4 * 1024 * 1024;

export interface OnceSpec {
  command: string;
  args: readonly string[];
  /** CPU milliseconds of the whole run (cpu-watchdog.ts). */
  budgetMs: number;
  backstopMs?: number;
  probe?: WatchdogProbe;
  /** Bytes for fd 0. */
  input?: string;
  /** Keep fd 0 open after `input` (reads block instead of seeing EOF). */
  keepStdinOpen?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a process to its end (or its budget: the process group is killed), capturing both streams. */
export async function runOnce(spec: OnceSpec): Promise<ReplEnd> {
  // real pipes on fd 0..2, as a shell or wasi-testsuite's runner gives a command (Node's own
  // stdio are socket pairs, on which e.g. WASI sock_shutdown(1) succeeds): piped-process.ts
  const p = await spawnOnPipes(spec.command, spec.args, { ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}), env: spec.env ?? process.env, detached: true });
  const proc = p.child;
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let ended = false;
  const killGroup = (): void => {
    if (ended || proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  };
  let firing: WatchdogFiring | undefined;
  const watchdog = new StepWatchdog(
    () => proc.pid,
    (f) => {
      timedOut = true;
      firing = f;
      killGroup();
    },
    spec.probe,
  );
  watchdog.arm({ budgetMs: spec.budgetMs, ...(spec.backstopMs !== undefined ? { backstopMs: spec.backstopMs } : {}) });
  p.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (stdout.length < MAX_CAPTURE) stdout += d;
  });
  p.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < MAX_CAPTURE) stderr += d;
  });
  p.stdin.on('error', () => undefined);
  if (spec.input) p.stdin.write(spec.input);
  if (!spec.keepStdinOpen) p.stdin.end();
  const end = await p.closed;
  ended = true;
  watchdog.disarm();
  p.stdin.destroy();
  if (end.error) stderr += end.error.message;
  return { code: end.code, signal: end.signal, timedOut, ...(firing ? { watchdog: firing } : {}), stdout, stderr };
}
