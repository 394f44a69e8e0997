/**
 * A WASI command case on iwasm (`instantiate`, then at most `start`, on a module exporting
 * `_start`): `iwasm [flags] file args…` as one process, read back with the measured rules:
 *   - `_start` returns → rc 0; `proc_exit(N)` → rc N & 255, guest output flushed before;
 *   - a trap (any thread) → rc 1 and `Exception: <text>` as the last stdout line, after the
 *     guest's own output (which may lack its newline: `hiException: unreachable`);
 *   - load / instantiate failure (start-function trap included) → rc 255 and
 *     `WASM module … failed: <text>` on stdout;
 *   - iwasm's log lines (`[time - tid]: …`) are interleaved on stdout and removed.
 */
import { expectsStream } from '../../case.ts';
import { basename } from 'node:path';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ReplEnd } from './repl-session.ts';
import { runOnce } from './repl-session.ts';
import { bannerOutcome, exceptionOutcome, PROC_EXIT_TEXT, splitException, stripLogLines, TIMEOUT_TEXT } from './iwasm-output.ts';
import { iwasmFlags, writeModuleFile } from './iwasm-flags.ts';

/** Exit status iwasm uses when it cannot load or instantiate the module. */
export const IWASM_LOAD_FAILURE_STATUS = 255;

export interface CommandRun {
  binary: string;
  dir: string;
  label: string;
  budgetMs: number;
}

export function commandArgv(c: Case, file: string): string[] {
  const guestArgs = c.wasi?.args ?? [c.id];
  // iwasm sets argv[0] to the module path itself; the rest follow the file
  return [...iwasmFlags(c), file, ...guestArgs.slice(1)];
}

/** How the process ended → per-step observations (pure; exported for tests). */
export function readCommandEnd(c: Case, r: ReplEnd): Observation {
  const { text, logs } = stripLogLines(r.stdout);
  const raw: Record<string, unknown> = { exitCode: r.code, signal: r.signal, ...(logs.length ? { iwasmLog: logs } : {}) };
  const observe = (k: number, outcome: Outcome, stdout: string, stderr = r.stderr): StepObservation => {
    const obs: StepObservation = { outcome };
    if (expectsStream(c.steps[k]!.expect, 'stdout')) obs.stdout = stdout;
    if (expectsStream(c.steps[k]!.expect, 'stderr')) obs.stderr = stderr;
    return obs;
  };
  if (r.code === IWASM_LOAD_FAILURE_STATUS && !r.timedOut) {
    const failed = instantiationEnd(text, logs);
    if (failed) return { steps: [observe(0, failed.outcome, failed.guest)], stdout: failed.guest, stderr: r.stderr, raw };
  }
  const ex = splitException(text);
  let end: Outcome;
  let guest = text;
  if (r.timedOut) end = { kind: 'timeout', budgetMs: 0 };
  else if (r.code === null) end = { kind: 'crash', detail: `iwasm killed by signal ${r.signal ?? 'unknown'}` };
  else if (r.code === 1 && ex.exception !== undefined) {
    guest = ex.guest;
    end = ex.exception === TIMEOUT_TEXT ? { kind: 'timeout', budgetMs: 0 } : exceptionOutcome(ex.exception);
  } else end = { kind: 'exit', code: r.code };
  // the process's end belongs to its last step; the instantiate before a `start` returned
  const last = c.steps.length - 1;
  const steps = c.steps.map((_, k) => observe(k, k === last ? end : { kind: 'return', values: [] }, k === last ? guest : '', k === last ? r.stderr : ''));
  return { steps, stdout: guest, stderr: r.stderr, raw };
}

/**
 * rc 255 with `WASM module … failed:` → the instantiate step's outcome and the guest output
 * before it (a start function may write first).
 */
export function instantiationEnd(text: string, logs: readonly string[]): { outcome: Outcome; guest: string } | undefined {
  const at = text.lastIndexOf('WASM module ');
  if (at < 0) return undefined;
  // WAMR logs what it does not implement before failing (names holding U+0000: wasm_runtime.c)
  const limitation = logs.find((l) => l.includes('LIMITATION: '));
  if (limitation) return { outcome: { kind: 'unsupported', feature: `iwasm ${limitation.slice(limitation.indexOf('LIMITATION: ') + 'LIMITATION: '.length)}` }, guest: text.slice(0, at) };
  const outcome = bannerOutcome(text.slice(at));
  if (!outcome) return undefined;
  if (text.slice(at).includes(`Exception: ${PROC_EXIT_TEXT}`)) return { outcome: lostExitCode(), guest: text.slice(0, at) };
  return { outcome, guest: text.slice(0, at) };
}

/**
 * proc_exit during instantiation (the start function): iwasm prints `WASM module instantiate
 * failed: Exception: wasi proc exit` and exits 255 whatever the code (measured on 2.0.0 and
 * 2.4.5); the guest's exit code is gone. Not a trap and not an exit we can report: a runtime
 * failure, judged against the expected exit (corpus/regressions/iwasm-start-proc-exit-code-lost).
 */
export function lostExitCode(): Outcome {
  return { kind: 'crash', detail: 'iwasm lost the exit code: proc_exit in the start function became `WASM module instantiate failed: Exception: wasi proc exit`, status 255' };
}

export async function runCommandCase(run: CommandRun, c: Case): Promise<Observation> {
  const { file, renamed } = writeModuleFile(run.dir, run.label, c.modules[0]!.bytes);
  const argv = commandArgv(c, file);
  const r = await runOnce({ command: run.binary, args: argv, budgetMs: run.budgetMs, input: c.wasi?.stdin ?? '', keepStdinOpen: c.wasi?.stdinOpen === true });
  const obs = readCommandEnd(c, r);
  for (const s of obs.steps) if (s.outcome.kind === 'timeout') s.outcome = { kind: 'timeout', budgetMs: run.budgetMs };
  obs.raw = { ...obs.raw, argv: [basename(run.binary), ...argv.map((a) => (a === file ? basename(file) : a))], ...(renamed ? { memoryImportRenamed: `${renamed} → env.memory` } : {}) };
  return obs;
}
