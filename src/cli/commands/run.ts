/** `trapcheck run`: corpus + N generated cases per family on one or more runtimes. */
import { usageError } from '../../errors.ts';
import { REPORTERS } from '../../report/write.ts';
import type { ReporterName } from '../../report/write.ts';
import { checkChoices, intOption, listOption, parse } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { checkRuntimes, closeRuntimes, executeCases, startRuntimesEarly } from '../execute.ts';
import type { CliIo } from '../io.ts';
import { resolveSeed } from '../seed.ts';
import { collectCases } from '../sources.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { THREAD_OPTIONS, threadScheduling } from '../thread-schedules.ts';

export const RUN_OPTIONS: OptionSpec = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  family: { type: 'string', multiple: true },
  corpus: { type: 'string', multiple: true },
  runtime: { type: 'string', multiple: true },
  out: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  suite: { type: 'string', multiple: true },
  ...THREAD_OPTIONS,
};

export const RUN_DEFAULT_RUNS = 100;

export function reportersOf(values: Record<string, unknown>): ReporterName[] {
  const list = listOption(values, 'reporter') ?? ['json', 'md', 'html'];
  checkChoices('reporter', list, REPORTERS, 'UNKNOWN_REPORTER');
  return list as ReporterName[];
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, RUN_OPTIONS);
  if (positionals.length) throw usageError(`unexpected argument \`${positionals[0]}\` for \`trapcheck run\` (corpus dirs go in --corpus)`);
  const seed = resolveSeed(values);
  const runs = intOption(values, 'runs', RUN_DEFAULT_RUNS);
  const families = listOption(values, 'family');
  const runtimes = listOption(values, 'runtime') ?? ['reference'];
  checkRuntimes(runtimes);
  const reporters = reportersOf(values);
  const threads = threadScheduling(values);
  const suites = listOption(values, 'suite');
  // the report folder is checked before any work: an unwritable --out is a one-line error at once
  const outDir = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : suites ? `reports/suite-${seed}` : `reports/run-${seed}`);
  if (suites) return (await import('./run-suite.ts')).runSuites(suites, { seed, runtimes, reporters, outDir }, io);
  // the runtimes start first and boot (the reference runtime's child processes) while the cases
  // load; a runtime's error is thrown by executeCases, after the cases' own errors
  const slots = startRuntimesEarly({ command: 'run', runtimes }, io);
  await slots.catch(() => undefined);
  const corpusDirs = listOption(values, 'corpus');
  const sources = await collectCases({ corpusDirs, families, seed, runs }).catch(async (e: unknown) => {
    await closeRuntimes(slots);
    throw e;
  });
  const config = { runs, families: families ?? 'all', generatedFamilies: sources.generatedFamilies, corpus: corpusDirs ?? 'default', corpusCases: sources.corpus.length, runtimes, reporters, out: outDir };
  try {
    const { exitCode } = await executeCases(sources.cases, { command: 'run', seed, config: threads.schedules > 1 || threads.real ? { ...config, threads } : config, runtimes, slots, outDir, reporters, total: sources.total, threads, keep: 'failures' }, io);
    return exitCode;
  } finally {
    await sources.close();
  }
}
