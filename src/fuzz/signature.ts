/**
 * Finding signatures: what makes two failures "the same bug" for deduplication and for the
 * shrinker's predicate (the shrunk case must keep the verdict, the step kind and the
 * expected / observed outcome class: trap kind, exit, return …, never the exact values).
 */
import type { Case, ExpectedOutcome } from '../case.ts';
import type { Verdict } from '../judge.ts';
import type { Observation } from '../observation.ts';
import type { Outcome } from '../outcome.ts';

export function expectedClass(e: ExpectedOutcome | undefined): string {
  if (!e) return 'state only';
  switch (e.kind) {
    case 'trap':
      return `trap "${e.trap}"`;
    case 'rejected':
      return `rejected (${e.stage})`;
    default:
      return e.kind;
  }
}

export function outcomeClass(o: Outcome | undefined): string {
  if (!o) return 'nothing (step never ran)';
  switch (o.kind) {
    case 'trap':
      return `trap ${o.trap.map((k) => `"${k}"`).join('|')}`;
    case 'rejected':
      return `rejected (${o.stage})`;
    case 'unsupported':
      return `unsupported (${o.feature})`;
    default:
      return o.kind;
  }
}

/** What part of a step's state differed, from the judge's reason (`memory at 12 …` → `memory`). */
function stateClass(reason: string | undefined): string {
  const m = /^(memory|global \S+|stdout|stderr)/.exec(reason ?? '');
  return m ? m[1]! : 'state';
}

/**
 * The signature of a non-passing verdict: family, runtime, the deciding step's op and the
 * outcome classes. `expected trap "integer overflow", observed trap "unreachable"` is one bug
 * whatever the operands were.
 */
export function verdictSignature(c: Case, runtime: string, v: Verdict, obs: Observation | undefined): string {
  const step = v.step ?? 0;
  const s = c.steps[step];
  const expected = expectedClass(s?.expect.outcome);
  const observed = obs?.steps[step]?.outcome;
  const seen = outcomeClass(observed);
  const stateFailure = /^(memory|global|stdout|stderr)/.test(v.reason ?? '');
  const what = stateFailure ? `${stateClass(v.reason)} differs` : `expected ${expected}, observed ${seen}`;
  return `${v.verdict} · ${c.family} · ${runtime} · step ${s?.op ?? step} · ${what}`;
}
