/**
 * What the oracle check (issue #18 §5) says about one generated case: whether an independent
 * evaluator, judged by the project's own judge, confirms the expectations the generator computed.
 * A status is derived from the judge's verdict, never from a second comparison of our own.
 */
import type { Verdict } from '../judge.ts';

export const CHECK_STATUSES = ['agree', 'disagree', 'imprecise', 'not-evaluable'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckResult {
  caseId: string;
  family: string;
  status: CheckStatus;
  /** The evaluator that decided the status (absent for `not-evaluable`: none could run the case). */
  evaluator?: string;
  /** `disagree`: the step that differs, what the generator expected and what the evaluator saw. */
  step?: number;
  expected?: string;
  evaluated?: string;
  /** Why: the judge's reason (disagree, imprecise) or why no evaluator could run the case. */
  reason?: string;
  /** The command that re-runs the case on the evaluator (src/replay-token.ts). */
  replay?: string;
  /**
   * `disagree`: what the other evaluators say about the same case, for triage. One of them
   * agreeing with the generator points at the deciding evaluator; all seeing the same thing points
   * at the generator's expectation.
   */
  secondOpinions?: SecondOpinion[];
}

export interface SecondOpinion {
  evaluator: string;
  status: CheckStatus;
  step?: number;
  evaluated?: string;
  reason?: string;
}

/**
 * The judge's verdict on an evaluator's observation, read as an oracle-check status:
 * - `pass` → agree;
 * - `imprecise` → imprecise (the evaluator's message names several trap kinds);
 * - `known-divergence` → imprecise too: the evaluator's profile documents that it differs there,
 *   so it can neither confirm nor refute the expectation;
 * - `skip` → not evaluable (the evaluator lacks a feature, step or shape);
 * - `fail` → disagree (an evaluator crash or hang is a disagreement as well: loud, then triaged).
 */
export function statusOf(verdict: Verdict): CheckStatus {
  switch (verdict.verdict) {
    case 'pass':
      return 'agree';
    case 'imprecise':
    case 'known-divergence':
      return 'imprecise';
    case 'skip':
      return 'not-evaluable';
    case 'fail':
      return 'disagree';
  }
}
