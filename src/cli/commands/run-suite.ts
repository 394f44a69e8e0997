/** `trapcheck run --suite wasi-testsuite:DIR`: imported suites instead of corpus + generated cases. */
import { loadSuites } from '../../conformance/wasi-testsuite.ts';
import type { ReporterName } from '../../report/write.ts';
import { executeCases } from '../execute.ts';
import type { CliIo } from '../io.ts';

export async function runSuites(suites: string[], o: { seed: number; runtimes: string[]; reporters: ReporterName[]; outDir: string }, io: CliIo): Promise<number> {
  const cases = loadSuites(suites);
  const outDir = o.outDir;
  const config = { suites, suiteCases: cases.length, runtimes: o.runtimes, reporters: o.reporters, out: outDir };
  const { exitCode } = await executeCases(cases, { command: 'run', seed: o.seed, config, runtimes: o.runtimes, outDir, reporters: o.reporters, total: cases.length, keep: 'failures' }, io);
  return exitCode;
}
