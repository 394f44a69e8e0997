/**
 * Shared by `run` and `replay`: create runtimes, run cases through the suite (the one pipeline,
 * with crash recovery: a runtime whose harness throws is restarted and costs its case a `crash`
 * verdict), print progress and each failure with its replay command, write reports and bundles,
 * and return the exit code.
 */
import type { Case } from '../case.ts';
import type { CaseResult } from '../result.ts';
import { runSuite } from '../conformance/suite.ts';
import { RuntimeSlot } from '../pipeline/runtime-slot.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { ALL_RUNTIMES, createRuntime, createRuntimes, parseRuntimeSpec, checkRuntimeName } from '../runtimes/registry.ts';
import type { Report, RuntimeEntry } from '../report/report.ts';
import { exitCodeOf } from '../report/report.ts';
import { ReportBuilder } from '../report/report-builder.ts';
import { replayCommand } from '../replay-token.ts';
import type { ReporterName } from '../report/write.ts';
import { writeReports, writeReproBundles } from '../report/write.ts';
import type { CliIo } from './io.ts';
import { ProgressPrinter } from './progress-printer.ts';
import type { ThreadScheduling } from './thread-schedules.ts';
import { foldSchedules, recordSchedule, scheduledCases } from './thread-schedules.ts';
import { TOOL_VERSION } from './version.ts';

export interface ExecuteOptions {
  command: string;
  seed: number;
  config: Record<string, unknown>;
  runtimes: string[];
  /** Absolute, already checked to take files (src/report/out-dir.ts). */
  outDir: string;
  reporters: ReporterName[];
  total?: number;
  /** How threads cases run on the reference runtime (--threads, --schedule, --schedules). */
  threads?: ThreadScheduling;
  /** Creates a runtime from its spec (tests inject failing runtimes); default: the registry. */
  createRuntime?: (spec: string) => Promise<Runtime>;
  /** The runtimes, already started by startRuntimesEarly; default: started here. */
  slots?: Promise<RuntimeSlot[]>;
  /**
   * Which results executeCases returns: `all` (default; replay prints each) or `failures` (what
   * the repro bundles need): a long `run` then holds per result only its report row.
   */
  keep?: 'all' | 'failures';
}

export function checkRuntimes(specs: readonly string[]): void {
  for (const s of specs) checkRuntimeName(parseRuntimeSpec(s).name);
}

export function describeResult(r: CaseResult): string {
  const v = r.verdict;
  return `${v.verdict.toUpperCase()} ${r.case.id} on ${r.runtime}${v.step !== undefined ? ` (step ${v.step})` : ''}: ${v.reason ?? ''}`;
}

interface Tally {
  results: number;
  passed: number;
  failed: number;
  other: number;
}

function progressLine(command: string, t: Tally, total: number | undefined, runtimes: number, startedMs: number): string {
  const seconds = (performance.now() - startedMs) / 1000;
  const cases = Math.floor(t.results / Math.max(1, runtimes));
  const of = total !== undefined ? `/${total}` : '';
  return `${command}: ${cases}${of} cases · ${t.results} results · ${Math.round(t.results / Math.max(seconds, 1e-3))}/s · pass ${t.passed} · fail ${t.failed} · other ${t.other}`;
}

type RuntimeStart = Pick<ExecuteOptions, 'command' | 'runtimes' | 'createRuntime'>;

async function startRuntimes(options: RuntimeStart, io: CliIo): Promise<RuntimeSlot[]> {
  const create = options.createRuntime ?? createRuntime;
  const started: Runtime[] = [];
  if (options.createRuntime) for (const spec of options.runtimes) started.push(await create(spec));
  else await createRuntimes(options.runtimes, started, (name, reason) => io.out(`trapcheck ${options.command}: --runtime all: leaving out ${name}: ${reason}`));
  // explicit specs come first, in order; runtimes `all` added are restarted by their names
  const explicit = options.runtimes.filter((s) => s !== ALL_RUNTIMES);
  return started.map((r, i) => new RuntimeSlot(r, () => create(explicit[i] ?? r.name)));
}

/**
 * Starts the runtimes before the command loads its cases (pass the result as `slots`): the
 * reference runtime's child processes take about as long to be ready as loading the corpus and
 * generating with binaryen, so `run --runs 1` and `replay` wait for the longer of the two, not
 * both. Close them with closeRuntimes if the cases cannot be loaded.
 */
export function startRuntimesEarly(options: RuntimeStart, io: CliIo): Promise<RuntimeSlot[]> {
  const slots = startRuntimes(options, io).then((started) => {
    // a pooled runtime starts its threads or processes on first use: an empty batch is one
    for (const s of started) s.runtime().executeAll([]).catch(() => undefined);
    return started;
  });
  slots.catch(() => undefined); // reported where executeCases (or closeRuntimes) awaits it
  return slots;
}

export async function closeRuntimes(slots: Promise<RuntimeSlot[]>): Promise<void> {
  const started = await slots.catch(() => []);
  await Promise.all(started.map((s) => s.close().catch(() => undefined)));
}

export async function executeCases(cases: Iterable<Case> | AsyncIterable<Case>, options: ExecuteOptions, io: CliIo): Promise<{ report: Report; results: CaseResult[]; exitCode: number }> {
  let slots: RuntimeSlot[] = [];
  try {
    slots = await (options.slots ?? startRuntimes(options, io));
    const entries: RuntimeEntry[] = await Promise.all(slots.map(async (s) => ({ name: s.runtime().name, version: await s.runtime().version(), profile: s.runtime().profile.runtime })));
    io.out(`trapcheck ${options.command}: seed ${options.seed}; runtimes ${entries.map((e) => `${e.name} ${e.version}`).join(', ')}${options.total !== undefined ? `; ${options.total} cases` : ''}`);
    const started = performance.now();
    const progress = new ProgressPrinter(io);
    const tally: Tally = { results: 0, passed: 0, failed: 0, other: 0 };
    const threads = options.threads ?? { real: false, schedules: 1 };
    // --schedules N / dfs folds a case's N results at the end; otherwise each result is counted
    // into the report as it arrives and, unless the caller wants them all, dropped unless it failed
    const folds = threads.schedules > 1 || threads.dfs === true;
    const keepAll = options.keep !== 'failures';
    const builder = new ReportBuilder();
    const kept: CaseResult[] = [];
    await runSuite(scheduledCases(cases, threads), slots, {
      collect: false,
      onResult: (r) => {
        recordSchedule(r);
        if (folds || keepAll || r.verdict.verdict === 'fail') kept.push(r);
        if (!folds) builder.add(r);
        tally.results++;
        if (r.verdict.verdict === 'pass') tally.passed++;
        else if (r.verdict.verdict === 'fail') tally.failed++;
        else tally.other++;
        if (r.verdict.verdict === 'fail') {
          progress.clear();
          io.out(describeResult(r));
          io.out(`  replay: ${replayCommand(r.case, r.runtime)}`);
        }
        progress.offer(() => progressLine(options.command, tally, options.total, slots.length, started));
      },
    });
    progress.clear();
    const results = folds ? foldSchedules(kept, threads) : kept;
    if (folds) for (const r of results) builder.add(r);
    const durationMs = performance.now() - started;
    const report = builder.build({ command: options.command, version: TOOL_VERSION, seed: options.seed, config: options.config, runtimes: entries, durationMs });
    const written = writeReports(report, options.outDir, options.reporters);
    const bundles = writeReproBundles(results, options.outDir);
    const s = report.summary;
    io.out(`${s.total} results: ${s.passed} pass, ${s.failed} fail, ${s.imprecise} imprecise, ${s.knownDivergences} known divergences, ${s.skipped} skipped in ${(s.durationMs / 1000).toFixed(2)} s (${s.casesPerSecond}/s)`);
    for (const w of written) io.out(`wrote ${w}`);
    if (bundles.length) io.out(`wrote ${bundles.length} repro bundles under ${options.outDir}/repro`);
    return { report, results, exitCode: exitCodeOf(report) };
  } finally {
    await Promise.all(slots.map((s) => s.close().catch(() => undefined)));
  }
}
