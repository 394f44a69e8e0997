/**
 * A campaign's accumulated state: exact tallies, coverage, a verdict digest, a bounded sample of
 * result rows, and the findings. Everything here is plain JSON (it is the checkpoint) and
 * everything merges exactly across shards: tallies add, digests add, and the kept rows are "the
 * first K per bucket in case order", which is the same set whether one machine ran every index
 * or n shards each ran a stride of them.
 */
import { createHash } from 'node:crypto';
import type { VerdictKind } from '../judge.ts';
import type { ResultRow, Tally } from '../report/report.ts';
import { addToTally, emptyTally } from '../report/report.ts';
import type { ModuleSize } from './reduce.ts';
import type { Retirement } from './runtime-budget.ts';

export { addCoverage, oracleTag } from './coverage.ts';

export const STATE_SCHEMA = 'trapcheck.fuzz-state/1';

/** Result rows kept per bucket: failures by signature, other non-pass verdicts by reason. Passes are only counted. */
export const KEEP_FAIL = 100;
export const KEEP_OTHER = 20;

export interface KeptRow extends ResultRow {
  /** Global order of the case: index × families + family position. */
  ordinal: number;
  bucket: string;
}

export interface FindingShrink {
  /** `i:a:b:…` for `trapcheck replay --path` (parameter-shrunk case). */
  path: string;
  id: string;
  replay: string;
  size: { before: ModuleSize; afterParams: ModuleSize; after: ModuleSize };
  evaluations: { params: number; module: number };
  reductions: string[];
  verified: boolean;
  params?: unknown;
  /** Corpus files written by --save-findings. */
  saved?: string[];
}

export interface Finding {
  signature: string;
  /** `oracle`: independent engines agree against the expectation (src/fuzz/attribution.ts). */
  kind: 'verdict' | 'differential' | 'oracle';
  family: string;
  runtimes: string[];
  /** Cases in this campaign with this signature. */
  count: number;
  /** The first case (in case order) that showed it: the one that is shrunk. */
  first: { id: string; ordinal: number; index: number; expected?: string; observed?: string; reason?: string; repro: string; agreedBy?: string[] };
  shrink?: FindingShrink;
  /** Why it was not shrunk (shrink budget of the campaign exhausted, no generator …). */
  notShrunk?: string;
}

export interface DifferentialStats {
  compared: number;
  agreed: number;
  disagreed: number;
  /** Disagreements where one side failed its expectation: reported by that side's verdict finding (absent in checkpoints before #16). */
  attributed?: number;
  quarantined: Record<string, number>;
}

export interface CampaignState {
  schema: typeof STATE_SCHEMA;
  /** Every shard position below this one is done (all families, all runtimes). */
  nextPosition: number;
  cases: number;
  summary: Tally;
  families: Record<string, Tally>;
  perRuntime: Record<string, Tally>;
  coverage: Record<string, Record<string, Record<string, number>>>;
  knownDivergencesByReason: Record<string, number>;
  skippedByReason: Record<string, number>;
  /** Sum (mod 2^64) of a hash of every (case id, runtime, verdict): equal digests ⇒ same verdicts. */
  digest: string;
  rows: KeptRow[];
  bucketCounts: Record<string, number>;
  findings: Finding[];
  differential: DifferentialStats;
  /** Busy wall time of each runtime executing campaign cases, over every session (--budget-per-runtime). */
  runtimeMs?: Record<string, number>;
  /** Runtimes retired by --budget-per-runtime, with the position from which they ran no cases. */
  retired?: Record<string, Retirement>;
  /** Wall time spent so far, over every session (for --time budgets and cases/s only). */
  elapsedMs: number;
  sessions: number;
}

export function emptyState(): CampaignState {
  return {
    schema: STATE_SCHEMA,
    nextPosition: 0,
    cases: 0,
    summary: emptyTally(),
    families: {},
    perRuntime: {},
    coverage: {},
    knownDivergencesByReason: {},
    skippedByReason: {},
    digest: '0000000000000000',
    rows: [],
    bucketCounts: {},
    findings: [],
    differential: { compared: 0, agreed: 0, disagreed: 0, attributed: 0, quarantined: {} },
    elapsedMs: 0,
    sessions: 0,
  };
}

const MASK = (1n << 64n) - 1n;

export function verdictHash(id: string, runtime: string, verdict: VerdictKind): bigint {
  return BigInt(`0x${createHash('sha256').update(`${id}\0${runtime}\0${verdict}`).digest('hex').slice(0, 16)}`);
}

export function addDigest(a: string, b: bigint | string): string {
  const x = (BigInt(`0x${a}`) + (typeof b === 'string' ? BigInt(`0x${b}`) : b)) & MASK;
  return x.toString(16).padStart(16, '0');
}

function bump(record: Record<string, number>, key: string, n = 1): void {
  record[key] = (record[key] ?? 0) + n;
}

export function bucketOf(row: ResultRow, signature: string | undefined): string {
  return row.verdict === 'fail' && signature ? signature : `${row.runtime} · ${row.verdict} · ${row.reason ?? ''}`;
}

function keepLimit(row: ResultRow): number {
  return row.verdict === 'fail' ? KEEP_FAIL : KEEP_OTHER;
}

/** Counts one judged (case, runtime) result; keeps its row when its bucket still has room. */
export function addResult(state: CampaignState, row: ResultRow, ordinal: number, signature: string | undefined): void {
  countResult(state, row);
  if (row.verdict !== 'pass') keepRow(state, row, ordinal, signature);
}

/** What the counts need of a result: a pass adds nothing else, so its full row is never built. */
export type CountedResult = Pick<ResultRow, 'id' | 'family' | 'runtime' | 'verdict' | 'reason' | 'divergence'>;

/** Counts one result: tallies, reasons and the verdict digest. */
export function countResult(state: CampaignState, r: CountedResult): void {
  const v = r.verdict;
  addToTally(state.summary, v);
  addToTally((state.families[r.family] ??= emptyTally()), v);
  addToTally((state.perRuntime[r.runtime] ??= emptyTally()), v);
  if (v === 'known-divergence') bump(state.knownDivergencesByReason, r.reason ?? r.divergence ?? 'unspecified');
  if (v === 'skip') bump(state.skippedByReason, r.reason ?? 'unspecified');
  state.digest = addDigest(state.digest, verdictHash(r.id, r.runtime, v));
}

/** Keeps a non-pass row (already counted) when its bucket still has room. */
export function keepRow(state: CampaignState, row: ResultRow, ordinal: number, signature: string | undefined): void {
  const bucket = bucketOf(row, signature);
  const kept = state.bucketCounts[bucket] ?? 0;
  state.bucketCounts[bucket] = kept + 1;
  if (kept < keepLimit(row)) state.rows.push({ ...row, ordinal, bucket });
}

/** Adds one case's differential comparisons (src/fuzz/attribution.ts) to the campaign's. */
export function addDifferential(into: DifferentialStats, d: { compared: number; agreed: number; disagreed: number; attributed: number; quarantined: Record<string, number> }): void {
  into.compared += d.compared;
  into.agreed += d.agreed;
  into.disagreed += d.disagreed;
  into.attributed = (into.attributed ?? 0) + d.attributed;
  for (const [k, n] of Object.entries(d.quarantined)) bump(into.quarantined, k, n);
}

function addTally(into: Tally, t: Tally): void {
  for (const k of Object.keys(t) as Array<keyof Tally>) into[k] += t[k];
}

/**
 * Merges shard states (same campaign, disjoint positions). Rows: all shards' rows in case order,
 * the first K per bucket, exactly what one unsharded run keeps. Findings: counts add up and the
 * earliest case (lowest ordinal) of each signature wins, with its shrink result.
 */
export function mergeStates(states: readonly CampaignState[], runtimeOrder: readonly string[]): CampaignState {
  const out = emptyState();
  for (const s of states) {
    out.cases += s.cases;
    addTally(out.summary, s.summary);
    for (const [k, t] of Object.entries(s.families)) addTally((out.families[k] ??= emptyTally()), t);
    for (const [k, t] of Object.entries(s.perRuntime)) addTally((out.perRuntime[k] ??= emptyTally()), t);
    for (const [fam, tags] of Object.entries(s.coverage))
      for (const [tag, values] of Object.entries(tags)) for (const [v, n] of Object.entries(values)) bump(((out.coverage[fam] ??= {})[tag] ??= {}), v, n);
    for (const [k, n] of Object.entries(s.knownDivergencesByReason)) bump(out.knownDivergencesByReason, k, n);
    for (const [k, n] of Object.entries(s.skippedByReason)) bump(out.skippedByReason, k, n);
    out.digest = addDigest(out.digest, s.digest);
    for (const [k, n] of Object.entries(s.bucketCounts)) bump(out.bucketCounts, k, n);
    out.differential.compared += s.differential.compared;
    out.differential.agreed += s.differential.agreed;
    out.differential.disagreed += s.differential.disagreed;
    out.differential.attributed = (out.differential.attributed ?? 0) + (s.differential.attributed ?? 0);
    for (const [k, n] of Object.entries(s.differential.quarantined)) bump(out.differential.quarantined, k, n);
    out.elapsedMs = Math.max(out.elapsedMs, s.elapsedMs);
    // --budget-per-runtime: busy time adds up; a runtime retired in any shard is listed with the
    // first such shard's figures (positions are that shard's own)
    for (const [r, ms] of Object.entries(s.runtimeMs ?? {})) bump((out.runtimeMs ??= {}), r, ms);
    for (const [r, at] of Object.entries(s.retired ?? {})) (out.retired ??= {})[r] ??= at;
    out.sessions += s.sessions;
  }
  const rank = (r: string): number => runtimeOrder.indexOf(r);
  const rows = states.flatMap((s) => s.rows).sort((a, b) => a.ordinal - b.ordinal || rank(a.runtime) - rank(b.runtime));
  const kept: Record<string, number> = {};
  for (const r of rows) {
    const n = kept[r.bucket] ?? 0;
    if (n >= keepLimit(r)) continue;
    kept[r.bucket] = n + 1;
    out.rows.push(r);
  }
  const bySig = new Map<string, Finding>();
  for (const f of states.flatMap((s) => s.findings)) {
    const prev = bySig.get(f.signature);
    if (!prev) bySig.set(f.signature, { ...f });
    else {
      const winner = f.first.ordinal < prev.first.ordinal ? { ...f } : prev;
      winner.count = prev.count + f.count;
      bySig.set(f.signature, winner);
    }
  }
  out.findings = sortFindings([...bySig.values()]);
  return out;
}

export function sortFindings(list: Finding[]): Finding[] {
  return list.sort((a, b) => a.first.ordinal - b.first.ordinal || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
}
