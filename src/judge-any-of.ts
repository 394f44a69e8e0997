/**
 * Allowed-outcome sets (`Expectation.anyOf`): a step whose end depends on how threads race (two
 * terminators, an exit racing a write) passes when its outcome and streams match one member of the
 * set the case states, each member compared exactly as `outcome` / `stdout` / `stderr` are. Anything
 * else (a hang, an exit code no interleaving gives, output a racing thread should have prevented)
 * fails, and the failure lists the whole set so a reader sees what any schedule could have given.
 */
import type { AllowedOutcome, Expectation } from './case.ts';
import type { StepObservation } from './observation.ts';
import { formatOutcome } from './outcome.ts';
import type { Profile } from './profile.ts';
import type { StepJudgement } from './judge-outcome.ts';
import { formatExpected, outcomeVerdict, outputMatches } from './judge-outcome.ts';

const STREAMS = ['stdout', 'stderr'] as const;

/** `exit 3, stdout "a\n"`: one member, its streams quoted as JSON. */
export function formatAllowed(member: AllowedOutcome): string {
  const streams = STREAMS.filter((s) => member[s] !== undefined).map((s) => `${s} ${JSON.stringify(member[s])}`);
  return [formatExpected(member.outcome), ...streams].join(', ');
}

/** `one of {exit 3, stdout "a\n"} | {trap "unreachable"}`. */
export function formatAnyOf(set: readonly AllowedOutcome[]): string {
  return `one of ${set.map((m) => `{${formatAllowed(m)}}`).join(' | ')}`;
}

/** What a step must give, in one line: its outcome, its allowed set, or only state. */
export function formatExpectation(exp: Expectation): string | undefined {
  if (exp.anyOf) return formatAnyOf(exp.anyOf);
  return exp.outcome ? formatExpected(exp.outcome) : undefined;
}

/** The streams a step's members are compared with (judge.ts: the step's own, or the run's when it was the last). */
export type ObservedStreams = Partial<Record<(typeof STREAMS)[number], string>>;

function memberVerdict(member: AllowedOutcome, obs: StepObservation, streams: ObservedStreams, exp: Expectation, profile: Profile): StepJudgement {
  const v = outcomeVerdict(member.outcome, obs.outcome, profile);
  if (v.verdict !== 'pass' && v.verdict !== 'imprecise') return v;
  const streamsMatch = STREAMS.every((s) => member[s] === undefined || outputMatches(member[s], streams[s], exp.output));
  return streamsMatch ? v : { verdict: 'fail' };
}

/**
 * The verdict of a step that states `anyOf`: `pass` when a member matches exactly, `imprecise`
 * when the best member matches only up to the runtime's folded trap kinds, `skip` when the runtime
 * could not run the step, `fail` otherwise, naming the set and what was observed.
 */
export function anyOfVerdict(exp: Expectation & { anyOf: AllowedOutcome[] }, obs: StepObservation, streams: ObservedStreams, profile: Profile): StepJudgement {
  if (obs.outcome.kind === 'unsupported') return { verdict: 'skip', reason: `unsupported: ${obs.outcome.feature}` };
  const verdicts = exp.anyOf.map((m) => memberVerdict(m, obs, streams, exp, profile));
  const pass = verdicts.find((v) => v.verdict === 'pass');
  if (pass) return pass;
  const imprecise = verdicts.find((v) => v.verdict === 'imprecise');
  if (imprecise) return imprecise;
  const named = STREAMS.filter((s) => exp.anyOf.some((m) => m[s] !== undefined));
  const observed = [formatOutcome(obs.outcome), ...named.map((s) => `${s} ${JSON.stringify(streams[s] ?? '')}`)].join(', ');
  const expected = formatAnyOf(exp.anyOf);
  return { verdict: 'fail', expected, observed, reason: `expected ${expected}, observed ${observed}` };
}
