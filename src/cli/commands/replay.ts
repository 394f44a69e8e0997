/**
 * `trapcheck replay CASE.json` or `trapcheck replay --family F --seed S --path P`: re-runs one
 * case, prints every step's expectation and observation, and exits 1 if it still fails.
 */
import type { Case } from '../../case.ts';
import { loadCaseFile } from '../../conformance/corpus.ts';
import { usageError } from '../../errors.ts';
import { formatExpected } from '../../judge.ts';
import { formatOutcome } from '../../outcome.ts';
import { FAMILY_NAMES } from '../../../generators/names.ts';
import { checkChoices, intOption, listOption, parse } from '../args.ts';
import { checkRuntimes, executeCases } from '../execute.ts';
import type { CliIo } from '../io.ts';
import { reportersOf } from './run.ts';

const OPTIONS = {
  family: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  runtime: { type: 'string', multiple: true },
  out: { type: 'string' },
  reporter: { type: 'string', multiple: true },
} as const;

/** A generator path is the case index, optionally followed by a shrink path (`17:3:0`). */
function caseIndexOf(path: string): number {
  const head = path.split(':')[0]!;
  if (!/^\d+$/.test(head)) throw usageError(`--path must look like \`17\` or \`17:3:0\`, got \`${path}\``);
  return Number(head);
}

async function caseFromArgs(values: Record<string, unknown>, positionals: string[]): Promise<Case> {
  if (positionals.length > 1) throw usageError('`trapcheck replay` takes one case file');
  if (positionals.length === 1) {
    if (values['family'] !== undefined || values['path'] !== undefined) throw usageError('give either a case file or --family/--seed/--path, not both');
    return loadCaseFile(positionals[0]!);
  }
  const family = values['family'];
  if (typeof family !== 'string' || values['seed'] === undefined || typeof values['path'] !== 'string')
    throw usageError('`trapcheck replay` needs a case file, or --family F --seed S --path P');
  checkChoices('family', [family], FAMILY_NAMES, 'UNKNOWN_FAMILY');
  const { generateCase, getFamily } = await import('../../../generators/index.ts');
  const seed = intOption(values, 'seed', 0);
  const index = caseIndexOf(values['path']);
  // `17:3:0`: the case fast-check's shrinker reached from case 17 (src/fuzz/shrink-path.ts).
  if (values['path'].includes(':')) return (await import('../../fuzz/shrink-path.ts')).caseAtPath(getFamily(family), seed, values['path']);
  return generateCase(family, seed, index);
}

export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('replay', argv, OPTIONS);
  const runtimes = listOption(values, 'runtime') ?? ['reference'];
  checkRuntimes(runtimes);
  const reporters = reportersOf(values);
  const c = await caseFromArgs(values, positionals);
  const seed = c.provenance.kind === 'generator' ? c.provenance.seed : 0;
  const outDir = typeof values['out'] === 'string' ? values['out'] : 'reports/replay';
  io.out(`case ${c.id} (${c.family}); steps:`);
  c.steps.forEach((s, i) => io.out(`  ${i}. ${s.op}${'export' in s ? ` ${s.export}` : ''}: expect ${s.expect.outcome ? formatExpected(s.expect.outcome) : '(state only)'}`));
  const { results, exitCode } = await executeCases([c], { command: 'replay', seed, config: { case: c.id, runtimes, out: outDir }, runtimes, outDir, reporters }, io);
  for (const r of results) {
    io.out(`${r.runtime}: ${r.verdict.verdict}${r.verdict.reason ? ` — ${r.verdict.reason}` : ''}`);
    r.observation?.steps.forEach((s, i) => io.out(`  ${i}. observed ${formatOutcome(s.outcome)}`));
  }
  return exitCode;
}
