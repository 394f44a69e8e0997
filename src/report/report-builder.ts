/**
 * Builds report.json as results arrive. A long `run` (tens of thousands of cases) keeps per
 * result only its report row, a few dozen bytes of strings, never the case with its module
 * bytes, steps and observation: the tallies, coverage and rows are counted on arrival, exactly
 * as `buildReport` counts them over a finished list (it is this builder fed in one go).
 */
import type { Case } from '../case.ts';
import type { CaseResult } from '../result.ts';
import type { Report, ReportInput, ResultRow, Tally } from './report.ts';
import { REPORT_SCHEMA, addToTally, buildMatrix, emptyTally, toResultRow } from './report.ts';

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export type ReportMeta = Omit<ReportInput, 'results'>;

export class ReportBuilder {
  private readonly summary = emptyTally();
  private readonly families: Record<string, Tally> = {};
  private readonly perRuntime: Record<string, Tally> = {};
  private readonly coverage: Report['coverage'] = {};
  private readonly knownDivergencesByReason: Record<string, number> = {};
  private readonly skippedByReason: Record<string, number> = {};
  // Coverage counts cases, not (case, runtime) pairs; weak, so a counted case can be collected.
  private readonly coveredCases = new WeakSet<Case>();
  private readonly rows: ResultRow[] = [];

  /** Counts one result and keeps its row (in arrival order: the report's `results`). */
  add(r: CaseResult): void {
    const v = r.verdict.verdict;
    addToTally(this.summary, v);
    addToTally((this.families[r.case.family] ??= emptyTally()), v);
    addToTally((this.perRuntime[r.runtime] ??= emptyTally()), v);
    if (v === 'known-divergence') bump(this.knownDivergencesByReason, r.verdict.reason ?? r.verdict.divergence ?? 'unspecified');
    if (v === 'skip') bump(this.skippedByReason, r.verdict.reason ?? 'unspecified');
    if (r.case.tags && !this.coveredCases.has(r.case)) {
      this.coveredCases.add(r.case);
      const fam = (this.coverage[r.case.family] ??= {});
      for (const [tag, value] of Object.entries(r.case.tags)) bump((fam[tag] ??= {}), value);
    }
    this.rows.push(toResultRow(r));
  }

  build(meta: ReportMeta): Report {
    const seconds = meta.durationMs / 1000;
    return {
      schema: REPORT_SCHEMA,
      tool: { name: 'trapcheck', version: meta.version },
      command: meta.command,
      seed: meta.seed,
      config: meta.config,
      runtimes: meta.runtimes,
      summary: { ...this.summary, durationMs: Math.round(meta.durationMs), casesPerSecond: seconds > 0 ? Math.round(this.summary.total / seconds) : 0 },
      families: this.families,
      perRuntime: this.perRuntime,
      coverage: this.coverage,
      knownDivergencesByReason: this.knownDivergencesByReason,
      skippedByReason: this.skippedByReason,
      matrix: buildMatrix(this.rows),
      results: this.rows,
    };
  }
}
