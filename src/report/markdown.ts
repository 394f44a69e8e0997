/** Markdown summary of a report: totals, family × runtime table, coverage, and every failure with its replay command. */
import type { Report, Tally } from './report.ts';

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function tallyCells(t: Tally): number[] {
  return [t.total, t.passed, t.failed, t.imprecise, t.knownDivergences, t.skipped];
}

const TALLY_HEAD = ['total', 'pass', 'fail', 'imprecise', 'known divergence', 'skip'];

export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`# trapcheck ${report.command} — seed ${report.seed}`, '');
  out.push(`trapcheck ${report.tool.version}; runtimes: ${report.runtimes.map((r) => `${r.name} ${r.version}`).join(', ')}.`);
  out.push(`${s.total} results in ${(s.durationMs / 1000).toFixed(2)} s (${s.casesPerSecond} results/s): **${s.passed} pass, ${s.failed} fail**, ${s.imprecise} imprecise, ${s.knownDivergences} known divergences, ${s.skipped} skipped.`, '');
  out.push('## Families', '', row(['family', ...TALLY_HEAD]), row(['---', ...TALLY_HEAD.map(() => '---:')]));
  for (const [family, t] of Object.entries(report.families).sort()) out.push(row([family, ...tallyCells(t)]));
  out.push('', '## Runtimes', '', row(['runtime', ...TALLY_HEAD]), row(['---', ...TALLY_HEAD.map(() => '---:')]));
  for (const [rt, t] of Object.entries(report.perRuntime).sort()) out.push(row([rt, ...tallyCells(t)]));
  const cov = Object.entries(report.coverage).sort();
  if (cov.length) {
    out.push('', '## Coverage (cases per tag value)', '');
    for (const [family, tags] of cov) {
      out.push(`### ${family}`, '');
      for (const [tag, values] of Object.entries(tags).sort()) {
        const list = Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${v} (${n})`).join(', ');
        out.push(`- **${tag}**: ${list}`);
      }
      out.push('');
    }
  }
  for (const [title, record] of [['Known divergences by reason', report.knownDivergencesByReason], ['Skips by reason', report.skippedByReason]] as const) {
    const entries = Object.entries(record).sort(([, a], [, b]) => b - a);
    if (!entries.length) continue;
    out.push(`## ${title}`, '', row(['reason', 'count']), row(['---', '---:']));
    for (const [reason, n] of entries) out.push(row([reason.replaceAll('|', '\\|'), n]));
    out.push('');
  }
  const bad = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'imprecise');
  if (bad.length) {
    out.push('## Failures and imprecise results', '');
    for (const r of bad) {
      out.push(`- **${r.verdict}** \`${r.id}\` on ${r.runtime}${r.step !== undefined ? ` (step ${r.step})` : ''}: ${r.reason ?? ''}`);
      out.push(`  - replay: \`${r.repro}\``);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
