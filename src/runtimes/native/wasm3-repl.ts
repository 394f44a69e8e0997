/**
 * A core case on wasm3 through `wasm3 --repl file`: one REPL session per instance, every step a
 * `:invoke` of the probe plan's nullary wrapper (src/runtimes/native/probe-plan.ts, mode
 * `return`), every memory / global expectation a `:invoke` of a peek or global reader.
 *
 * Measured protocol (both versions): the prompt `wasm3> ` goes to stdout (flushed, no newline),
 * replies to stderr, one line per command: `Result: 42:i32`, `Result: 1:i32, 2:i64`,
 * `Result: <Empty Stack>` (raw bits in unsigned decimal, floats as their bits), or `Error:
 * <text> (<detail>)`. After a trap the REPL goes on and the instance answers: the next
 * `:invoke` sees memory and globals as the trap left them. The session merges stderr into the
 * stdout pipe so a reply and the prompt after it arrive in their true order.
 *
 * The REPL cannot show proc_exit (it drops trapExit silently) and reads arguments with
 * strtoul base 10, which is why every call is a nullary wrapper or an unsigned address.
 */
import { expectsStream } from '../../case.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { ProbeCall, ProbePlan } from './probe-plan.ts';
import type { ReplReply } from './repl-session.ts';
import { ReplSession } from './repl-session.ts';
import type { Wasm3Line } from './wasm3-messages.ts';
import { lostExitCode, replErrorText, WASM3_FLAGS, wasm3ErrorOutcome } from './wasm3-messages.ts';

export const WASM3_PROMPT = 'wasm3> ';

export interface Wasm3Run {
  binary: string;
  line: Wasm3Line;
  /** A directory of this case alone (module files). */
  dir: string;
  budgetMs: number;
  /** A WASI case on the REPL (wasm3CaseProblem says when): guest output may precede a reply. */
  wasi?: boolean;
}

/**
 * One REPL reply → the raw integers of a `Result:` line, or the outcome of an `Error:` line.
 * `guestOutput`: a WASI guest may have written to fd 1 / 2 during the call (merged into the same
 * pipe, before wasm3's reply, possibly without a newline); the reply is then the text from the
 * last `Result: ` / `Error: ` of the last line, and no reply line at all is an exit the REPL
 * dropped (it prints nothing for trapExit).
 */
export function parseReplReply(text: string, line: Wasm3Line, guestOutput = false): { raw: bigint[] } | { outcome: Outcome } {
  let lines = text.split('\n').filter((l) => l.trim() !== '');
  if (guestOutput) {
    const tail = lines[lines.length - 1] ?? '';
    const at = Math.max(tail.lastIndexOf('Result: '), tail.lastIndexOf('Error: '));
    if (at < 0) return { outcome: lostExitCode('repl') };
    lines = [tail.slice(at)];
  }
  const last = lines[lines.length - 1];
  if (lines.length !== 1 || last === undefined) return { outcome: { kind: 'crash', detail: `wasm3 REPL replied ${JSON.stringify(text)} (one line expected)` } };
  if (last.startsWith('Result: ')) {
    const body = last.slice('Result: '.length).trim();
    if (body === '<Empty Stack>') return { raw: [] };
    const raw: bigint[] = [];
    for (const part of body.split(', ')) {
      const m = /^(\d+):(?:i32|i64|f32|f64)$/.exec(part);
      if (!m) return { outcome: { kind: 'crash', detail: `unreadable wasm3 result ${JSON.stringify(part)}` } };
      raw.push(BigInt(m[1]!));
    }
    return { raw };
  }
  const err = replErrorText(last);
  if (err !== undefined) return { outcome: wasm3ErrorOutcome(err, line, 'call') };
  return { outcome: { kind: 'crash', detail: `wasm3 REPL replied ${JSON.stringify(last)}` } };
}

/** What the REPL printed before its first prompt, or how it ended instead (load / start failure). */
export function bannerOutcome(banner: ReplReply, line: Wasm3Line, budgetMs: number): Outcome {
  if (banner.kind === 'timeout') return { kind: 'timeout', budgetMs };
  if (banner.kind === 'reply') {
    const err = banner.text.split('\n').find((l) => l.startsWith('Error: '));
    return err ? wasm3ErrorOutcome(replErrorText(err) ?? err, line, 'load') : { kind: 'return', values: [] };
  }
  return endedOutcome(banner, line, 'load');
}

/** The process ended: its last `Error:` line (a `[Fatal] repl_load` is followed by the bare text), else a crash. */
function endedOutcome(r: Extract<ReplReply, { kind: 'ended' }>, line: Wasm3Line, stage: 'load' | 'call'): Outcome {
  const errors = r.text.split('\n').filter((l) => l.startsWith('Error: '));
  const last = errors[errors.length - 1];
  if (r.signal === null && last !== undefined) return wasm3ErrorOutcome(last.slice('Error: '.length), line, stage);
  return { kind: 'crash', detail: `wasm3 ended (${r.signal ? `signal ${r.signal}` : `exit status ${r.code}`})${r.text.trim() ? `: ${r.text.trim().slice(0, 200)}` : ''}` };
}

function command(call: ProbeCall): string {
  return [':invoke', call.export, ...call.args.map((a) => a.bits.toString())].join(' ');
}

/** Drives every step of `c` (already planned) on one REPL session per instance. */
export async function runReplCase(run: Wasm3Run, c: Case, plan: ProbePlan): Promise<Observation> {
  const files = plan.modules.map((bytes, i) => {
    const file = join(run.dir, `module-${i}.wasm`);
    writeFileSync(file, bytes);
    return file;
  });
  const sessions = new Map<string, ReplSession>();
  const transcript: string[] = [];
  const steps: StepObservation[] = [];
  const timeout = (): Outcome => ({ kind: 'timeout', budgetMs: run.budgetMs });
  /** Sends one command; a reply that is not a prompt-terminated line ends the case. */
  const ask = async (session: ReplSession, call: ProbeCall): Promise<{ raw: bigint[] } | { outcome: Outcome; fatal: boolean }> => {
    const line = command(call);
    const reply = await session.send(line);
    transcript.push(`> ${line}`, reply.text.trimEnd());
    if (reply.kind === 'timeout') return { outcome: timeout(), fatal: true };
    if (reply.kind === 'ended') return { outcome: endedOutcome(reply, run.line, 'call'), fatal: true };
    const parsed = parseReplReply(reply.text, run.line, run.wasi === true);
    return 'raw' in parsed ? parsed : { outcome: parsed.outcome, fatal: false };
  };
  try {
    for (let k = 0; k < c.steps.length; k++) {
      const step = c.steps[k]!;
      const probes = plan.steps[k]!;
      const obs: StepObservation = { outcome: { kind: 'return', values: [] } };
      if (step.op === 'instantiate') {
        const { session, banner } = await ReplSession.start({ command: run.binary, args: [...WASM3_FLAGS[run.line], '--repl', files[probes.module]!], prompt: WASM3_PROMPT, budgetMs: run.budgetMs, mergeStderr: true });
        transcript.push(`# instantiate ${probes.instance}`, banner.text.trimEnd());
        obs.outcome = bannerOutcome(banner, run.line, run.budgetMs);
        if (obs.outcome.kind !== 'return') {
          session.kill();
          steps.push(withOutput(step, obs));
          break;
        }
        sessions.set(probes.instance, session);
      } else {
        const session = sessions.get(probes.instance);
        if (!session || !probes.action) {
          steps.push({ outcome: { kind: 'unsupported', feature: `step ${step.op} on wasm3's REPL` } });
          break;
        }
        const answer = await ask(session, probes.action);
        if ('outcome' in answer) {
          obs.outcome = answer.outcome;
          if (answer.fatal) {
            steps.push(withOutput(step, obs));
            break;
          }
        } else obs.outcome = { kind: 'return', values: plan.decodeAction(k, answer.raw) };
      }
      if (probes.reads.length) {
        const session = sessions.get(probes.instance)!;
        const raw: bigint[][] = [];
        for (const read of probes.reads) {
          const answer = await ask(session, read);
          if ('outcome' in answer) {
            if (answer.fatal) {
              steps.push(withOutput(step, { outcome: answer.outcome }));
              return { steps, stdout: '', stderr: '', raw: { transcript } };
            }
            raw.push([]); // unreadable: reported missing, never as matching
          } else raw.push(answer.raw);
        }
        Object.assign(obs, plan.decodeReads(k, raw));
      }
      steps.push(withOutput(step, obs));
    }
  } finally {
    await Promise.all([...sessions.values()].map(async (s) => {
      s.kill();
      await s.close();
    }));
  }
  return { steps, stdout: '', stderr: '', raw: { transcript } };
}

/** A core case writes nothing: its stdout / stderr expectations see empty streams. */
function withOutput(step: Case['steps'][number], obs: StepObservation): StepObservation {
  if (expectsStream(step.expect, 'stdout')) obs.stdout = '';
  if (expectsStream(step.expect, 'stderr')) obs.stderr = '';
  return obs;
}
