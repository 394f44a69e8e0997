/**
 * Shared by `run` and `replay`: create runtimes, run cases through the suite, print each
 * failure with its replay command, write reports and bundles, and return the exit code.
 */
import { resolve } from 'node:path';
import type { Case } from '../case.ts';
import type { CaseResult } from '../conformance/suite.ts';
import { runSuite } from '../conformance/suite.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { createRuntimes, parseRuntimeSpec, checkRuntimeName } from '../runtimes/registry.ts';
import type { Report, RuntimeEntry } from '../report/report.ts';
import { buildReport, exitCodeOf } from '../report/report.ts';
import { replayCommand } from '../report/repro.ts';
import type { ReporterName } from '../report/write.ts';
import { writeReports, writeReproBundles } from '../report/write.ts';
import type { CliIo } from './io.ts';
import { TOOL_VERSION } from './version.ts';

export interface ExecuteOptions {
  command: string;
  seed: number;
  config: Record<string, unknown>;
  runtimes: string[];
  outDir: string;
  reporters: ReporterName[];
  total?: number;
}

export function checkRuntimes(specs: readonly string[]): void {
  for (const s of specs) checkRuntimeName(parseRuntimeSpec(s).name);
}

export function describeResult(r: CaseResult): string {
  const v = r.verdict;
  return `${v.verdict.toUpperCase()} ${r.case.id} on ${r.runtime}${v.step !== undefined ? ` (step ${v.step})` : ''}: ${v.reason ?? ''}`;
}

export async function executeCases(cases: Iterable<Case> | AsyncIterable<Case>, options: ExecuteOptions, io: CliIo): Promise<{ report: Report; results: CaseResult[]; exitCode: number }> {
  const runtimes: Runtime[] = [];
  try {
    await createRuntimes(options.runtimes, runtimes, (name, reason) => io.out(`trapcheck ${options.command}: --runtime all: leaving out ${name}: ${reason}`));
    const entries: RuntimeEntry[] = await Promise.all(runtimes.map(async (r) => ({ name: r.name, version: await r.version(), profile: r.profile.runtime })));
    io.out(`trapcheck ${options.command}: seed ${options.seed}; runtimes ${entries.map((e) => `${e.name} ${e.version}`).join(', ')}${options.total !== undefined ? `; ${options.total} cases` : ''}`);
    const started = performance.now();
    const results = await runSuite(cases, runtimes, {
      onResult: (r) => {
        if (r.verdict.verdict !== 'fail') return;
        io.out(describeResult(r));
        io.out(`  replay: ${replayCommand(r.case, r.runtime)}`);
      },
    });
    const durationMs = performance.now() - started;
    const report = buildReport({ command: options.command, version: TOOL_VERSION, seed: options.seed, config: options.config, runtimes: entries, results, durationMs });
    const outDir = resolve(options.outDir);
    const written = writeReports(report, outDir, options.reporters);
    const bundles = writeReproBundles(results, outDir);
    const s = report.summary;
    io.out(`${s.total} results: ${s.passed} pass, ${s.failed} fail, ${s.imprecise} imprecise, ${s.knownDivergences} known divergences, ${s.skipped} skipped in ${(s.durationMs / 1000).toFixed(2)} s (${s.casesPerSecond}/s)`);
    for (const w of written) io.out(`wrote ${w}`);
    if (bundles.length) io.out(`wrote ${bundles.length} repro bundles under ${resolve(outDir, 'repro')}`);
    return { report, results, exitCode: exitCodeOf(report) };
  } finally {
    await Promise.all(runtimes.map((r) => r.close()));
  }
}
