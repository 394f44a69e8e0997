/**
 * `trapcheck replay CASE.json` or `trapcheck replay --family F --seed S --path P`: re-runs one
 * case, prints every step's expectation and observation, and exits 1 if it still fails.
 */
import type { Case } from '../../case.ts';
import { loadCaseFile } from '../../conformance/corpus.ts';
import { formatExpectation } from '../../judge.ts';
import { formatOutcome } from '../../outcome.ts';
import { FAMILY_NAMES } from '../../../generators/names.ts';
import { checkChoices, listOption, parse } from '../args.ts';
import { parseReplayArgs } from '../../replay-token.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { checkRuntimes, closeRuntimes, executeCases, startRuntimesEarly } from '../execute.ts';
import type { CliIo } from '../io.ts';
import { reportersOf } from './run.ts';
import { THREAD_OPTIONS, threadScheduling } from '../thread-schedules.ts';

const OPTIONS = {
  family: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  mutate: { type: 'string' },
  runtime: { type: 'string', multiple: true },
  out: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  ...THREAD_OPTIONS,
} as const;

async function caseFromArgs(values: Record<string, unknown>, positionals: string[]): Promise<Case> {
  const target = parseReplayArgs(values, positionals);
  // a mutated case (src/mutate/): the original, rebuilt, then the same mutation drawn again
  if (target.mutation) return (await import('../../mutate/replay.ts')).mutatedForReplay(await originalCase(target), target.mutation);
  return originalCase(target);
}

async function originalCase(target: ReturnType<typeof parseReplayArgs>): Promise<Case> {
  if (target.kind === 'case-file') return loadCaseFile(target.file);
  checkChoices('family', [target.family], FAMILY_NAMES, 'UNKNOWN_FAMILY');
  const { generateCase, getFamily } = await import('../../../generators/index.ts');
  if (!target.path.shrink) return generateCase(target.family, target.seed, target.path.index);
  // `17:3:0`: the case fast-check's shrinker reached from case 17 (src/fuzz/shrink-path.ts).
  return (await import('../../fuzz/shrink-path.ts')).caseAtPath(getFamily(target.family), target.seed, target.path);
}

export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('replay', argv, OPTIONS);
  const runtimes = listOption(values, 'runtime') ?? ['reference'];
  checkRuntimes(runtimes);
  const reporters = reportersOf(values);
  const outDir = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : 'reports/replay');
  const threads = threadScheduling(values);
  // the runtimes start first and boot (the reference runtime's child processes) while the case
  // loads or generates; a runtime's error is thrown by executeCases, after the case's own errors
  const slots = startRuntimesEarly({ command: 'replay', runtimes }, io);
  await slots.catch(() => undefined);
  const c = await caseFromArgs(values, positionals).catch(async (e: unknown) => {
    await closeRuntimes(slots);
    throw e;
  });
  const seed = c.provenance.kind === 'generator' ? c.provenance.seed : 0;
  io.out(`case ${c.id} (${c.family}); steps:`);
  c.steps.forEach((s, i) => io.out(`  ${i}. ${s.op}${'export' in s ? ` ${s.export}` : ''}: expect ${formatExpectation(s.expect) ?? '(state only)'}`));
  const { results, exitCode } = await executeCases([c], { command: 'replay', seed, config: { case: c.id, runtimes, out: outDir }, runtimes, slots, outDir, reporters, threads }, io);
  for (const r of results) {
    io.out(`${r.runtime}: ${r.verdict.verdict}${r.verdict.reason ? ` — ${r.verdict.reason}` : ''}${r.schedule !== undefined ? ` (schedule ${r.schedule})` : ''}`);
    r.observation?.steps.forEach((s, i) => io.out(`  ${i}. observed ${formatOutcome(s.outcome)}`));
  }
  return exitCode;
}
