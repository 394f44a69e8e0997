/**
 * judge(): the one place that decides (DESIGN §2 "Verdict"). Pure: no state, no I/O, no clock.
 * Messages always read "expected X, observed Y".
 */
import type { Case, Expectation, MailboxMessage, ProcessExpectation, Step } from './case.ts';
import type { Observation, ProcessObservation, StepObservation } from './observation.ts';
import type { Outcome } from './outcome.ts';
import { formatValue } from './outcome.ts';
import type { KnownDivergence, Profile } from './profile.ts';
import type { StepJudgement } from './judge-outcome.ts';
import { outcomeVerdict, outputMatches, valueMatches } from './judge-outcome.ts';
import type { ObservedStreams } from './judge-any-of.ts';
import { anyOfVerdict, formatExpectation } from './judge-any-of.ts';

export type { StepJudgement } from './judge-outcome.ts';
export { formatExpected, outcomeVerdict } from './judge-outcome.ts';
export { formatAnyOf, formatExpectation } from './judge-any-of.ts';

export const VERDICTS = ['pass', 'fail', 'imprecise', 'known-divergence', 'skip'] as const;
export type VerdictKind = (typeof VERDICTS)[number];

export interface Verdict {
  verdict: VerdictKind;
  /** Index of the step that decided a non-pass verdict. */
  step?: number;
  expected?: string;
  observed?: string;
  reason?: string;
  /** For known-divergence: the divergence id from the profile. */
  divergence?: string;
}

function hexDiff(expected: string, observed: string | undefined): string {
  if (observed === undefined) return 'not read';
  return observed === expected ? 'same' : observed;
}

const msgKey = (m: MailboxMessage): string => `${m.kind}${m.tag !== undefined ? `:${m.tag}` : ''}${m.pid !== undefined ? `@${m.pid}` : ''}`;
const mailboxText = (ms: readonly MailboxMessage[]): string => `[${ms.map(msgKey).sort().join(', ')}]`;

/** Lunatic processes: the exhaustive list, each process's end, mailbox (as a multiset) and memory. */
export function processesVerdict(expected: readonly ProcessExpectation[], observed: readonly ProcessObservation[] | undefined): StepJudgement | undefined {
  const seen = observed ?? [];
  const bad = (what: string, want: string, got: string): StepJudgement => ({ verdict: 'fail', expected: `${what} ${want}`, observed: `${what} ${got}`, reason: `${what}: expected ${want}, observed ${got}` });
  if (seen.length !== expected.length) return bad('processes', String(expected.length), `${seen.length} (pids ${seen.map((p) => p.pid).join(', ')})`);
  for (const e of expected) {
    const o = seen.find((p) => p.pid === e.pid);
    const who = `process ${e.pid}`;
    if (!o) return bad(who, 'to exist', 'missing');
    const end = (p: { state?: string; reason?: string | undefined; cause?: string | undefined }): string => [p.state, p.reason, p.cause].filter(Boolean).join(' ');
    if ((e.state !== undefined && e.state !== o.state) || (e.reason !== undefined && e.reason !== o.reason) || (e.cause !== undefined && e.cause !== o.cause))
      return bad(who, end(e), `${end(o)}${o.detail ? ` (${o.detail})` : ''}`);
    if (e.trap !== undefined && !(o.trap ?? []).includes(e.trap)) return bad(`${who} trap`, `"${e.trap}"`, o.trap ? o.trap.map((t) => `"${t}"`).join(' | ') : 'none');
    if (e.code !== undefined && e.code !== o.code) return bad(`${who} exit code`, String(e.code), String(o.code ?? 'none'));
    if (e.mailbox !== undefined && mailboxText(e.mailbox) !== mailboxText(o.mailbox)) return bad(`${who} mailbox`, mailboxText(e.mailbox), mailboxText(o.mailbox));
    for (const region of e.memory ?? []) {
      const got = o.memory?.find((r) => r.offset === region.offset)?.hex;
      if (got !== region.hex) return bad(`${who} memory[${region.offset}]`, region.hex, hexDiff(region.hex, got));
    }
  }
  return undefined;
}

export function stateVerdict(exp: Expectation, obs: StepObservation): StepJudgement | undefined {
  if (exp.processes !== undefined) {
    const v = processesVerdict(exp.processes, obs.processes);
    if (v) return v;
  }
  for (const region of exp.memory ?? []) {
    const seen = obs.memory?.find((r) => r.offset === region.offset)?.hex;
    if (seen !== region.hex)
      return {
        verdict: 'fail',
        expected: `memory[${region.offset}] = ${region.hex}`,
        observed: `memory[${region.offset}] = ${hexDiff(region.hex, seen)}`,
        reason: `memory at ${region.offset} differs: expected ${region.hex}, observed ${hexDiff(region.hex, seen)}`,
      };
  }
  for (const [name, value] of Object.entries(exp.globals ?? {})) {
    const seen = obs.globals?.[name];
    if (!seen || !valueMatches(value, seen))
      return {
        verdict: 'fail',
        expected: `global ${name} = ${formatValue(value)}`,
        observed: `global ${name} = ${seen ? formatValue(seen) : 'missing'}`,
        reason: `global ${name} differs: expected ${formatValue(value)}, observed ${seen ? formatValue(seen) : 'missing'}`,
      };
  }
  if (exp.fuel !== undefined && obs.fuel !== exp.fuel) {
    const seen = obs.fuel === undefined ? 'not metered' : String(obs.fuel);
    return { verdict: 'fail', expected: `fuel ${exp.fuel}`, observed: `fuel ${seen}`, reason: `remaining fuel differs: expected ${exp.fuel}, observed ${seen}` };
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const want = exp[stream];
    if (want !== undefined && !outputMatches(want, obs[stream], exp.output))
      return {
        verdict: 'fail',
        expected: `${stream} ${JSON.stringify(want)}`,
        observed: `${stream} ${JSON.stringify(obs[stream] ?? '')}`,
        reason: `${stream} differs: expected ${JSON.stringify(want)}, observed ${JSON.stringify(obs[stream] ?? '')}`,
      };
  }
  return undefined;
}

export function divergenceFor(c: Case, step: Step, observed: Outcome, profile: Profile, mismatch: 'outcome' | 'state' = 'outcome'): KnownDivergence | undefined {
  const expected = step.expect.outcome;
  return profile.knownDivergences.find(({ match: m }) => {
    if (m.mismatch !== undefined && m.mismatch !== mismatch) return false;
    if (m.family !== undefined && m.family !== c.family) return false;
    if (m.caseId !== undefined && m.caseId !== c.id) return false;
    if (m.expected !== undefined && m.expected !== expected?.kind) return false;
    if (m.expectedTrap !== undefined && !(expected?.kind === 'trap' && expected.trap === m.expectedTrap)) return false;
    if (m.observed !== undefined && m.observed !== observed.kind) return false;
    if (m.tag && !Object.entries(m.tag).every(([k, v]) => c.tags?.[k] === v)) return false;
    if (m.observedMessage !== undefined && !new RegExp(m.observedMessage).test(observedText(observed))) return false;
    return true;
  });
}

/** The runtime's own words in an outcome (a rejection's or trap's message, a crash's detail). */
function observedText(o: Outcome): string {
  if (o.kind === 'rejected' || o.kind === 'trap') return o.message;
  if (o.kind === 'crash') return o.detail;
  return '';
}

/** The expectation without what only the instance can show (memory, globals, fuel, processes). */
function withoutInstanceState(exp: Expectation): Expectation {
  const { memory: _m, globals: _g, fuel: _f, processes: _p, ...rest } = exp;
  return rest;
}

/**
 * A step whose outcome the runtime saw but whose instance state it cannot read afterwards
 * (StepObservation.unobservable: a process runtime whose process ended at the step) is `skip`
 * when the expectation names such state: never a pass it did not see, never a false failure.
 */
function unobservableState(exp: Expectation, obs: StepObservation): StepJudgement | undefined {
  if (obs.unobservable === undefined) return undefined;
  const named = exp.memory !== undefined || exp.globals !== undefined || exp.fuel !== undefined || exp.processes !== undefined;
  return named ? { verdict: 'skip', reason: `the outcome fits the expectation; the state after it is not observable: ${obs.unobservable}` } : undefined;
}

/**
 * The streams an allowed set is compared with: the step's own when the runtime captured them (it
 * does when the step states `stdout` / `stderr`), else, for the step that ended the run, the case's
 * whole output, which is then the same thing. Absent otherwise (compared as empty).
 */
function endStreams(observation: Observation, i: number, obs: StepObservation): ObservedStreams {
  const last = i >= observation.steps.length - 1;
  const streams: ObservedStreams = {};
  const stdout = obs.stdout ?? (last ? observation.stdout : undefined);
  const stderr = obs.stderr ?? (last ? observation.stderr : undefined);
  if (stdout !== undefined) streams.stdout = stdout;
  if (stderr !== undefined) streams.stderr = stderr;
  return streams;
}

/** A step's outcome (and, for an allowed set, its streams) against its expectation. */
function stepOutcomeVerdict(exp: Expectation, obs: StepObservation, streams: ObservedStreams, profile: Profile): StepJudgement {
  if (exp.anyOf) return anyOfVerdict({ ...exp, anyOf: exp.anyOf }, obs, streams, profile);
  if (exp.outcome) return outcomeVerdict(exp.outcome, obs.outcome, profile);
  return obs.outcome.kind === 'unsupported' ? { verdict: 'skip', reason: `unsupported: ${obs.outcome.feature}` } : { verdict: 'pass' };
}

/** A step stating the process's own exit status (`exit … process: true`, wasi-testsuite's `exit_code`). */
function statesProcessExit(exp: Expectation): boolean {
  return exp.outcome?.kind === 'exit' && exp.outcome.process === true;
}

/** Outcomes after which a command process has ended: nothing later in the case can run. */
const ENDS_PROCESS: ReadonlySet<Outcome['kind']> = new Set(['exit', 'trap', 'crash', 'timeout', 'deadlock', 'rejected']);

/**
 * How the process ended, for a step stating its exit status: the outcome of the first step that
 * ended it (a start section's proc_exit or trap shows on `instantiate`), else this step's own, with
 * the whole run's output when the step did not capture its own. Undefined when the step never ran
 * and nothing before it ended the process.
 */
function processEnd(observation: Observation, i: number): StepObservation | undefined {
  const own = observation.steps[i];
  const ender = observation.steps.slice(0, i).find((s) => ENDS_PROCESS.has(s.outcome.kind));
  if (!ender) return own;
  return { ...own, outcome: ender.outcome, stdout: own?.stdout ?? observation.stdout, stderr: own?.stderr ?? observation.stderr };
}

/** Severity order when steps disagree: the case reports its most severe step. */
const SEVERITY: Record<VerdictKind, number> = { pass: 0, 'known-divergence': 1, imprecise: 2, skip: 3, fail: 4 };

/**
 * Judges a whole case: every step's outcome, state and output against its expectation,
 * under the runtime's profile. Exactly one verdict per (case, runtime).
 */
export function judge(c: Case, observation: Observation, profile: Profile): Verdict {
  let worst: Verdict = { verdict: 'pass' };
  const consider = (v: StepJudgement, step: number): void => {
    if (SEVERITY[v.verdict] > SEVERITY[worst.verdict]) worst = { ...v, step };
  };
  for (let i = 0; i < c.steps.length; i++) {
    const step = c.steps[i]!;
    const obs = statesProcessExit(step.expect) ? processEnd(observation, i) : observation.steps[i];
    if (!obs) {
      consider(
        { verdict: 'fail', expected: formatExpectation(step.expect) ?? step.op, observed: 'step never ran', reason: `step ${i} (${step.op}) never ran: the case ended after step ${observation.steps.length - 1}` },
        i,
      );
      break;
    }
    let v = stepOutcomeVerdict(step.expect, obs, endStreams(observation, i, obs), profile);
    let mismatch: 'outcome' | 'state' = 'outcome';
    if (v.verdict === 'pass' || v.verdict === 'imprecise') {
      const state = stateVerdict(obs.unobservable ? withoutInstanceState(step.expect) : step.expect, obs) ?? unobservableState(step.expect, obs);
      if (state) {
        v = state;
        mismatch = 'state';
      }
    }
    if (v.verdict === 'fail') {
      const d = divergenceFor(c, step, obs.outcome, profile, mismatch);
      if (d) v = { ...v, verdict: 'known-divergence', reason: `${d.reason} (${d.link})`, divergence: d.id };
    }
    consider(v, i);
    if (v.verdict === 'fail' || v.verdict === 'skip') break;
  }
  return worst;
}
