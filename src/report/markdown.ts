/** Markdown summary of a report: totals, family × runtime table, coverage, and every failure with its replay command. */
import type { Matrix, Report, Tally } from './report.ts';

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function tallyCells(t: Tally): number[] {
  return [t.total, t.passed, t.failed, t.imprecise, t.knownDivergences, t.skipped];
}

/** Failures listed one by one in the Markdown; the rest stay in report.json. */
const MAX_LISTED = 200;

const TALLY_HEAD = ['total', 'pass', 'fail', 'imprecise', 'known divergence', 'skip'];

/**
 * The family × runtime matrix: one cell per pair, `pass / fail / imprecise / known divergence /
 * skip`, with timeouts (verdicts that may change between identical runs) marked ⏱.
 */
export function renderMatrix(m: Matrix): string[] {
  const out = ['## Matrix (pass / fail / imprecise / known divergence / skip)', ''];
  out.push(row(['family', ...m.runtimes]), row(['---', ...m.runtimes.map(() => '---')]));
  for (const f of m.families) {
    out.push(
      row([
        f,
        ...m.runtimes.map((rt) => {
          const c = m.cells[f]![rt]!;
          if (c.total === 0) return '—';
          const cell = `${c.passed} / ${c.failed ? `**${c.failed}**` : 0} / ${c.imprecise} / ${c.knownDivergences} / ${c.skipped}`;
          return c.timeouts ? `${cell} ⏱${c.timeouts}` : cell;
        }),
      ]),
    );
  }
  out.push('', '⏱N: N results ended by the watchdog (timeout); only these may differ between two identical runs.');
  return out;
}

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
  if (report.matrix && report.matrix.runtimes.length > 0) out.push('', ...renderMatrix(report.matrix));
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
  if (report.spec) {
    const c = report.spec.cleanFiles;
    out.push('## Spec scripts', '');
    out.push(`Files without unsupported features: ${c.files} files, ${c.assertions} assertions — pass ${(c.passRate * 100).toFixed(3)}%, not failed (pass + imprecise) ${(c.notFailedRate * 100).toFixed(3)}%.`);
    out.push(`Engine features missing: ${report.spec.features.missing.join(', ') || 'none'}.`, '');
    out.push(row(['file', 'assertions', 'pass', 'fail', 'imprecise', 'skip', 'skipped by reason']), row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const f of report.spec.files) {
      const reasons = Object.entries(f.skippedBy).map(([k, n]) => `${k} (${n})`).join(', ');
      out.push(row([f.error ? `${f.file} — **${f.error}**` : f.file, f.assertions, f.passed, f.failed, f.imprecise, f.skipped, reasons]));
    }
    out.push('');
  }
  const failures = report.results.filter((r) => r.verdict === 'fail');
  if (failures.length) {
    out.push('## Failures', '');
    for (const r of failures.slice(0, MAX_LISTED)) {
      out.push(`- \`${r.id}\` on ${r.runtime}${r.step !== undefined ? ` (step ${r.step})` : ''}${r.timedOut ? ' [timeout: killed by the watchdog; may differ between runs]' : ''}: ${r.reason ?? ''}`);
      out.push(`  - replay: \`${r.repro}\``);
    }
    if (failures.length > MAX_LISTED) out.push(`- … and ${failures.length - MAX_LISTED} more in report.json`);
    out.push('');
  }
  // Imprecise results are many and alike (one engine message for two kinds): grouped by reason.
  const imprecise = new Map<string, { count: number; example: string }>();
  for (const r of report.results) {
    if (r.verdict !== 'imprecise') continue;
    const key = r.reason ?? 'unspecified';
    const entry = imprecise.get(key);
    if (entry) entry.count++;
    else imprecise.set(key, { count: 1, example: r.id });
  }
  if (imprecise.size) {
    out.push('## Imprecise results by reason', '', row(['reason', 'count', 'example']), row(['---', '---:', '---']));
    for (const [reason, { count, example }] of [...imprecise].sort(([, a], [, b]) => b.count - a.count)) out.push(row([reason.replaceAll('|', '\\|'), count, `\`${example}\``]));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
