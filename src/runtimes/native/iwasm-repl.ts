/**
 * A core case on iwasm through `iwasm --repl`: one REPL session per instance, every step a
 * line, every state read a line, all on the same instance. The probe plan (probe-plan.ts,
 * mode `return`) turns each invoke / get into a nullary export returning integer bits, so what
 * iwasm prints (`0x…:i32`, `0x…:i64`) is exact for floats too.
 *
 * Measured REPL behaviour (profiles/iwasm.json cites the commands):
 *   - prompt `webassembly> ` (no newline), flushed before each read: one reply per line;
 *   - a trap prints `Exception: <text>` and the REPL goes on with the SAME instance, its memory
 *     and globals as the trap left them (`u` then `getg` → `0x7:i32`), on 2.0.0 and 2.4.5;
 *   - `proc_exit(N)` prints `Exception: wasi proc exit` and the REPL goes on too; the process
 *     exits N & 255 at end of input. WASI says proc_exit ends the process, so the adapter only
 *     reads the state the step's expectation names (the instance still answers), then closes
 *     the session: the step is `exit(status)` and every later step of the case observes the
 *     same exit (the process is gone), as on the reference runtime. `_start` returning (a
 *     `start` step) ends it the same way, with status 0;
 *   - load / instantiate failures end the process before the first prompt (rc 255).
 */
import { expectsStream } from '../../case.ts';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ProbeCall, ProbePlan } from './probe-plan.ts';
import type { ReplReply } from './repl-session.ts';
import { ReplSession } from './repl-session.ts';
import { exceptionOutcome, PROC_EXIT_TEXT, readReplReply, stripLogLines, TIMEOUT_TEXT } from './iwasm-output.ts';
import { instantiationEnd } from './iwasm-command.ts';
import { iwasmFlags, writeModuleFile } from './iwasm-flags.ts';

export const IWASM_PROMPT = 'webassembly> ';

export interface ReplRun {
  binary: string;
  dir: string;
  label: string;
  budgetMs: number;
}

/** A REPL line: the export and its integer arguments (iwasm parses them with strtoul, base 0). */
export function replLine(call: ProbeCall): string {
  return [call.export, ...call.args.map((a) => `0x${a.bits.toString(16)}`)].join(' ');
}

type CallResult =
  | { kind: 'values'; bits: bigint[] }
  /** The guest called proc_exit: the REPL still answers (state reads), the status comes at close. */
  | { kind: 'proc-exit' }
  | { kind: 'failed'; outcome: Outcome };

class CaseRun {
  private readonly sessions = new Map<string, ReplSession>();
  private stdout = '';
  private stderrClosed = '';
  /** The case's process ended (exit, crash, timeout): later steps observe this outcome. */
  ended: Outcome | undefined;
  readonly raw: Record<string, unknown> = {};

  constructor(
    private readonly run: ReplRun,
    private readonly c: Case,
    private readonly plan: ProbePlan,
  ) {}

  get stderr(): string {
    return this.stderrClosed + [...this.sessions.values()].map((s) => s.stderrText).join('');
  }

  async instantiate(k: number): Promise<Outcome> {
    const { instance, module } = this.plan.steps[k]!;
    const { file, renamed } = writeModuleFile(this.run.dir, `${this.run.label}-m${module}-s${k}`, this.plan.modules[module]!);
    if (renamed) this.raw['memoryImportRenamed'] = `${renamed} → env.memory`;
    const { session, banner } = await ReplSession.start({ command: this.run.binary, args: [...iwasmFlags(this.c), '--repl', file], prompt: IWASM_PROMPT, budgetMs: this.run.budgetMs });
    this.sessions.set(instance, session);
    const logs = stripLogLines(banner.text);
    if (banner.kind === 'reply') {
      if (logs.logs.length) this.raw['iwasmLog'] = logs.logs;
      this.stdout += logs.text;
      return { kind: 'return', values: [] };
    }
    return this.end(this.replyEnd(banner, true));
  }

  /** Performs one call on `instance`; a process end is recorded in `ended`. */
  async call(instance: string, call: ProbeCall): Promise<CallResult> {
    const session = this.sessions.get(instance);
    if (!session) return { kind: 'failed', outcome: { kind: 'crash', detail: `iwasm adapter: no session for instance ${instance}` } };
    const reply = await session.send(replLine(call));
    if (reply.kind !== 'reply') return { kind: 'failed', outcome: this.end(this.replyEnd(reply, false)) };
    const answer = readReplReply(reply.text, call.results);
    this.stdout += answer.guest;
    switch (answer.result.kind) {
      case 'values':
        return { kind: 'values', bits: answer.result.bits };
      case 'unreadable':
        return { kind: 'failed', outcome: { kind: 'crash', detail: `unreadable iwasm reply to ${call.export}: ${JSON.stringify(answer.result.text)}` } };
      case 'exception': {
        const message = answer.result.message;
        if (message === PROC_EXIT_TEXT) return { kind: 'proc-exit' };
        if (message === TIMEOUT_TEXT) return { kind: 'failed', outcome: this.end({ kind: 'timeout', budgetMs: this.run.budgetMs }) };
        return { kind: 'failed', outcome: exceptionOutcome(message) };
      }
    }
  }

  /**
   * Ends the process of `instance` after the guest exited (proc_exit, or `_start` returned): its
   * status is the exit code (measured: N & 255 at end of input, 0 after a return).
   */
  async exit(instance: string): Promise<Outcome> {
    const session = this.sessions.get(instance);
    if (!session) return this.end({ kind: 'crash', detail: `iwasm adapter: no session for instance ${instance}` });
    this.sessions.delete(instance);
    const end = await session.close();
    this.stderrClosed += end.stderr;
    if (end.timedOut) return this.end({ kind: 'timeout', budgetMs: this.run.budgetMs });
    if (end.code === null) return this.end({ kind: 'crash', detail: `iwasm killed by signal ${end.signal ?? 'unknown'} after the guest exited` });
    return this.end({ kind: 'exit', code: end.code });
  }

  /** The outcome of a session that ended (or hung) instead of printing its prompt. */
  private replyEnd(reply: Exclude<ReplReply, { kind: 'reply' }>, atStart: boolean): Outcome {
    if (reply.kind === 'timeout') return { kind: 'timeout', budgetMs: this.run.budgetMs };
    const { text, logs } = stripLogLines(reply.text);
    if (atStart) {
      const failed = instantiationEnd(text, logs);
      if (failed) {
        this.stdout += failed.guest;
        return failed.outcome;
      }
    }
    if (reply.signal) return { kind: 'crash', detail: `iwasm killed by signal ${reply.signal}` };
    return { kind: 'crash', detail: `iwasm ended (status ${reply.code}) without answering: ${JSON.stringify(text.slice(-200))}` };
  }

  /** Records the end of the process when the outcome is one (not a failed instantiation). */
  private end(o: Outcome): Outcome {
    if (o.kind === 'exit' || o.kind === 'timeout' || o.kind === 'crash') this.ended = o;
    return o;
  }

  observe(k: number, outcome: Outcome, extra: Partial<StepObservation> = {}): StepObservation {
    const step = this.c.steps[k]!;
    const obs: StepObservation = { outcome, ...extra };
    if (expectsStream(step.expect, 'stdout')) obs.stdout = this.stdout;
    if (expectsStream(step.expect, 'stderr')) obs.stderr = this.stderr;
    return obs;
  }

  get capturedStdout(): string {
    return this.stdout;
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) {
      const end = await s.close();
      this.stderrClosed += end.stderr;
    }
    this.sessions.clear();
  }

  kill(): void {
    for (const s of this.sessions.values()) s.kill();
  }
}

/**
 * The state step k's expectation names, read on the same instance after the step: after a trap
 * (the instance stays usable) and after an exit (the REPL still answers). A read that traps (a
 * region past the end of memory) leaves that part unread; the judge reports it missing.
 */
async function readState(r: CaseRun, plan: ProbePlan, k: number): Promise<Partial<StepObservation>> {
  const planned = plan.steps[k]!;
  if (!planned.reads.length) return {};
  const raws: bigint[][] = [];
  for (const read of planned.reads) {
    const got = await r.call(planned.instance, read);
    if (r.ended) break;
    raws.push(got.kind === 'values' ? got.bits : []);
  }
  return plan.decodeReads(k, raws);
}

/** Runs a planned case; one observation per step until the process ends. */
export async function runReplCase(run: ReplRun, c: Case, plan: ProbePlan): Promise<Observation> {
  const r = new CaseRun(run, c, plan);
  const steps: StepObservation[] = [];
  try {
    for (let k = 0; k < c.steps.length; k++) {
      if (r.ended) {
        // the process is gone: a later step sees the same end (exit) or nothing (crash, timeout)
        if (r.ended.kind !== 'exit') break;
        steps.push(r.observe(k, r.ended));
        continue;
      }
      const step = c.steps[k]!;
      const planned = plan.steps[k]!;
      if (step.op === 'instantiate') {
        const outcome = await r.instantiate(k);
        if (outcome.kind !== 'return') {
          steps.push(r.observe(k, outcome));
          break;
        }
        steps.push(r.observe(k, outcome, await readState(r, plan, k)));
        continue;
      }
      if (!planned.action) {
        steps.push(r.observe(k, { kind: 'unsupported', feature: `step ${step.op} through iwasm --repl` }));
        break;
      }
      const done = await r.call(planned.instance, planned.action);
      // `_start` returning is the command's exit 0 (README: steps), like a proc_exit
      const exiting = done.kind === 'proc-exit' || (done.kind === 'values' && step.op === 'start');
      let outcome: Outcome = done.kind === 'values' ? { kind: 'return', values: plan.decodeAction(k, done.bits) } : done.kind === 'failed' ? done.outcome : { kind: 'exit', code: 0 };
      const state = r.ended ? {} : await readState(r, plan, k);
      // the process hung or died while its state was read: that is the step's outcome (a half-read
      // state would be judged as "memory differs", a fault the runtime never showed)
      if (r.ended && r.ended !== outcome) {
        steps.push(r.observe(k, r.ended));
        break;
      }
      if (exiting && !r.ended) outcome = await r.exit(planned.instance);
      steps.push(r.observe(k, outcome, state));
    }
  } finally {
    r.kill();
    await r.close();
  }
  return { steps, stdout: r.capturedStdout, stderr: r.stderr, raw: r.raw };
}

/**
 * A case made only of `compile` steps (decode + validate, as the reference's
 * `WebAssembly.Module`: no imports needed). iwasm has no compile-only mode, so each module is
 * loaded and instantiated by `iwasm --repl` and the session closed at its first prompt: a load
 * failure is `rejected` (WAMR's loader decodes and validates in one stage: `compile`), and
 * anything later (an instance, a link failure, a start-function trap, an active segment out of
 * range) means the module compiled: `return`.
 */
export async function runCompileCase(run: ReplRun, c: Case): Promise<Observation> {
  const steps: StepObservation[] = [];
  for (const [k, step] of c.steps.entries()) {
    if (step.op !== 'compile') throw new Error('runCompileCase: a step other than compile');
    const { file } = writeModuleFile(run.dir, `${run.label}-c${k}`, c.modules[step.module]!.bytes);
    const { session, banner } = await ReplSession.start({ command: run.binary, args: [...iwasmFlags(c), '--repl', file], prompt: IWASM_PROMPT, budgetMs: run.budgetMs });
    session.kill();
    await session.close();
    let outcome: Outcome = { kind: 'return', values: [] };
    if (banner.kind === 'timeout') outcome = { kind: 'timeout', budgetMs: run.budgetMs };
    else if (banner.kind === 'ended') {
      const { text, logs } = stripLogLines(banner.text);
      const failed = instantiationEnd(text, logs);
      if (!failed) outcome = { kind: 'crash', detail: `iwasm ended (${banner.signal ? `signal ${banner.signal}` : `status ${banner.code}`}) without loading the module: ${JSON.stringify(text.slice(-200))}` };
      // only the loader's verdict counts: a failure to instantiate (linking included) means it compiled
      else if (!text.includes('WASM module instantiate failed: ')) outcome = failed.outcome;
    }
    steps.push({ outcome });
    if (outcome.kind === 'timeout' || outcome.kind === 'crash') break;
  }
  return { steps, stdout: '', stderr: '' };
}
