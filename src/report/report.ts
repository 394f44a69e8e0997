/**
 * report.json (`trapcheck.report/1`) is the source of truth of a run (DESIGN §7); JUnit,
 * Markdown and HTML are renderings of it. Everything in `results` is deterministic for a given
 * seed and configuration; wall-clock figures live only in `summary.durationMs` and `timing`.
 */
import type { VerdictKind } from '../judge.ts';
import type { CaseResult } from '../result.ts';
import { replayCommand } from '../replay-token.ts';
import { ReportBuilder } from './report-builder.ts';

export const REPORT_SCHEMA = 'trapcheck.report/1';

export interface Tally {
  total: number;
  passed: number;
  failed: number;
  imprecise: number;
  knownDivergences: number;
  skipped: number;
}

export interface ResultRow {
  id: string;
  family: string;
  runtime: string;
  verdict: VerdictKind;
  sha256: string;
  expected?: string;
  observed?: string;
  reason?: string;
  step?: number;
  divergence?: string;
  repro: string;
  tags?: Record<string, string>;
  /** The case ended by the watchdog (a hang): the one verdict that may differ between identical runs. */
  timedOut?: true;
}

/** One cell of the family × runtime matrix. */
export interface MatrixCell extends Tally {
  /** Results whose case was ended by a watchdog (counted in their verdict too). */
  timeouts: number;
}

/** The conformance matrix: every family × every runtime of the run, in first-seen order. */
export interface Matrix {
  families: string[];
  runtimes: string[];
  cells: Record<string, Record<string, MatrixCell>>;
}

export interface RuntimeEntry {
  name: string;
  version: string;
  profile: string;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'trapcheck'; version: string };
  command: string;
  seed: number;
  config: Record<string, unknown>;
  runtimes: RuntimeEntry[];
  summary: Tally & { durationMs: number; casesPerSecond: number };
  families: Record<string, Tally>;
  perRuntime: Record<string, Tally>;
  /** Per family: tag → value → number of cases carrying it (what the generators hit). */
  coverage: Record<string, Record<string, Record<string, number>>>;
  knownDivergencesByReason: Record<string, number>;
  skippedByReason: Record<string, number>;
  /** Family × runtime tallies (pass / fail / imprecise / known-divergence / skip, timeouts marked). */
  matrix?: Matrix;
  /** `trapcheck spec` only: per-file tallies, the clean-file figures and the engine's features. */
  spec?: SpecSection;
  results: ResultRow[];
}

export interface SpecFileRow extends Omit<Tally, 'total'> {
  file: string;
  assertions: number;
  skippedBy: Record<string, number>;
  usesUnsupportedFeature: boolean;
  error?: string;
}

export interface SpecSection {
  files: SpecFileRow[];
  cleanFiles: { files: number; assertions: number; passed: number; imprecise: number; failed: number; passRate: number; notFailedRate: number };
  features: { supported: string[]; missing: string[] };
  /** Assertions skipped, per missing feature. */
  skippedByFeature: Record<string, number>;
}

export function emptyTally(): Tally {
  return { total: 0, passed: 0, failed: 0, imprecise: 0, knownDivergences: 0, skipped: 0 };
}

const TALLY_FIELD: Record<VerdictKind, keyof Omit<Tally, 'total'>> = {
  pass: 'passed',
  fail: 'failed',
  imprecise: 'imprecise',
  'known-divergence': 'knownDivergences',
  skip: 'skipped',
};

export function addToTally(t: Tally, v: VerdictKind): void {
  t.total++;
  t[TALLY_FIELD[v]]++;
}

export function toResultRow(r: CaseResult): ResultRow {
  const row: ResultRow = {
    id: r.case.id,
    family: r.case.family,
    runtime: r.runtime,
    verdict: r.verdict.verdict,
    sha256: r.sha256,
    repro: replayCommand(r.case, r.runtime),
  };
  const v = r.verdict;
  if (v.expected !== undefined) row.expected = v.expected;
  if (v.observed !== undefined) row.observed = v.observed;
  if (v.reason !== undefined) row.reason = v.reason;
  if (v.step !== undefined) row.step = v.step;
  if (v.divergence !== undefined) row.divergence = v.divergence;
  if (r.case.tags) row.tags = r.case.tags;
  if (r.observation?.steps.some((s) => s.outcome.kind === 'timeout')) row.timedOut = true;
  return row;
}

export function buildMatrix(rows: readonly ResultRow[]): Matrix {
  const families: string[] = [];
  const runtimes: string[] = [];
  const cells: Matrix['cells'] = {};
  for (const r of rows) {
    if (!cells[r.family]) {
      families.push(r.family);
      cells[r.family] = {};
    }
    if (!runtimes.includes(r.runtime)) runtimes.push(r.runtime);
    const cell = (cells[r.family]![r.runtime] ??= { ...emptyTally(), timeouts: 0 });
    addToTally(cell, r.verdict);
    if (r.timedOut) cell.timeouts++;
  }
  for (const f of families) for (const rt of runtimes) cells[f]![rt] ??= { ...emptyTally(), timeouts: 0 };
  return { families, runtimes, cells };
}

export interface ReportInput {
  command: string;
  version: string;
  seed: number;
  config: Record<string, unknown>;
  runtimes: RuntimeEntry[];
  results: readonly CaseResult[];
  durationMs: number;
}

/** The report of a finished list of results (src/report/report-builder.ts builds it as they arrive). */
export function buildReport(input: ReportInput): Report {
  const builder = new ReportBuilder();
  for (const r of input.results) builder.add(r);
  return builder.build(input);
}

/** Exit code of a run (DESIGN §7): 1 when any case failed, else 0. */
export function exitCodeOf(report: Pick<Report, 'summary'>): 0 | 1 {
  return report.summary.failed > 0 ? 1 : 0;
}
