/**
 * Per-step and per-assertion judging. src/judge.ts judges a whole case (its most severe step);
 * a spec script needs one verdict per assertion. `judgeSteps` is the generic per-step form of
 * judge() (same rules, reusing its pieces); `judgeAssertions` applies a script's plan: the
 * assertion's own exact check (bits, NaN classes, v128 lanes, trap-kind sets) on its deciding
 * step, after the steps it depends on.
 */
import type { Case } from '../../case.ts';
import type { StepJudgement, VerdictKind } from '../../judge.ts';
import { divergenceFor, formatExpected, outcomeVerdict, stateVerdict } from '../../judge.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import { formatOutcome } from '../../outcome.ts';
import type { Profile } from '../../profile.ts';
import type { AssertionPlan, Check, ConvertedScript, Decided } from './convert.ts';
import type { Observed } from './patterns.ts';
import { formatObserved, formatPattern, fromWasmValue, fromWrapperValues, matches } from './patterns.ts';

/** One verdict per step of a case, by the same rules as judge(). A step that never ran fails. */
export function judgeSteps(c: Case, observation: Observation, profile: Profile): StepJudgement[] {
  return c.steps.map((step, i): StepJudgement => {
    const obs = observation.steps[i];
    if (!obs) return neverRan(observation, step.expect.outcome ? formatExpected(step.expect.outcome) : step.op);
    let v: StepJudgement = step.expect.outcome
      ? outcomeVerdict(step.expect.outcome, obs.outcome, profile)
      : obs.outcome.kind === 'unsupported'
        ? { verdict: 'skip', reason: `unsupported: ${obs.outcome.feature}` }
        : { verdict: 'pass' };
    if (v.verdict === 'pass' || v.verdict === 'imprecise') v = stateVerdict(step.expect, obs) ?? v;
    if (v.verdict === 'fail') {
      const d = divergenceFor(c, step, obs.outcome, profile);
      if (d) v = { ...v, verdict: 'known-divergence', reason: `${d.reason} (${d.link})`, divergence: d.id };
    }
    return v;
  });
}

/**
 * A step after the end of the observation. When the runtime ended the script on an `unsupported`
 * step (a native adapter that cannot drive the rest: a `compile` step, a linked instance), the
 * rest is a skip naming it, never a failure of the runtime.
 */
function neverRan(observation: Observation, expected: string): StepJudgement {
  const last = observation.steps[observation.steps.length - 1];
  if (last?.outcome.kind === 'unsupported')
    return { verdict: 'skip', expected, observed: 'not run', reason: `unsupported: ${last.outcome.feature} (the runtime stopped the script at step ${observation.steps.length - 1})` };
  return {
    verdict: 'fail',
    expected,
    observed: 'never ran',
    reason: `never ran: the script ended early${last ? ` (after step ${observation.steps.length - 1}: ${formatOutcome(last.outcome)})` : ''}`,
  };
}

export interface AssertionVerdict {
  verdict: VerdictKind;
  expected: string;
  observed?: string;
  reason?: string;
  /** Skips: the missing proposal or capability. */
  feature?: string;
  divergence?: string;
  /**
   * Skips: the script command (`file:line` of a module, module instance or register) whose
   * failure this assertion depends on. That failure is counted once, on the command.
   */
  blockedBy?: string;
  /** Who decided: the engine (a step ran), the text parser, or the converter (skip / not runnable). */
  decidedBy: 'engine' | 'text-parser' | 'converter';
}

/** One verdict per planned assertion, in order. */
export function judgeAssertions(script: ConvertedScript, observation: Observation, profile: Profile): AssertionVerdict[] {
  return script.assertions.map((plan) => judgeAssertion(script, plan, observation, profile));
}

/** A non-assertion command that did not succeed. `fail`s are counted (once each); skips are not. */
export interface CommandVerdict {
  at: string;
  what: string;
  verdict: 'fail' | 'skip' | 'known-divergence';
  reason: string;
  divergence?: string;
  /** Skips: the earlier command whose failure kept this one from running. */
  blockedBy?: string;
}

/**
 * Verdicts for non-assertion commands (module, module instance, register, bare invoke) that did
 * not succeed. In the spec interpreter every command is checked, and a command that fails is
 * the script's error at that command; so a failed command is one failure, at its own line. A
 * command that only depends on an earlier failed one (a `register` of a module that did not
 * instantiate) is blocked, not failed again.
 */
export function judgeCommands(script: ConvertedScript, observation: Observation, profile?: Profile): CommandVerdict[] {
  const out: CommandVerdict[] = [];
  for (const cmd of script.commands) {
    if (cmd.decided) {
      if (cmd.decided.verdict !== 'pass') out.push({ at: cmd.at, what: cmd.what, verdict: cmd.decided.verdict, reason: cmd.decided.reason });
      continue;
    }
    if (cmd.step === undefined) continue;
    const dep = depProblem(script, cmd.deps, observation);
    if (dep) {
      const v: CommandVerdict = { at: cmd.at, what: cmd.what, verdict: dep.verdict === 'skip' ? 'skip' : 'fail', reason: dep.reason ?? '' };
      if (dep.blockedBy !== undefined) v.blockedBy = dep.blockedBy;
      out.push(v);
      continue;
    }
    const own = stepProblem(script, cmd.step, observation, undefined);
    if (!own) continue;
    if (own.verdict === 'skip') {
      out.push({ at: cmd.at, what: cmd.what, verdict: 'skip', reason: own.reason ?? '' });
      continue;
    }
    const obs = observation.steps[cmd.step];
    const d = obs && profile ? divergenceFor(script.case, script.case.steps[cmd.step]!, obs.outcome, profile) : undefined;
    if (d) out.push({ at: cmd.at, what: cmd.what, verdict: 'known-divergence', reason: `${d.reason} (${d.link}); observed ${own.observed ?? ''}`, divergence: d.id });
    else out.push({ at: cmd.at, what: cmd.what, verdict: 'fail', reason: `${cmd.what} did not succeed: ${own.observed ?? ''}` });
  }
  return out;
}

/** Script commands by the step that runs them (module, module instance, module definition, register). */
function commandAt(script: ConvertedScript, step: number): string | undefined {
  let byStep = commandSteps.get(script);
  if (!byStep) {
    byStep = new Map();
    for (const c of script.commands) if (c.step !== undefined) byStep.set(c.step, c.at);
    commandSteps.set(script, byStep);
  }
  return byStep.get(step);
}
const commandSteps = new WeakMap<ConvertedScript, Map<number, string>>();

function fromDecided(d: Decided, expected: string): AssertionVerdict {
  const v: AssertionVerdict = { verdict: d.verdict, expected, reason: d.reason, decidedBy: d.reason.startsWith('decided by the text parser') ? 'text-parser' : 'converter' };
  if (d.observed !== undefined) v.observed = d.observed;
  if (d.feature !== undefined) v.feature = d.feature;
  return v;
}

type DepProblem = { verdict: VerdictKind; reason?: string; observed?: string; feature?: string; blockedBy?: string };

/**
 * The first dependency step that did not return, as a verdict. A dependency that is a script
 * command (the module an action addresses, its registration) failed on its own line, where it
 * is counted: the dependant is blocked (a skip naming that command), not a second failure. A
 * failed dependency that is trapcheck's own set-up (a wrapper module) stays a failure here,
 * since nothing else would count it.
 */
function depProblem(script: ConvertedScript, deps: number[], observation: Observation): DepProblem | undefined {
  for (const d of deps) {
    const p = stepProblem(script, d, observation, commandAt(script, d));
    if (p) return p;
  }
  return undefined;
}

function stepProblem(script: ConvertedScript, d: number, observation: Observation, command: string | undefined): DepProblem | undefined {
  const obs = observation.steps[d];
  const origin = script.origins[d];
  const where = origin ? `${origin.what} at line ${origin.line}` : `step ${d}`;
  if (!obs) {
    const n = neverRan(observation, '');
    // the runtime ended the script at a command that failed (counted once, at its line): what
    // comes after it is blocked by it, as in the spec interpreter, not a failure of its own
    const lastStep = observation.steps.length - 1;
    const stoppedAt = commandAt(script, lastStep);
    const last = observation.steps[lastStep];
    if (n.verdict !== 'skip' && stoppedAt !== undefined && last && last.outcome.kind !== 'return')
      return { verdict: 'skip', observed: 'not run', reason: `blocked: the script stopped at the command at ${stoppedAt}, which failed: ${formatOutcome(last.outcome)}`, blockedBy: stoppedAt };
    return { verdict: n.verdict === 'skip' ? 'skip' : 'fail', observed: n.observed!, reason: n.reason! };
  }
  const o = obs.outcome;
  if (o.kind === 'return') return undefined;
  if (o.kind === 'unsupported') return { verdict: 'skip', reason: `unsupported: ${o.feature} (${where})`, feature: o.feature };
  if (command !== undefined) return { verdict: 'skip', observed: 'not run', reason: `blocked: depends on the ${where} (${command}), which failed there: ${formatOutcome(o)}`, blockedBy: command };
  return { verdict: 'fail', observed: formatOutcome(o), reason: `depends on ${where}, which did not succeed: ${formatOutcome(o)}` };
}

function judgeAssertion(script: ConvertedScript, plan: AssertionPlan, observation: Observation, profile: Profile): AssertionVerdict {
  const expected = plan.expected;
  if (plan.decided) return fromDecided(plan.decided, expected);
  if (plan.step === undefined || !plan.check) return { verdict: 'fail', expected, reason: 'internal: the assertion has no step to judge', decidedBy: 'converter' };
  const dep = depProblem(script, plan.deps, observation);
  if (dep) {
    const v: AssertionVerdict = { verdict: dep.verdict, expected, decidedBy: 'engine' };
    if (dep.reason !== undefined) v.reason = dep.reason;
    if (dep.observed !== undefined) v.observed = dep.observed;
    if (dep.feature !== undefined) v.feature = dep.feature;
    if (dep.blockedBy !== undefined) v.blockedBy = dep.blockedBy;
    return v;
  }
  const obs = observation.steps[plan.step];
  if (!obs) {
    const n = neverRan(observation, expected);
    return { verdict: n.verdict === 'skip' ? 'skip' : 'fail', expected, observed: n.observed!, reason: n.reason!, decidedBy: 'engine' };
  }
  const v = checkOutcome(plan.check, obs, expected);
  if (v.verdict === 'fail' && plan.taint) {
    const t: AssertionVerdict = { verdict: 'skip', expected, reason: `${plan.taint.reason} (observed ${v.observed ?? '?'})`, decidedBy: 'engine' };
    if (v.observed !== undefined) t.observed = v.observed;
    if (plan.taint.feature !== undefined) t.feature = plan.taint.feature;
    return t;
  }
  if (v.verdict === 'fail') {
    const step = script.case.steps[plan.step]!;
    const d = divergenceFor(script.case, step, obs.outcome, profile);
    if (d) return { ...v, verdict: 'known-divergence', reason: `${d.reason} (${d.link})`, divergence: d.id };
  }
  return v;
}

function checkOutcome(check: Check, obs: StepObservation, expected: string): AssertionVerdict {
  const o: Outcome = obs.outcome;
  const fail = (observed: string, reason?: string): AssertionVerdict => ({ verdict: 'fail', expected, observed, reason: reason ?? `expected ${expected}, observed ${observed}`, decidedBy: 'engine' });
  if (o.kind === 'unsupported') return { verdict: 'skip', expected, reason: `unsupported: ${o.feature}`, feature: o.feature, decidedBy: 'engine' };
  switch (check.kind) {
    case 'return': {
      if (o.kind !== 'return') return fail(formatOutcome(o));
      let values: Observed[];
      try {
        values = check.wrapper ? fromWrapperValues(o.values, check.wrapper) : o.values.map(fromWasmValue);
      } catch (e) {
        return fail(formatOutcome(o), `cannot read the results: ${e instanceof Error ? e.message : String(e)}`);
      }
      const shown = `[${values.map((v, i) => formatObserved(v, check.results[i])).join(', ')}]`;
      if (values.length !== check.results.length) return fail(shown, `expected ${check.results.length} result(s) [${check.results.map(formatPattern).join(', ')}], observed ${values.length} ${shown}`);
      const bad = check.results.findIndex((p, i) => !matches(p, values[i]!));
      if (bad >= 0) return fail(shown, `result ${bad}: expected ${formatPattern(check.results[bad]!)}, observed ${formatObserved(values[bad]!, check.results[bad])}`);
      return { verdict: 'pass', expected, observed: shown, decidedBy: 'engine' };
    }
    case 'trap': {
      if (o.kind !== 'trap') return fail(formatOutcome(o));
      const observed = formatOutcome(o);
      if (!check.kinds) return { verdict: 'pass', expected, observed, reason: 'the expected message names no trap kind: judged by outcome kind (trap) only', decidedBy: 'engine' };
      const wanted = new Set(check.kinds);
      if (!o.trap.some((k) => wanted.has(k))) return fail(observed);
      if (o.trap.every((k) => wanted.has(k))) return { verdict: 'pass', expected, observed, decidedBy: 'engine' };
      return {
        verdict: 'imprecise',
        expected,
        observed,
        reason: `the runtime reports one message for ${o.trap.map((k) => `"${k}"`).join(' and ')} ("${o.message}")`,
        decidedBy: 'engine',
      };
    }
    case 'rejected': {
      if (o.kind !== 'rejected') return fail(formatOutcome(o));
      const ok = check.stage === 'unlinkable' ? o.stage === 'unlinkable' : o.stage === check.stage || o.stage === 'compile';
      return ok ? { verdict: 'pass', expected, observed: formatOutcome(o), decidedBy: 'engine' } : fail(formatOutcome(o));
    }
  }
}
