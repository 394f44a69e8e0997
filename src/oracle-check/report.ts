/**
 * The oracle check's report: `report.json` (`trapcheck.oracle-check/1`, the source of truth) and
 * `summary.md` rendered from it. Counts cover every case; the listed results are the ones a person
 * must look at (disagreements and imprecise ones), each with its replay command.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../report/write-file.ts';
import type { CheckResult } from './result.ts';
import type { CheckTally } from './tally.ts';

export const ORACLE_CHECK_SCHEMA = 'trapcheck.oracle-check/1';

export interface OracleCheckReport extends CheckTally {
  schema: typeof ORACLE_CHECK_SCHEMA;
  tool: { name: 'trapcheck'; version: string };
  seed: number;
  config: { families: string[]; runs: number; evaluators: string[] };
  evaluators: Array<{ name: string; version: string }>;
  /** Wall time; the only figure that differs between identical runs. */
  durationMs: number;
  /** Every disagreement, then every imprecise result, in case order. */
  results: CheckResult[];
}

export function buildOracleReport(fields: Omit<OracleCheckReport, 'schema' | 'results'>, results: readonly CheckResult[]): OracleCheckReport {
  return {
    schema: ORACLE_CHECK_SCHEMA,
    ...fields,
    results: [...results.filter((r) => r.status === 'disagree'), ...results.filter((r) => r.status === 'imprecise')],
  };
}

/** One line per disagreement: case, step, evaluator, expected vs evaluated, replay command. */
export function disagreementLine(r: CheckResult): string {
  const step = r.step !== undefined ? ` step ${r.step}` : '';
  const opinions = (r.secondOpinions ?? []).map((o) => {
    const what = o.status === 'agree' ? ' with the generator' : o.evaluated ? `${o.step !== undefined ? ` at step ${o.step}` : ''}, evaluated ${o.evaluated}` : o.reason ? ` (${o.reason})` : '';
    return `\n  second opinion: ${o.evaluator} ${o.status}${what}`;
  });
  return `DISAGREE ${r.caseId}${step} (${r.evaluator}): expected ${r.expected ?? '?'}, evaluated ${r.evaluated ?? '?'}${opinions.join('')}\n  replay: ${r.replay ?? ''}`;
}

/** The per-family × evaluator table and the not-evaluable reasons, as plain text lines. */
export function countLines(tally: CheckTally): string[] {
  const lines = [`${'family'.padEnd(14)} ${'evaluator'.padEnd(10)} ${'agree'.padStart(6)} ${'disagree'.padStart(8)} ${'imprecise'.padStart(9)}`];
  for (const [family, f] of Object.entries(tally.families)) {
    for (const [evaluator, c] of Object.entries(f.byEvaluator))
      lines.push(`${family.padEnd(14)} ${evaluator.padEnd(10)} ${String(c.agree).padStart(6)} ${String(c.disagree).padStart(8)} ${String(c.imprecise).padStart(9)}`);
    if (f.notEvaluable) {
      lines.push(`${family.padEnd(14)} not evaluable: ${f.notEvaluable}`);
      for (const [reason, n] of Object.entries(f.notEvaluableReasons).sort((a, b) => b[1] - a[1])) lines.push(`${''.padEnd(16)}${String(n).padStart(6)}  ${reason}`);
    }
  }
  const s = tally.summary;
  lines.push(`oracle-check: ${s.total} cases: ${s.agree} agree, ${s.disagree} disagree, ${s.imprecise} imprecise, ${s.notEvaluable} not evaluable`);
  return lines;
}

export function renderOracleMarkdown(r: OracleCheckReport): string {
  const s = r.summary;
  const out = [
    `# trapcheck oracle-check, seed ${r.seed}`,
    '',
    `Evaluators: ${r.evaluators.map((e) => `${e.name} (${e.version})`).join(', ')}. Families: ${r.config.families.join(', ')}; ${r.config.runs} cases each.`,
    '',
    `**${s.total} cases: ${s.agree} agree, ${s.disagree} disagree, ${s.imprecise} imprecise, ${s.notEvaluable} not evaluable.**`,
    '',
    '| family | evaluator | agree | disagree | imprecise |',
    '|---|---|---:|---:|---:|',
  ];
  for (const [family, f] of Object.entries(r.families)) for (const [e, c] of Object.entries(f.byEvaluator)) out.push(`| ${family} | ${e} | ${c.agree} | ${c.disagree} | ${c.imprecise} |`);
  const notEvaluable = Object.entries(r.families).flatMap(([family, f]) => Object.entries(f.notEvaluableReasons).map(([reason, n]) => `| ${family} | ${n} | ${reason.replaceAll('|', '\\|')} |`));
  if (notEvaluable.length) out.push('', '## Not evaluable', '', '| family | cases | reason |', '|---|---:|---|', ...notEvaluable);
  const imprecise = Object.entries(r.families).flatMap(([family, f]) => Object.entries(f.impreciseKinds).map(([kind, n]) => `| ${family} | ${n} | ${kind.replaceAll('|', '\\|')} |`));
  if (imprecise.length) out.push('', '## Imprecise', '', '| family | cases | what the evaluator could not tell apart |', '|---|---:|---|', ...imprecise);
  const disagreements = r.results.filter((x) => x.status === 'disagree');
  const opinions = (d: CheckResult): string => (d.secondOpinions ?? []).map((o) => ` ${o.evaluator}: ${o.status}${o.evaluated && o.status !== 'agree' ? ` (${o.evaluated})` : ''}.`).join('');
  if (disagreements.length) out.push('', '## Disagreements', '', ...disagreements.map((d) => `- \`${d.caseId}\` step ${d.step ?? '?'} (${d.evaluator}): expected ${d.expected}, evaluated ${d.evaluated}.${opinions(d)} Replay: \`${d.replay}\``));
  return `${out.join('\n')}\n`;
}

/** Writes report.json and summary.md into `dir` (already checked by prepareOutDir); returns the paths. */
export function writeOracleReport(dir: string, report: OracleCheckReport): string[] {
  const json = join(dir, 'report.json');
  const md = join(dir, 'summary.md');
  writeFileAtomic(json, `${JSON.stringify(report, null, 1)}\n`);
  writeFileAtomic(md, renderOracleMarkdown(report));
  return [json, md];
}
