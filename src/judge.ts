/**
 * judge(): the one place that decides (DESIGN §2 "Verdict"). Pure: no state, no I/O, no clock.
 * Messages always read "expected X, observed Y".
 */
import type { Case, ExpectedOutcome, Expectation, MailboxMessage, ProcessExpectation, Step } from './case.ts';
import type { Observation, ProcessObservation, StepObservation } from './observation.ts';
import type { Outcome, WasmValue } from './outcome.ts';
import { formatOutcome, formatValue } from './outcome.ts';
import type { KnownDivergence, Profile } from './profile.ts';
import { projectExitCode } from './profile.ts';

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

export function formatExpected(e: ExpectedOutcome): string {
  switch (e.kind) {
    case 'return':
      return e.values ? `return [${e.values.map(formatValue).join(', ')}]` : 'return';
    case 'trap':
      return `trap "${e.trap}"`;
    case 'exit':
      return `exit ${e.code}`;
    case 'rejected':
      return `rejected as ${e.stage}`;
    case 'suspended':
      return e.at ? `suspended (${e.at})` : 'suspended';
    default:
      return e.kind;
  }
}

/** Float text equal under wasm semantics: NaN expectations match by class, everything else by bits. */
function valueMatches(expected: WasmValue, observed: WasmValue): boolean {
  if (expected.type !== observed.type) return false;
  if (expected.value === observed.value) return true;
  if (expected.type === 'f32' || expected.type === 'f64') {
    const obsNan = observed.value.startsWith('nan');
    if (expected.value === 'nan:canonical') return obsNan && isCanonicalNan(observed);
    if (expected.value === 'nan:arithmetic') return obsNan && isArithmeticNan(observed);
  }
  return false;
}

function nanBits(v: WasmValue): bigint {
  const m = /^nan:0x([0-9a-f]+)$/.exec(v.value);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}
function isCanonicalNan(v: WasmValue): boolean {
  const bits = nanBits(v);
  return v.type === 'f32'
    ? (bits & 0x7fffffffn) === 0x7fc00000n
    : (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
}
function isArithmeticNan(v: WasmValue): boolean {
  const bits = nanBits(v);
  return v.type === 'f32' ? (bits & 0x00400000n) !== 0n : (bits & 0x0008000000000000n) !== 0n;
}

/** The verdict of one step (exported for per-step judging, e.g. spec scripts). */
export type StepJudgement = Omit<Verdict, 'step'>;

export function outcomeVerdict(expected: ExpectedOutcome, observed: Outcome, profile: Profile): StepJudgement {
  const mismatch = (reason?: string): StepJudgement => ({
    verdict: 'fail',
    expected: formatExpected(expected),
    observed: formatOutcome(observed),
    reason: reason ?? `expected ${formatExpected(expected)}, observed ${formatOutcome(observed)}`,
  });
  if (observed.kind === 'unsupported') return { verdict: 'skip', reason: `unsupported: ${observed.feature}` };
  switch (expected.kind) {
    case 'return': {
      if (observed.kind !== 'return') return mismatch();
      if (!expected.values) return { verdict: 'pass' };
      const ok =
        expected.values.length === observed.values.length &&
        expected.values.every((v, i) => valueMatches(v, observed.values[i]!));
      return ok ? { verdict: 'pass' } : mismatch();
    }
    case 'trap': {
      if (observed.kind !== 'trap' || !observed.trap.includes(expected.trap)) return mismatch();
      if (observed.trap.length === 1) return { verdict: 'pass' };
      return {
        verdict: 'imprecise',
        expected: formatExpected(expected),
        observed: formatOutcome(observed),
        reason: `the runtime reports one message for ${observed.trap.map((k) => `"${k}"`).join(' and ')} ("${observed.message}")`,
      };
    }
    case 'exit': {
      if (observed.kind !== 'exit') return mismatch();
      const want = expected.process ? expected.code : projectExitCode(expected.code, profile.exitCodes);
      return observed.code === want
        ? { verdict: 'pass' }
        : mismatch(`expected exit ${want}${want !== expected.code ? ` (proc_exit(${expected.code}) under ${profile.runtime}'s rules)` : ''}, observed ${formatOutcome(observed)}`);
    }
    case 'rejected':
      if (observed.kind !== 'rejected') return mismatch();
      return observed.stage === expected.stage || (observed.stage === 'compile' && expected.stage !== 'unlinkable')
        ? { verdict: 'pass' }
        : mismatch();
    case 'suspended':
      return observed.kind === 'suspended' && (expected.at === undefined || expected.at === observed.at) ? { verdict: 'pass' } : mismatch();
    case 'deadlock':
    case 'timeout':
    case 'cancelled':
    case 'host-error':
      return observed.kind === expected.kind ? { verdict: 'pass' } : mismatch();
  }
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

/** A stream against its expectation; `text-prefix` is how wasi-testsuite's runner reads one (Python text mode, `read(len(expected))`). */
function outputMatches(want: string, seen: string | undefined, mode: Expectation['output']): boolean {
  if (mode !== 'text-prefix') return seen === want;
  return (seen ?? '').replace(/\r\n?/g, '\n').startsWith(want);
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
    const obs = observation.steps[i];
    if (!obs) {
      consider(
        { verdict: 'fail', expected: step.expect.outcome ? formatExpected(step.expect.outcome) : step.op, observed: 'step never ran', reason: `step ${i} (${step.op}) never ran: the case ended after step ${observation.steps.length - 1}` },
        i,
      );
      break;
    }
    let v: StepJudgement = step.expect.outcome ? outcomeVerdict(step.expect.outcome, obs.outcome, profile) : obs.outcome.kind === 'unsupported' ? { verdict: 'skip', reason: `unsupported: ${obs.outcome.feature}` } : { verdict: 'pass' };
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
