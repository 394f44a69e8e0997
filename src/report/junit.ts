/** JUnit XML rendering of a report: one testsuite per (family, runtime), one testcase per result. */
import type { Report, ResultRow } from './report.ts';

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function testcase(r: ResultRow): string {
  const head = `    <testcase classname="${escapeXml(`${r.family}.${r.runtime}`)}" name="${escapeXml(r.id)}"`;
  const detail = `${r.reason ?? ''}\nreplay: ${r.repro}`;
  switch (r.verdict) {
    case 'pass':
      return `${head}/>`;
    case 'fail':
      return `${head}>\n      <failure message="${escapeXml(r.reason ?? 'failed')}" type="fail">${escapeXml(detail)}</failure>\n    </testcase>`;
    case 'skip':
      return `${head}>\n      <skipped message="${escapeXml(r.reason ?? 'skipped')}"/>\n    </testcase>`;
    default:
      // imprecise and known-divergence are not failures; JUnit has no such states, so they are
      // recorded as passing test cases with the explanation in system-out.
      return `${head}>\n      <system-out>${escapeXml(`${r.verdict}: ${detail}`)}</system-out>\n    </testcase>`;
  }
}

export function renderJunit(report: Report): string {
  const groups = new Map<string, ResultRow[]>();
  for (const r of report.results) {
    const key = `${r.family} on ${r.runtime}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(r);
  }
  const suites = [...groups].map(([name, rows]) => {
    const failures = rows.filter((r) => r.verdict === 'fail').length;
    const skipped = rows.filter((r) => r.verdict === 'skip').length;
    return `  <testsuite name="${escapeXml(name)}" tests="${rows.length}" failures="${failures}" skipped="${skipped}" errors="0">\n${rows.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const s = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="trapcheck ${escapeXml(report.command)} seed ${report.seed}" tests="${s.total}" failures="${s.failed}" skipped="${s.skipped}" time="${(s.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
