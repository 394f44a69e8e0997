/**
 * The campaign's report.json: schema `trapcheck.report/1` with additive fields. `results` holds
 * the kept rows only (non-pass verdicts, first K per bucket); `summary`, `families`, `perRuntime`
 * and `coverage` count every result; `campaign` adds the shard, the budget, the verdict digest,
 * cases/s, findings with their sizes before and after shrinking, and coverage against what each
 * family declares.
 */
import type { Report, RuntimeEntry } from '../report/report.ts';
import { REPORT_SCHEMA } from '../report/report.ts';
import { renderMarkdown } from '../report/markdown.ts';
import type { Shard } from './shard.ts';
import { formatShard } from './shard.ts';
import type { CampaignState, DifferentialStats, Finding } from './state.ts';
import type { Retirement } from './runtime-budget.ts';
import { KEEP_FAIL, KEEP_OTHER } from './state.ts';
import { findingsPerRuntime } from './findings-table.ts';

/** A rate for people: whole numbers from 10/s up, two decimals below (a slow 18-runtime campaign runs at 0.47 cases/s, not 0). */
export function perSecond(count: number, seconds: number): number {
  if (!(seconds > 0)) return 0;
  const r = count / seconds;
  return r >= 10 ? Math.round(r) : Math.round(r * 100) / 100;
}

export interface CampaignConfig {
  families: string[];
  /** Runtime specs as given (`reference`, `wasmtime=/opt/wasmtime`). */
  runtimes: string[];
  seed: number;
  /** Case indices per family in this shard; null when only time-bounded. */
  runs: number | null;
  /** Wall-time budget of the whole campaign (all sessions), ms; null when only run-bounded. */
  timeMs: number | null;
  shard: Shard;
  differential: boolean;
  /** Corpus directory findings are saved to, or null. */
  saveFindings: string | null;
  /** Most findings shrunk per campaign (the rest are reported unshrunk). */
  maxShrinks: number;
  /** --budget-per-runtime in ms (src/fuzz/runtime-budget.ts); absent or null: none. */
  budgetPerRuntimeMs?: number | null;
}

/** `budget`: every runtime used its --budget-per-runtime. */
export type StopReason = 'runs' | 'time' | 'interrupted' | 'budget';

export interface CoverageEntry {
  declared: number;
  hit: number;
  missing: string[];
}

export interface CampaignSection {
  schema: 'trapcheck.campaign/1';
  families: string[];
  runtimes: string[];
  seed: number;
  shard: string;
  /** Shards merged into this report (`trapcheck merge`), else absent. */
  mergedShards?: string[];
  runs: number | null;
  timeMs: number | null;
  differential: boolean;
  /** Case indices of every family that ran: `k-1 + n·p` for p < positions. */
  positions: number;
  cases: number;
  results: number;
  stopReason: StopReason;
  digest: string;
  durationMs: number;
  casesPerSecond: number;
  sessions: number;
  resultsKept: { policy: string; kept: number; omitted: number };
  findings: Finding[];
  /** Runtimes retired by --budget-per-runtime (absent without one). */
  retired?: Record<string, Retirement>;
  differentialStats?: DifferentialStats;
  /** Per family, per declared tag: values hit at least once, and the declared ones never hit. */
  declaredCoverage: Record<string, Record<string, CoverageEntry>>;
}

export type CampaignReport = Report & { campaign: CampaignSection };

export interface ReportContext {
  version: string;
  runtimes: RuntimeEntry[];
  declares: Record<string, Record<string, readonly string[]>>;
  stopReason: StopReason;
  mergedShards?: string[];
}

export function declaredCoverage(state: CampaignState, declares: ReportContext['declares']): CampaignSection['declaredCoverage'] {
  const out: CampaignSection['declaredCoverage'] = {};
  for (const [family, tags] of Object.entries(declares)) {
    const seen = state.coverage[family] ?? {};
    for (const [tag, values] of Object.entries(tags)) {
      const hit = values.filter((v) => (seen[tag]?.[v] ?? 0) > 0);
      (out[family] ??= {})[tag] = { declared: values.length, hit: hit.length, missing: values.filter((v) => !hit.includes(v)) };
    }
  }
  return out;
}

export function buildCampaignReport(config: CampaignConfig, state: CampaignState, ctx: ReportContext): CampaignReport {
  const seconds = state.elapsedMs / 1000;
  const results = state.summary.total;
  const kept = state.rows.length;
  const campaign: CampaignSection = {
    schema: 'trapcheck.campaign/1',
    families: config.families,
    runtimes: config.runtimes,
    seed: config.seed,
    shard: formatShard(config.shard),
    runs: config.runs,
    timeMs: config.timeMs,
    differential: config.differential,
    positions: state.nextPosition,
    cases: state.cases,
    results,
    stopReason: ctx.stopReason,
    digest: state.digest,
    durationMs: Math.round(state.elapsedMs),
    casesPerSecond: perSecond(state.cases, seconds),
    sessions: state.sessions,
    resultsKept: {
      policy: `results[] keeps non-pass rows only: the first ${KEEP_FAIL} failures per finding signature and the first ${KEEP_OTHER} other non-pass rows per reason, in case order; the tallies count everything`,
      kept,
      omitted: results - kept,
    },
    findings: state.findings,
    declaredCoverage: declaredCoverage(state, ctx.declares),
  };
  if (config.differential) campaign.differentialStats = state.differential;
  if (config.budgetPerRuntimeMs) campaign.retired = state.retired ?? {};
  if (ctx.mergedShards) campaign.mergedShards = ctx.mergedShards;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'trapcheck', version: ctx.version },
    command: 'fuzz',
    seed: config.seed,
    config: { ...config, shard: formatShard(config.shard) },
    runtimes: ctx.runtimes,
    summary: { ...state.summary, durationMs: Math.round(state.elapsedMs), casesPerSecond: perSecond(results, seconds) },
    families: state.families,
    perRuntime: state.perRuntime,
    coverage: state.coverage,
    knownDivergencesByReason: state.knownDivergencesByReason,
    skippedByReason: state.skippedByReason,
    results: state.rows.map(({ ordinal: _o, bucket: _b, ...row }) => row),
    campaign,
  };
}

/**
 * The deterministic part of a campaign report: what must be identical between one run and its
 * shards merged, or between an uninterrupted run and a killed-and-resumed one. Drops wall-clock
 * figures, session counts and the shard/config echo.
 */
export function comparableReport(r: CampaignReport): unknown {
  const { summary, campaign, config: _config, ...rest } = r;
  const { durationMs: _d, casesPerSecond: _c, ...counts } = summary;
  const { durationMs: _cd, casesPerSecond: _cc, sessions: _s, shard: _sh, mergedShards: _m, runs: _r, positions: _p, timeMs: _t, ...camp } = campaign;
  return { ...rest, summary: counts, campaign: camp };
}

export function renderCampaignMarkdown(r: CampaignReport): string {
  const c = r.campaign;
  const out: string[] = [renderMarkdown(r).trimEnd(), ''];
  out.push('## Campaign', '');
  out.push(`Shard ${c.shard}${c.mergedShards ? ` (merged: ${c.mergedShards.join(', ')})` : ''}; ${c.cases} cases, ${c.results} results in ${(c.durationMs / 1000).toFixed(1)} s: **${c.casesPerSecond} cases/s**; stopped by ${c.stopReason}; verdict digest \`${c.digest}\`.`, '');
  if (c.differentialStats) {
    const d = c.differentialStats;
    out.push(`Differential (every pair of runtimes): ${d.compared} comparisons, ${d.agreed} agreed, ${d.disagreed} disagreed (${d.attributed ?? 0} attributed to a runtime failing its expectation); quarantined: ${Object.entries(d.quarantined).map(([k, n]) => `${k} (${n})`).join(', ') || 'none'}.`, '');
  }
  if (c.retired && Object.keys(c.retired).length) out.push(`Retired by --budget-per-runtime: ${Object.entries(c.retired).map(([r, x]) => `${r} (after ${(x.usedMs / 1000).toFixed(1)} s, from position ${x.position})`).join(', ')}.`, '');
  out.push('## Findings', '');
  if (!c.findings.length) out.push('None.', '');
  else {
    out.push('| runtime | verdict | differential | suspected oracle | cases |', '|---|---:|---:|---:|---:|');
    for (const [r, x] of Object.entries(findingsPerRuntime(c.findings))) out.push(`| ${r} | ${x.verdict} | ${x.differential} | ${x.oracle} | ${x.cases} |`);
    out.push('');
  }
  for (const f of c.findings) {
    out.push(`- **${f.signature}** — ${f.count} case(s); first \`${f.first.id}\`${f.first.agreedBy?.length ? `; agrees with the expectation: ${f.first.agreedBy.join(', ')}` : ''}`);
    if (f.shrink) {
      const s = f.shrink.size;
      out.push(`  - shrunk: ${s.before.bytes} B / ${s.before.functions} functions → params ${s.afterParams.bytes} B / ${s.afterParams.functions} → module ${s.after.bytes} B / ${s.after.functions} functions`);
      out.push(`  - replay: \`${f.shrink.replay}\``);
      if (f.shrink.saved) out.push(`  - saved: ${f.shrink.saved.map((p) => `\`${p}\``).join(', ')}`);
    } else if (f.notShrunk) out.push(`  - not shrunk: ${f.notShrunk}`);
    out.push(`  - replay original: \`${f.first.repro}\``);
  }
  const missing = Object.entries(c.declaredCoverage).flatMap(([fam, tags]) => Object.entries(tags).filter(([, e]) => e.missing.length).map(([tag, e]) => `${fam} ${tag}: ${e.missing.join(', ')}`));
  out.push('', '## Declared coverage not hit', '', ...(missing.length ? missing.map((m) => `- ${m}`) : ['Every declared tag value was hit.']), '');
  return `${out.join('\n')}\n`;
}
