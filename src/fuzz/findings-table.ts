/**
 * Findings per runtime (issue #16 §6): how many distinct findings name each runtime, by kind, and
 * how many cases they cover. Printed at the end of `trapcheck fuzz`, in summary.md and by
 * `trapcheck findings`. A differential or oracle finding names several runtimes and counts once
 * for each of them.
 */
import type { Finding } from './state.ts';

export interface RuntimeFindings {
  verdict: number;
  differential: number;
  oracle: number;
  /** Cases behind those findings (a case failing on two runtimes counts for both). */
  cases: number;
}

export function findingsPerRuntime(findings: readonly Pick<Finding, 'kind' | 'runtimes' | 'count'>[]): Record<string, RuntimeFindings> {
  const out: Record<string, RuntimeFindings> = {};
  for (const f of findings) {
    for (const r of f.runtimes) {
      const row = (out[r] ??= { verdict: 0, differential: 0, oracle: 0, cases: 0 });
      row[f.kind]++;
      row.cases += f.count;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The table as aligned text lines (a header, then one line per runtime); empty when there are no findings. */
export function renderFindingsTable(perRuntime: Record<string, RuntimeFindings>): string[] {
  const rows = Object.entries(perRuntime);
  if (!rows.length) return [];
  const width = Math.max(7, ...rows.map(([r]) => r.length));
  const line = (r: string, v: string, d: string, o: string, c: string): string => `${r.padEnd(width)}  ${v.padStart(7)}  ${d.padStart(12)}  ${o.padStart(16)}  ${c.padStart(6)}`;
  return [line('runtime', 'verdict', 'differential', 'suspected oracle', 'cases'), ...rows.map(([r, x]) => line(r, String(x.verdict), String(x.differential), String(x.oracle), String(x.cases)))];
}
