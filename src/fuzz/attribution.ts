/**
 * Who a case's results blame (issue #16 §1). One case ran on several runtimes; each result was
 * judged against the case's expectation. From those results this decides, per case, which
 * findings the campaign records:
 *
 * - a runtime that fails its expectation alone is a `verdict` finding of that runtime;
 * - two or more independent engines failing the same way (same step, same expected and observed
 *   outcome class) agree against the oracle: that is one `oracle` finding (a suspected bug of the
 *   generator's expectation), never a failure of each runtime. Versions of one engine (wasm3 0.5.0
 *   and head, iwasm fast and classic, reference/node/deno on V8) are not independent, so they count once;
 * - with `differential`, every pair of runtimes that both observed the case is compared
 *   (src/fuzz/differential.ts). A disagreement where one side fails its expectation is attributed
 *   to that side: its verdict finding already reports the bug, so it adds no second finding. A
 *   disagreement the expectation cannot decide (both sides pass, imprecise or state-only) is a
 *   `differential` finding of the pair.
 *
 * Pure: the campaign's commit and its shrink predicates call the same function, so a shrunk case
 * keeps a finding exactly when this function would record it again.
 */
import type { Case } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Profile } from '../profile.ts';
import type { Verdict } from '../judge.ts';
import { compareObservations, disagreementSignature, explainedByDivergence } from './differential.ts';
import { failureClass, verdictSignature } from './signature.ts';

export interface RuntimeResult {
  name: string;
  profile: Profile;
  verdict: Verdict;
  observation: Observation | undefined;
}

export type FindingKind = 'verdict' | 'differential' | 'oracle';

export interface Candidate {
  signature: string;
  kind: FindingKind;
  /** The runtimes it names: the failing one, the disagreeing pair, or the engines that agree against the oracle. */
  runtimes: string[];
  expected?: string;
  observed?: string;
  reason?: string;
  /** Runtimes whose observation agrees with the expectation (verdict `pass` or `imprecise`): who contradicts the failing ones. */
  agreedBy?: string[];
}

export interface DifferentialDelta {
  compared: number;
  agreed: number;
  disagreed: number;
  /** Disagreements where a side failed its expectation (reported by that side's verdict finding). */
  attributed: number;
  quarantined: Record<string, number>;
}

export interface Attribution {
  /** Per result (input order): the verdict signature of a failure, for the campaign's row buckets. */
  rowSignatures: Array<string | undefined>;
  candidates: Candidate[];
  differential?: DifferentialDelta;
}

/** Engines that share an implementation count once when they agree against the oracle. */
const SHARED_ENGINE: Record<string, string> = { reference: 'v8', node: 'v8', deno: 'v8', bun: 'jsc' };

/** `wasm3@0.9.0` → `wasm3`, `iwasm-classic@2.4.5` → `iwasm`, `deno-jspi` → `v8`. */
export function engineOf(runtime: string): string {
  const base = runtime.split('@')[0]!.split('=')[0]!.replace(/-(classic|jspi)$/, '');
  return SHARED_ENGINE[base] ?? base;
}

/**
 * Outcomes that say something about the case, not about the harness: two harnesses that crash or
 * time out alike are not two engines agreeing on a semantics.
 */
function comparableFailure(r: RuntimeResult): boolean {
  if (r.verdict.verdict !== 'fail') return false;
  const o = r.observation?.steps[r.verdict.step ?? 0]?.outcome;
  return o !== undefined && o.kind !== 'crash' && o.kind !== 'timeout' && o.kind !== 'unsupported' && o.kind !== 'host-error';
}

export function oracleSignature(c: Case, failure: string): string {
  return `suspected oracle bug · ${c.family} · ${failure}`;
}

export function attributeCase(c: Case, results: readonly RuntimeResult[], differential: boolean): Attribution {
  const rowSignatures = results.map((r) => (r.verdict.verdict === 'fail' ? verdictSignature(c, r.name, r.verdict, r.observation) : undefined));
  const agreedBy = results.filter((r) => r.verdict.verdict === 'pass' || r.verdict.verdict === 'imprecise').map((r) => r.name);
  const candidates: Candidate[] = [];

  // Failures grouped by what failed; a group spanning two engines blames the oracle.
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    if (!comparableFailure(r)) return;
    const key = failureClass(c, r.verdict, r.observation);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const blamedOracle = new Set<number>();
  for (const [failure, members] of groups) {
    if (new Set(members.map((i) => engineOf(results[i]!.name))).size < 2) continue;
    members.forEach((i) => blamedOracle.add(i));
    const first = results[members[0]!]!.verdict;
    candidates.push({ signature: oracleSignature(c, failure), kind: 'oracle', runtimes: members.map((i) => results[i]!.name), expected: first.expected, observed: first.observed, reason: first.reason, agreedBy });
  }
  results.forEach((r, i) => {
    const signature = rowSignatures[i];
    if (!signature || blamedOracle.has(i)) return;
    candidates.push({ signature, kind: 'verdict', runtimes: [r.name], expected: r.verdict.expected, observed: r.verdict.observed, reason: r.verdict.reason, agreedBy });
  });

  if (!differential || results.length < 2) return { rowSignatures, candidates };
  const delta: DifferentialDelta = { compared: 0, agreed: 0, disagreed: 0, attributed: 0, quarantined: {} };
  for (let a = 0; a < results.length; a++) {
    for (let b = a + 1; b < results.length; b++) {
      const ra = results[a]!;
      const rb = results[b]!;
      if (!ra.observation || !rb.observation) continue;
      delta.compared++;
      const cmp = explainedByDivergence(ra.verdict, rb.verdict) ?? compareObservations(c, ra.observation, rb.observation, ra.profile, rb.profile);
      if (cmp.kind === 'agree') delta.agreed++;
      else if (cmp.kind === 'quarantined') delta.quarantined[cmp.reason] = (delta.quarantined[cmp.reason] ?? 0) + 1;
      else {
        delta.disagreed++;
        if (ra.verdict.verdict === 'fail' || rb.verdict.verdict === 'fail') {
          delta.attributed++;
          continue;
        }
        candidates.push({
          signature: disagreementSignature(c, ra.name, rb.name, cmp),
          kind: 'differential',
          runtimes: [ra.name, rb.name],
          expected: `${ra.name}: ${cmp.a}`,
          observed: `${rb.name}: ${cmp.b}`,
          reason: `step ${cmp.step}: ${cmp.what} differs`,
        });
      }
    }
  }
  return { rowSignatures, candidates, differential: delta };
}
