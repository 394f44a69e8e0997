/**
 * The static HTML rendering of a report (reporter `html` → index.html): one self-contained page,
 * no server and no network (inline CSS, inline SVG, a few lines of inline JS). It shows the
 * family × runtime matrix as an SVG grid of stacked bars (pass / fail / imprecise / known
 * divergence / skip) plus the same figures as a table, the runtimes with their versions, and a
 * drill-down per failure: expected vs observed, the reason and the replay command. Clicking a
 * matrix cell filters the failures to that family and runtime.
 *
 * Stable hooks for tests and scripts: `#matrix td[data-family][data-runtime]` carry the counts
 * as data attributes, `#failures details.failure` one per listed result.
 */
import type { Matrix, MatrixCell, Report, ResultRow } from './report.ts';

/** Results listed with a drill-down; the rest stay in report.json (the page says how many). */
const MAX_LISTED = 2000;

const COLORS = { passed: '#2e7d32', failed: '#c62828', imprecise: '#f9a825', knownDivergences: '#1565c0', skipped: '#9e9e9e' } as const;
const LABELS = { passed: 'pass', failed: 'fail', imprecise: 'imprecise', knownDivergences: 'known divergence', skipped: 'skip' } as const;
type Part = keyof typeof COLORS;
const PARTS: readonly Part[] = ['passed', 'failed', 'imprecise', 'knownDivergences', 'skipped'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function cellTitle(family: string, runtime: string, c: MatrixCell): string {
  return `${family} on ${runtime}: ${PARTS.map((p) => `${c[p]} ${LABELS[p]}`).join(', ')}${c.timeouts ? `, ${c.timeouts} timed out` : ''}`;
}

/** The matrix as an SVG grid: a stacked bar per cell, widths proportional to the counts. */
export function matrixSvg(m: Matrix): string {
  const labelW = 150;
  const cellW = 150;
  const cellH = 34;
  const headH = 28;
  const width = labelW + cellW * m.runtimes.length + 10;
  const height = headH + cellH * m.families.length + 34;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" id="matrix-svg" role="img" aria-label="family by runtime matrix" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  m.runtimes.forEach((rt, j) => out.push(`<text x="${labelW + j * cellW + cellW / 2}" y="18" text-anchor="middle" font-weight="600">${esc(rt)}</text>`));
  m.families.forEach((f, i) => {
    const y = headH + i * cellH;
    out.push(`<text x="${labelW - 8}" y="${y + cellH / 2 + 4}" text-anchor="end">${esc(f)}</text>`);
    m.runtimes.forEach((rt, j) => {
      const c = m.cells[f]![rt]!;
      const x = labelW + j * cellW + 4;
      const w = cellW - 8;
      out.push(`<g class="cell" data-family="${esc(f)}" data-runtime="${esc(rt)}" tabindex="0"><title>${esc(cellTitle(f, rt, c))}</title>`);
      out.push(`<rect x="${x}" y="${y + 4}" width="${w}" height="${cellH - 8}" fill="#f5f5f5" stroke="#ccc"/>`);
      let at = x;
      for (const p of PARTS) {
        if (!c.total || !c[p]) continue;
        const pw = (w * c[p]) / c.total;
        out.push(`<rect x="${at.toFixed(2)}" y="${y + 4}" width="${pw.toFixed(2)}" height="${cellH - 8}" fill="${COLORS[p]}"/>`);
        at += pw;
      }
      const text = c.total ? `${c.passed}/${c.failed}/${c.imprecise}/${c.knownDivergences}/${c.skipped}${c.timeouts ? ` (${c.timeouts} t/o)` : ''}` : '—';
      out.push(`<text x="${x + w / 2}" y="${y + cellH / 2 + 4}" text-anchor="middle" fill="${c.total && c.skipped < c.total / 2 ? '#fff' : '#111'}" stroke="#fff" stroke-width="0" paint-order="stroke">${esc(text)}</text></g>`);
    });
  });
  const ly = headH + cellH * m.families.length + 16;
  let lx = labelW;
  for (const p of PARTS) {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[p]}"/><text x="${lx + 16}" y="${ly}">${LABELS[p]}</text>`);
    lx += 24 + LABELS[p].length * 7;
  }
  out.push('</svg>');
  return out.join('');
}

function matrixTable(m: Matrix): string {
  const head = `<tr><th>family</th>${m.runtimes.map((rt) => `<th>${esc(rt)}</th>`).join('')}</tr>`;
  const rows = m.families.map((f) => {
    const tds = m.runtimes.map((rt) => {
      const c = m.cells[f]![rt]!;
      const data = `data-family="${esc(f)}" data-runtime="${esc(rt)}" data-total="${c.total}" data-pass="${c.passed}" data-fail="${c.failed}" data-imprecise="${c.imprecise}" data-known-divergence="${c.knownDivergences}" data-skip="${c.skipped}" data-timeouts="${c.timeouts}"`;
      const body = c.total ? `${c.passed} / <b class="${c.failed ? 'bad' : ''}">${c.failed}</b> / ${c.imprecise} / ${c.knownDivergences} / ${c.skipped}${c.timeouts ? ` <span class="timeout" title="ended by the watchdog">(${c.timeouts} timed out)</span>` : ''}` : '—';
      return `<td class="cell" ${data} title="${esc(cellTitle(f, rt, c))}">${body}</td>`;
    });
    return `<tr><th>${esc(f)}</th>${tds.join('')}</tr>`;
  });
  return `<table id="matrix"><caption>pass / fail / imprecise / known divergence / skip per family and runtime (timed out: results ended by the watchdog, the only verdicts that may differ between identical runs)</caption>${head}${rows.join('')}</table>`;
}

function failureDetails(r: ResultRow, i: number): string {
  const field = (name: string, value: string | undefined): string => (value === undefined ? '' : `<dt>${name}</dt><dd>${esc(value)}</dd>`);
  return `<details class="failure verdict-${r.verdict}" id="r${i}" data-family="${esc(r.family)}" data-runtime="${esc(r.runtime)}" data-verdict="${r.verdict}">
<summary><span class="badge ${r.verdict}">${r.verdict}</span> <code>${esc(r.id)}</code> on <b>${esc(r.runtime)}</b>${r.step !== undefined ? ` (step ${r.step})` : ''}${r.timedOut ? ' <span class="timeout">[timeout]</span>' : ''} — ${esc(r.reason ?? '')}</summary>
<dl>${field('family', r.family)}${field('expected', r.expected)}${field('observed', r.observed)}${field('reason', r.reason)}${field('divergence', r.divergence)}${field('module sha256', r.sha256)}${r.timedOut ? field('note', 'ended by the watchdog (a hang); the only kind of verdict that may differ between two identical runs') : ''}</dl>
<p class="replay">replay: <code class="repro">${esc(r.repro)}</code></p>
</details>`;
}

function reasonTable(title: string, record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([, a], [, b]) => b - a);
  if (!entries.length) return '';
  return `<h2>${esc(title)}</h2><table class="reasons"><tr><th>reason</th><th>count</th></tr>${entries.map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`).join('')}</table>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
#matrix td.cell{cursor:pointer;white-space:nowrap}#matrix td.cell:hover,g.cell:hover rect{opacity:.85}
b.bad{color:#c62828}.summary span{margin-right:14px}
details.failure{border:1px solid #ddd;border-left:4px solid #c62828;margin:4px 0;padding:4px 8px}
details.verdict-imprecise{border-left-color:#f9a825}details.verdict-known-divergence{border-left-color:#1565c0}
details.failure summary{cursor:pointer}details.failure dl{display:grid;grid-template-columns:140px 1fr;gap:2px 12px;margin:8px 0}
dt{color:#555}dd{margin:0;font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-word}
.badge{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}.badge.fail{background:#c62828}.badge.imprecise{background:#f9a825;color:#111}.badge.known-divergence{background:#1565c0}
.timeout{color:#6a1b9a}code.repro{background:#f5f5f5;padding:2px 4px}#filter{margin:6px 0;color:#555}g.cell{cursor:pointer}`;

const JS = `(() => {
  const rows = [...document.querySelectorAll('#failures details.failure')];
  const note = document.getElementById('filter');
  function filter(family, runtime) {
    let shown = 0;
    for (const d of rows) { const on = !family || (d.dataset.family === family && d.dataset.runtime === runtime); d.hidden = !on; if (on) shown++; }
    note.textContent = family ? 'showing ' + shown + ' listed result(s) for ' + family + ' on ' + runtime + ' — click the heading to show all' : '';
  }
  for (const el of document.querySelectorAll('#matrix td.cell, #matrix-svg g.cell'))
    el.addEventListener('click', () => { filter(el.dataset.family, el.dataset.runtime); document.getElementById('failures').scrollIntoView(); });
  document.getElementById('failures-title').addEventListener('click', () => filter());
})();`;

export function renderHtml(report: Report): string {
  const s = report.summary;
  const m = report.matrix ?? { families: [], runtimes: [], cells: {} };
  const listed = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'known-divergence' || r.verdict === 'imprecise');
  // failures first (they are what the page is for), then divergences, then imprecise
  const order = { fail: 0, 'known-divergence': 1, imprecise: 2 } as Record<string, number>;
  const sorted = listed.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => order[a.verdict]! - order[b.verdict]! || i - j).map(([r]) => r);
  const shown = sorted.slice(0, MAX_LISTED);
  const runtimes = report.runtimes.map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.version)}</td><td>${esc(r.profile)}</td><td>${report.perRuntime[r.name] ? `${report.perRuntime[r.name]!.total}` : '0'}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trapcheck ${esc(report.command)} — seed ${report.seed}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>trapcheck ${esc(report.command)} — seed ${report.seed}</h1>
<p class="summary" id="summary" data-total="${s.total}" data-pass="${s.passed}" data-fail="${s.failed}" data-imprecise="${s.imprecise}" data-known-divergence="${s.knownDivergences}" data-skip="${s.skipped}">
<span><b>${s.total}</b> results</span><span style="color:${COLORS.passed}"><b>${s.passed}</b> pass</span><span style="color:${COLORS.failed}"><b>${s.failed}</b> fail</span><span><b>${s.imprecise}</b> imprecise</span><span style="color:${COLORS.knownDivergences}"><b>${s.knownDivergences}</b> known divergences</span><span><b>${s.skipped}</b> skipped</span><span>${(s.durationMs / 1000).toFixed(2)} s</span></p>
<p>trapcheck ${esc(report.tool.version)} · report.json schema ${esc(report.schema)} · <code>${esc(String(report.config['out'] ?? ''))}</code></p>
<h2>Matrix</h2>
${matrixSvg(m)}
${matrixTable(m)}
<h2>Runtimes</h2>
<table id="runtimes"><tr><th>runtime</th><th>version</th><th>profile</th><th>results</th></tr>${runtimes}</table>
<h2 id="failures-title" title="click to show all">Failures, known divergences and imprecise results (${listed.length}${listed.length > shown.length ? `, first ${shown.length} listed` : ''})</h2>
<p id="filter"></p>
<div id="failures">${shown.map(failureDetails).join('\n')}</div>
${reasonTable('Known divergences by reason', report.knownDivergencesByReason)}
${reasonTable('Skips by reason', report.skippedByReason)}
<script>${JS}</script>
</body></html>
`;
}
