/**
 * A WASI case on wasm3 as one process, read back with the measured rules (profiles/wasm3.json):
 *   - `instantiate` + `start`: `wasm3 file args…` runs `_start`; returning is status 0,
 *     `proc_exit(N)` is status N & 255 with the guest's output written before (wasm3's WASI
 *     writes straight to fds 1 and 2, nothing is buffered);
 *   - `instantiate` + `invoke`: `wasm3 --func __trapcheck_step1 file` (the probe plan's wrapper,
 *     so results come back as integer bits); status 0 and `Result: N` lines on stderr;
 *   - `instantiate` alone: `wasm3 --repl file` with stdin at EOF: the module loads (head runs
 *     the start function there), one prompt `wasm3> ` goes to stdout, status 0;
 *   - a trap or a failure: status 1 and `Error: <text>` as the last stderr line, after the guest's
 *     own output (which may lack its newline: `abcError: [trap] unreachable executed`); a
 *     failure inside repl_load (or repl_compile) first prints `Error: [Fatal] repl_load: <text>`.
 * After an exit every later step observes that exit (the process is gone: README, case format);
 * after any other end a later step cannot run on a process runtime and is `unsupported`.
 */
import { expectsStream } from '../../case.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ProbePlan } from './probe-plan.ts';
import type { ReplEnd } from './repl-session.ts';
import { runOnce } from './repl-session.ts';
import type { Wasm3Line } from './wasm3-messages.ts';
import { WASM3_FLAGS, wasm3ErrorOutcome } from './wasm3-messages.ts';
import type { Wasm3Run } from './wasm3-repl.ts';
import { WASM3_PROMPT } from './wasm3-repl.ts';

/** Why a WASI case cannot run as one wasm3 process, or undefined. */
export function commandShapeProblem(c: Case): string | undefined {
  if (c.modules.length !== 1) return 'shape: several modules (wasm3 runs one WASI module per process)';
  if (c.steps[0]?.op !== 'instantiate' || c.steps.slice(1).some((s) => s.op === 'instantiate')) return 'shape: a WASI case that is not one instantiate followed by calls';
  if (c.steps.some((s) => s.expect.memory !== undefined || s.expect.globals !== undefined))
    return 'shape: memory or global expectations on a WASI case (wasm3 reports a proc_exit code only from a process running `_start`, which then ends)';
  const second = c.steps[1];
  if (second && second.op !== 'start' && second.op !== 'invoke') return `shape: step ${second.op} in a WASI process`;
  return undefined;
}

/** The end of wasm3's stderr that wasm3 wrote itself: its `Error:` lines, or `count` `Result:` lines. */
export function splitTrailer(stderr: string, kind: 'error' | 'results', count = 1): { guest: string; trailer: string[] } | undefined {
  if (!stderr.endsWith('\n')) return undefined;
  let rest = stderr.slice(0, -1);
  const trailer: string[] = [];
  const take = (marker: string): boolean => {
    const lineStart = rest.lastIndexOf('\n') + 1;
    const at = rest.lastIndexOf(marker);
    if (at < lineStart) return false;
    trailer.unshift(rest.slice(at));
    rest = rest.slice(0, at);
    return true;
  };
  if (kind === 'error') {
    if (!take('Error: ')) return undefined;
    // `Error: [Fatal] repl_load: <text>` comes before the bare text when repl_load failed
    if (rest.endsWith('\n')) {
      const saved = rest;
      rest = rest.slice(0, -1);
      if (!take('Error: [Fatal] ')) rest = saved;
    }
  } else {
    for (let i = 0; i < Math.max(1, count); i++) {
      if (!take('Result: ')) return undefined;
      if (i < Math.max(1, count) - 1) {
        if (!rest.endsWith('\n')) return undefined;
        rest = rest.slice(0, -1);
      }
    }
  }
  return { guest: rest, trailer };
}

/** How a wasm3 process ended → the outcome of the step it ran, and the guest's own stderr. */
export function processOutcome(r: ReplEnd, line: Wasm3Line, budgetMs: number, results?: number): { outcome: Outcome; stderr: string; load: boolean; raw?: bigint[] } {
  if (r.timedOut) return { outcome: { kind: 'timeout', budgetMs }, stderr: r.stderr, load: false };
  if (r.code === null) return { outcome: { kind: 'crash', detail: `wasm3 killed by signal ${r.signal ?? 'unknown'}` }, stderr: r.stderr, load: false };
  if (r.code === 1) {
    const split = splitTrailer(r.stderr, 'error');
    if (split) {
      // `[Fatal] repl_load:` / `[Fatal] repl_compile:`: the module never got to run the call
      const load = split.trailer[0]!.startsWith('Error: [Fatal] ');
      const text = split.trailer[split.trailer.length - 1]!.slice('Error: '.length);
      return { outcome: wasm3ErrorOutcome(text, line, load ? 'load' : 'call'), stderr: split.guest, load };
    }
  }
  if (results !== undefined && r.code === 0) {
    const split = splitTrailer(r.stderr, 'results', results);
    if (!split) return { outcome: { kind: 'crash', detail: `wasm3 printed no results: ${JSON.stringify(r.stderr.slice(-200))}` }, stderr: r.stderr, load: false };
    const raw = results === 0 ? [] : split.trailer.map((t) => BigInt(t.slice('Result: '.length).trim()));
    return { outcome: { kind: 'return', values: [] }, stderr: split.guest, load: false, raw };
  }
  return { outcome: { kind: 'exit', code: r.code }, stderr: r.stderr, load: false };
}

/** A guest argv[0] wasm3 can pass: it sets argv[0] to the module file's name. */
function fileName(c: Case): string {
  const argv0 = c.wasi?.args?.[0];
  return argv0 !== undefined && /^[\w.-]{1,100}$/.test(argv0) && argv0 !== '.' && argv0 !== '..' ? argv0 : 'module.wasm';
}

export async function runCommandCase(run: Wasm3Run, c: Case, plan: ProbePlan): Promise<Observation> {
  const file = join(run.dir, fileName(c));
  writeFileSync(file, plan.modules[0]!);
  const second = c.steps[1];
  const action = plan.steps[1]?.action;
  const argv: string[] = [...WASM3_FLAGS[run.line]];
  if (!second) argv.push('--repl', file);
  else if (second.op === 'start') argv.push(file, ...(c.wasi?.args ?? []).slice(1));
  else argv.push('--func', action!.export, file, ...action!.args.map((a) => a.bits.toString()));
  const r = await runOnce({ command: run.binary, args: argv, budgetMs: run.budgetMs, input: second ? (c.wasi?.stdin ?? '') : '', keepStdinOpen: second !== undefined && c.wasi?.stdinOpen === true });
  const raw = { exitCode: r.code, signal: r.signal, argv: ['wasm3', ...argv.map((a) => (a === file ? fileName(c) : a))] };
  let stdout = r.stdout;
  // the REPL's one prompt, printed after instantiation and before it read EOF
  if (!second && stdout.endsWith(WASM3_PROMPT)) stdout = stdout.slice(0, -WASM3_PROMPT.length);
  const end = processOutcome(r, run.line, run.budgetMs, second?.op === 'invoke' ? action!.results.length : undefined);
  let outcome = end.outcome;
  if (!second && outcome.kind === 'exit' && outcome.code === 0) outcome = { kind: 'return', values: [] };
  if (end.raw && second) outcome = { kind: 'return', values: plan.decodeAction(1, end.raw) };
  // a failure inside repl_load is the instantiate step's, even when a call was asked for
  const endsAt = !second || end.load ? 0 : 1;
  const steps: StepObservation[] = [];
  for (let k = 0; k <= endsAt; k++) steps.push(observe(c, k, k === endsAt ? outcome : { kind: 'return', values: [] }, k === endsAt ? stdout : '', k === endsAt ? end.stderr : ''));
  for (let k = endsAt + 1; k < c.steps.length; k++) {
    if (outcome.kind !== 'exit') {
      steps.push({ outcome: { kind: 'unsupported', feature: 'a step after the wasm3 process ended without an exit (one WASI call per process)' } });
      break;
    }
    steps.push(observe(c, k, outcome, stdout, end.stderr));
  }
  return { steps, stdout, stderr: end.stderr, raw };
}

function observe(c: Case, k: number, outcome: Outcome, stdout: string, stderr: string): StepObservation {
  const obs: StepObservation = { outcome };
  if (expectsStream(c.steps[k]!.expect, 'stdout')) obs.stdout = stdout;
  if (expectsStream(c.steps[k]!.expect, 'stderr')) obs.stderr = stderr;
  return obs;
}
