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
 * What failed, without who: the deciding step's op and the outcome classes (or the part of the
 * state that differed). `step invoke · expected trap "integer overflow", observed trap "unreachable"`
 * is one bug whatever the operands were; two engines with the same failure class agree against
 * the oracle (src/fuzz/attribution.ts).
 */
export function failureClass(c: Case, v: Verdict, obs: Observation | undefined): string {
  const step = v.step ?? 0;
  const s = c.steps[step];
  const stateFailure = /^(memory|global|stdout|stderr)/.test(v.reason ?? '');
  const what = stateFailure ? `${stateClass(v.reason)} differs` : `expected ${expectedClass(s?.expect.outcome)}, observed ${outcomeClass(obs?.steps[step]?.outcome)}`;
  return `step ${s?.op ?? step}${where(c)} · ${what}`;
}

/**
 * The case's site and placement tags, when its family has them: a wasm3 `memory.grow` bug and a
 * wasm3 `i32.load` bug that both show as "memory differs" are two findings, not one (issue #16 §2).
 */
export function where(c: Case): string {
  const site = c.tags?.['site'];
  const placement = c.tags?.['placement'];
  return `${site ? ` · site ${site}` : ''}${placement ? ` · placement ${placement}` : ''}`;
}

/** The signature of a non-passing verdict: the verdict, family, runtime and the failure class. */
export function verdictSignature(c: Case, runtime: string, v: Verdict, obs: Observation | undefined): string {
  return `${v.verdict} · ${c.family} · ${runtime} · ${failureClass(c, v, obs)}`;
}
