/**
 * Counts of an oracle check: per family, per evaluator (agree / disagree / imprecise), and the
 * cases no evaluator could run, by reason. Every result lands in exactly one count.
 */
import type { CheckResult } from './result.ts';

export interface EvaluatorCounts {
  agree: number;
  disagree: number;
  imprecise: number;
}

export interface FamilyTally {
  total: number;
  byEvaluator: Record<string, EvaluatorCounts>;
  notEvaluable: number;
  /** reason → cases (reasons name each evaluator: `wabt: unsupported: feature wasi`). */
  notEvaluableReasons: Record<string, number>;
  /** `expected X, evaluated Y` → cases: what the evaluators could not tell apart. */
  impreciseKinds: Record<string, number>;
}

export interface CheckSummary {
  total: number;
  agree: number;
  disagree: number;
  imprecise: number;
  notEvaluable: number;
}

export interface CheckTally {
  summary: CheckSummary;
  /** In first-seen order. */
  families: Record<string, FamilyTally>;
}

const bump = (m: Record<string, number>, key: string): void => {
  m[key] = (m[key] ?? 0) + 1;
};

export function tallyResults(results: readonly CheckResult[]): CheckTally {
  const summary: CheckSummary = { total: 0, agree: 0, disagree: 0, imprecise: 0, notEvaluable: 0 };
  const families: Record<string, FamilyTally> = {};
  for (const r of results) {
    const f = (families[r.family] ??= { total: 0, byEvaluator: {}, notEvaluable: 0, notEvaluableReasons: {}, impreciseKinds: {} });
    summary.total++;
    f.total++;
    if (r.status === 'not-evaluable') {
      summary.notEvaluable++;
      f.notEvaluable++;
      bump(f.notEvaluableReasons, r.reason ?? 'unknown');
      continue;
    }
    const e = (f.byEvaluator[r.evaluator ?? 'unknown'] ??= { agree: 0, disagree: 0, imprecise: 0 });
    e[r.status]++;
    summary[r.status]++;
    if (r.status === 'imprecise') bump(f.impreciseKinds, `${r.evaluator}: expected ${r.expected}, evaluated ${r.evaluated}`);
  }
  return { summary, families };
}
