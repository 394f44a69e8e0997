/**
 * `trapcheck spec PATH...`: runs .wast scripts (files or folders) on each runtime; every
 * assertion gets exactly one verdict, failures print `file:line` and a replay command.
 * The report is a trapcheck.report/1 whose results are assertions, plus a per-file `spec` section.
 */
import { resolve } from 'node:path';
import { usageError } from '../../errors.ts';
import type { SpecResult } from '../../conformance/wast/index.ts';
import { BLOCKED, runSpec, specFiles } from '../../conformance/wast/index.ts';
import { createRuntime } from '../../runtimes/registry.ts';
import { RuntimeSlot } from '../../pipeline/runtime-slot.ts';
import { formatReplay } from '../../replay-token.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import type { Report, ResultRow, SpecSection, Tally } from '../../report/report.ts';
import { REPORT_SCHEMA, addToTally, emptyTally } from '../../report/report.ts';
import { writeReports } from '../../report/write.ts';
import { intOption, listOption, parse } from '../args.ts';
import { checkRuntimes } from '../execute.ts';
import type { CliIo } from '../io.ts';
import { TOOL_VERSION } from '../version.ts';
import { reportersOf } from './run.ts';

const OPTIONS = {
  runtime: { type: 'string', multiple: true },
  out: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  line: { type: 'string' },
} as const;

function specSection(r: SpecResult): SpecSection {
  const c = r.cleanFiles;
  return {
    files: r.files.map((f) => {
      const row = { file: f.file, assertions: f.assertions, passed: f.passed, failed: f.failed, imprecise: f.imprecise, knownDivergences: f.knownDivergences, skipped: f.skipped, skippedBy: f.skippedBy, usesUnsupportedFeature: f.usesUnsupportedFeature };
      return f.error ? { ...row, error: f.error } : row;
    }),
    cleanFiles: { files: c.files, assertions: c.assertions, passed: c.passed, imprecise: c.imprecise, failed: c.failed, passRate: c.passRate, notFailedRate: c.notFailedRate },
    features: { supported: [...r.features.supported], missing: [...r.features.missing] },
    skippedByFeature: r.summary.skippedBy,
  };
}

function rowsOf(r: SpecResult): ResultRow[] {
  return r.files.flatMap((f) => [
    ...f.results.map((a): ResultRow => {
      const row: ResultRow = { id: a.at, family: 'spec', runtime: r.runtime, verdict: a.verdict, sha256: '', expected: a.expected, repro: a.replay ?? formatReplay({ kind: 'spec', file: a.file, line: a.line }, r.runtime) };
      if (a.observed !== undefined) row.observed = a.observed;
      if (a.reason !== undefined) row.reason = a.reason;
      return row;
    }),
    // A failed command (module, register, bare invoke) is one failure at its own line; the
    // assertions it blocks are skips that name it.
    ...f.commands
      .filter((c) => c.verdict === 'fail' || c.verdict === 'known-divergence')
      .map((c): ResultRow => ({ id: c.at, family: 'spec', runtime: r.runtime, verdict: c.verdict, sha256: '', expected: `${c.what} succeeds`, reason: c.reason, repro: formatReplay({ kind: 'spec', file: f.file, line: Number(c.at.slice(c.at.lastIndexOf(':') + 1)) }, r.runtime), tags: { command: c.what } })),
  ]);
}

export async function specCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('spec', argv, OPTIONS);
  if (!positionals.length) throw usageError('`trapcheck spec` needs .wast files or folders');
  const runtimes = listOption(values, 'runtime') ?? ['reference'];
  checkRuntimes(runtimes);
  const reporters = reportersOf(values);
  const files = specFiles(positionals);
  const line = values['line'] === undefined ? undefined : intOption(values, 'line', 1, 1);
  if (line !== undefined && files.length !== 1) throw usageError('--line needs exactly one .wast file');
  const outDir = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : 'reports/spec');
  let failed = false;
  for (const spec of runtimes) {
    const runtime = await createRuntime(spec);
    // a runtime whose harness throws is replaced by a fresh one; its file gets a crash, the run goes on
    const slot = new RuntimeSlot(runtime, () => createRuntime(spec));
    try {
      io.out(`trapcheck spec: ${files.length} files on ${runtime.name} ${await runtime.version()}`);
      const result = await runSpec(files, slot, line === undefined ? {} : { line });
      const results = rowsOf(result);
      const summary = emptyTally();
      const families: Record<string, Tally> = {};
      for (const row of results) {
        addToTally(summary, row.verdict);
        addToTally((families[row.id.split(':')[0]!] ??= emptyTally()), row.verdict);
        if (row.verdict === 'fail') {
          io.out(`FAIL ${row.id}: ${row.reason ?? `expected ${row.expected}, observed ${row.observed}`}`);
          io.out(`  replay: ${row.repro}`);
        }
      }
      for (const f of result.files) if (f.error) io.out(`ERROR ${f.error}`);
      const report: Report = {
        schema: REPORT_SCHEMA,
        tool: { name: 'trapcheck', version: TOOL_VERSION },
        command: 'spec',
        seed: 0,
        config: { paths: positionals, files: files.length, line: line ?? null, runtime: spec, out: outDir, reporters },
        runtimes: [{ name: runtime.name, version: result.runtimeVersion, profile: runtime.profile.runtime }],
        summary: { ...summary, durationMs: Math.round(result.summary.durationMs), casesPerSecond: Math.round(summary.total / Math.max(result.summary.durationMs / 1000, 1e-3)) },
        families: { spec: { ...summary } },
        perRuntime: { [runtime.name]: { ...summary } },
        coverage: {},
        knownDivergencesByReason: {},
        skippedByReason: Object.fromEntries(Object.entries(result.summary.skippedBy).map(([k, v]) => [`unsupported: ${k}`, v])),
        spec: specSection(result),
        results,
      };
      const dir = runtimes.length > 1 ? resolve(outDir, runtime.name) : outDir;
      const s = result.summary;
      const c = result.cleanFiles;
      const blocked = s.skippedBy[BLOCKED] ?? 0;
      const filed = result.files.reduce((n, f) => n + f.commands.filter((x) => x.verdict === 'known-divergence').length, 0);
      io.out(`${s.assertions} assertions in ${s.files} files: ${s.passed} pass, ${s.failed} fail, ${s.imprecise} imprecise, ${s.skipped} skipped in ${(s.durationMs / 1000).toFixed(1)} s`);
      io.out(`${s.commandsFailed} script command(s) failed (module, register, invoke: each counted once, at its line)${filed ? `, ${filed} more as filed known divergences` : ''}${blocked ? `; ${blocked} assertion(s) they block are skipped as "${BLOCKED}"` : ''}`);
      io.out(`files without unsupported features: ${c.files} files, ${c.assertions} assertions, pass ${(c.passRate * 100).toFixed(3)}%, not failed ${(c.notFailedRate * 100).toFixed(3)}%`);
      for (const w of writeReports(report, dir, reporters)) io.out(`wrote ${w}`);
      if (s.failed > 0 || s.commandsFailed > 0 || s.fileErrors > 0) failed = true;
    } finally {
      await slot.close();
    }
  }
  return failed ? 1 : 0;
}
