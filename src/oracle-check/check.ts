/**
 * The oracle check's loop: every case goes to the evaluators in order, and the first that can run
 * it exactly decides (agree / disagree; imprecise when none can tell its trap kinds apart). A case
 * no evaluator can run is `not-evaluable` with each evaluator's reason: counted, never dropped. A
 * disagreement is also run on the other evaluators (second opinions, for triage); they never change
 * its status. Cases are judged in batches so that an evaluator with several processes keeps them
 * busy; results come back in case order.
 */
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Verdict } from '../judge.ts';
import { judgeCases } from '../pipeline/judge-cases.ts';
import { replayCommand } from '../replay-token.ts';
import type { Evaluator } from './evaluator.ts';
import type { CheckResult, CheckStatus, SecondOpinion } from './result.ts';
import { statusOf } from './result.ts';

export interface CheckOptions {
  /** Cases judged per evaluator call (default 64). */
  batchSize?: number;
  /** Called once per case, in case order, as soon as its batch is judged. */
  onResult?: (r: CheckResult) => void;
}

/**
 * Interpreters run cases tens of times slower than V8, on a machine shared with other work: each
 * case gets at least EVALUATION_BUDGET_MS before a watchdog calls it a hang. The budget is only a
 * watchdog (DESIGN §6), never part of an expectation, except in a case that expects a `timeout`,
 * which keeps its own.
 */
export const EVALUATION_BUDGET_MS = 30_000;

function forEvaluation(c: Case): Case {
  if (c.steps.some((s) => s.expect.outcome?.kind === 'timeout')) return c;
  return { ...c, timeoutMs: Math.max(c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, EVALUATION_BUDGET_MS) };
}

/** Adapter texts can carry a tool's terminal colours (wasm-interp's errors do); reports want plain text. */
const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

function decided(c: Case, evaluator: Evaluator, verdict: Verdict, status: Exclude<CheckStatus, 'not-evaluable'>): CheckResult {
  const r: CheckResult = { caseId: c.id, family: c.family, status, evaluator: evaluator.name };
  if (verdict.step !== undefined) r.step = verdict.step;
  if (verdict.expected !== undefined) r.expected = verdict.expected;
  if (verdict.observed !== undefined) r.evaluated = plain(verdict.observed);
  if (verdict.reason !== undefined) r.reason = plain(verdict.reason);
  if (status !== 'agree') r.replay = replayCommand(c, evaluator.replayRuntime);
  return r;
}

/**
 * One result per case of `batch`, in order. A case moves on to the next evaluator while the ones
 * before could not run it or could not tell its trap kind apart (imprecise): the first evaluator
 * that agrees or disagrees decides; an imprecise result stands only when no later one is exact.
 */
export async function checkBatch(batch: readonly Case[], evaluators: readonly Evaluator[]): Promise<CheckResult[]> {
  const results = new Array<CheckResult | undefined>(batch.length);
  const why: string[][] = batch.map(() => []);
  let pending = batch.map((_, i) => i);
  for (const evaluator of evaluators) {
    if (!pending.length) break;
    const judged = await judgeCases(evaluator.target, pending.map((i) => forEvaluation(batch[i]!)));
    const next: number[] = [];
    judged.forEach(({ verdict }, k) => {
      const i = pending[k]!;
      const status = statusOf(verdict);
      if (status === 'not-evaluable') why[i]!.push(`${evaluator.name}: ${verdict.reason ?? 'skipped'}`);
      else if (status !== 'imprecise' || results[i] === undefined) results[i] = decided(batch[i]!, evaluator, verdict, status);
      if (status === 'not-evaluable' || status === 'imprecise') next.push(i);
    });
    pending = next;
  }
  for (let i = 0; i < batch.length; i++)
    results[i] ??= { caseId: batch[i]!.id, family: batch[i]!.family, status: 'not-evaluable', reason: why[i]!.join('; ') || 'no evaluator selected' };
  await addSecondOpinions(batch, results as CheckResult[], evaluators);
  return results as CheckResult[];
}

/** Every disagreement is run on the other evaluators too: their word is the first step of triage. */
async function addSecondOpinions(batch: readonly Case[], results: CheckResult[], evaluators: readonly Evaluator[]): Promise<void> {
  for (const other of evaluators) {
    const asked = results.flatMap((r, i) => (r.status === 'disagree' && r.evaluator !== other.name ? [i] : []));
    if (!asked.length) continue;
    const judged = await judgeCases(other.target, asked.map((i) => forEvaluation(batch[i]!)));
    judged.forEach(({ verdict }, k) => {
      const opinion: SecondOpinion = { evaluator: other.name, status: statusOf(verdict) };
      if (verdict.step !== undefined) opinion.step = verdict.step;
      if (verdict.observed !== undefined) opinion.evaluated = plain(verdict.observed);
      if (verdict.reason !== undefined) opinion.reason = plain(verdict.reason);
      (results[asked[k]!]!.secondOpinions ??= []).push(opinion);
    });
  }
}

/** Checks every case of `cases` on `evaluators`; one result per case, in case order. */
export async function checkCases(cases: Iterable<Case> | AsyncIterable<Case>, evaluators: readonly Evaluator[], options: CheckOptions = {}): Promise<CheckResult[]> {
  const size = options.batchSize ?? 64;
  const all: CheckResult[] = [];
  let batch: Case[] = [];
  const flush = async (): Promise<void> => {
    for (const r of await checkBatch(batch, evaluators)) {
      all.push(r);
      options.onResult?.(r);
    }
    batch = [];
  };
  for await (const c of cases) {
    batch.push(c);
    if (batch.length >= size) await flush();
  }
  if (batch.length) await flush();
  return all;
}
