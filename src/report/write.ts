/**
 * Writes a run's outputs: the requested renderings of report.json and a repro bundle per
 * non-passing result (case.json + module.wasm [+ module.wat] + observation.json), which
 * `trapcheck replay <bundle>/case.json` re-runs.
 */
import { join } from 'node:path';
import { toCaseFile } from '../case.ts';
import type { CaseResult } from '../result.ts';
import { renderJunit } from './junit.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './report.ts';
import { bundleName } from '../replay-token.ts';
import { writeFileAtomic } from './write-file.ts';

export const REPORTERS = ['json', 'junit', 'md', 'html'] as const;
export type ReporterName = (typeof REPORTERS)[number];

const FILES: Record<ReporterName, [string, (r: Report) => string]> = {
  json: ['report.json', (r) => `${JSON.stringify(r, null, 1)}\n`],
  junit: ['junit.xml', renderJunit],
  md: ['summary.md', renderMarkdown],
  html: ['index.html', renderHtml],
};

export function writeReports(report: Report, outDir: string, reporters: readonly ReporterName[]): string[] {
  // report.json is the source of truth: always written, whatever else is asked for.
  const names = new Set<ReporterName>(['json', ...reporters]);
  return [...names].map((name) => {
    const [file, render] = FILES[name];
    const path = join(outDir, file);
    writeFileAtomic(path, render(report));
    return path;
  });
}

/**
 * Bundles for every failed result; returns the bundle directories. An imprecise verdict is the
 * engine's folded message, not a failure to reproduce: its replay line is in the report.
 */
export function writeReproBundles(results: readonly CaseResult[], outDir: string): string[] {
  const dirs: string[] = [];
  for (const r of results) {
    if (r.verdict.verdict !== 'fail') continue;
    const dir = join(outDir, 'repro', bundleName(r.case, r.runtime));
    const module = r.case.modules[0];
    if (!module) continue;
    writeFileAtomic(join(dir, 'module.wasm'), module.bytes);
    if (module.wat) writeFileAtomic(join(dir, 'module.wat'), module.wat);
    writeFileAtomic(join(dir, 'case.json'), `${JSON.stringify(toCaseFile(r.case, 'module.wasm'), null, 1)}\n`);
    writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify({ runtime: r.runtime, verdict: r.verdict, observation: r.observation }, null, 1)}\n`);
    dirs.push(dir);
  }
  return dirs;
}
