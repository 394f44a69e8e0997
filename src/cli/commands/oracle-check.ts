/**
 * `trapcheck oracle-check --family F,G --seed S --runs N [--evaluator wabt,binaryen,wabt-wasi] [--out DIR]`
 * (issue #18 §5): generates N cases per family and has an independent interpreter confirm the
 * expectations their generator computed. Prints counts per family and evaluator, and one line per
 * disagreement with its replay command. Exit 1 on any disagreement, else 0; 2 for bad usage.
 */
import { performance } from 'node:perf_hooks';
import { usageError } from '../../errors.ts';
import { checkCases } from '../../oracle-check/check.ts';
import type { Evaluator, EvaluatorName } from '../../oracle-check/evaluator.ts';
import { EVALUATOR_NAMES, createEvaluator } from '../../oracle-check/evaluator.ts';
import { buildOracleReport, countLines, disagreementLine, writeOracleReport } from '../../oracle-check/report.ts';
import type { CheckSummary } from '../../oracle-check/tally.ts';
import { tallyResults } from '../../oracle-check/tally.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { checkChoices, intOption, listOption, parse } from '../args.ts';
import type { CliIo } from '../io.ts';
import { ProgressPrinter } from '../progress-printer.ts';
import { resolveSeed } from '../seed.ts';
import { collectCases } from '../sources.ts';
import { TOOL_VERSION } from '../version.ts';

const OPTIONS = {
  family: { type: 'string', multiple: true },
  seed: { type: 'string' },
  runs: { type: 'string' },
  evaluator: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const;

const DEFAULT_RUNS = 100;
/** Cases per evaluator call; measured: 64 gave 4 cases/s on core-traps (a wasm-shell start per batch), 24/s without binaryen. */
const BATCH_SIZE = 512;

function progressLine(s: CheckSummary, total: number, startedMs: number): string {
  const seconds = Math.max((performance.now() - startedMs) / 1000, 1e-3);
  return `oracle-check: ${s.total}/${total} cases · ${Math.round(s.total / seconds)}/s · agree ${s.agree} · disagree ${s.disagree} · imprecise ${s.imprecise} · not evaluable ${s.notEvaluable}`;
}

export async function oracleCheckCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('oracle-check', argv, OPTIONS);
  if (positionals.length) throw usageError(`unexpected argument \`${positionals[0]}\` for \`trapcheck oracle-check\` (families go in --family)`);
  const seed = resolveSeed(values);
  const runs = intOption(values, 'runs', DEFAULT_RUNS);
  const evaluatorNames = listOption(values, 'evaluator') ?? [...EVALUATOR_NAMES];
  checkChoices('evaluator', evaluatorNames, EVALUATOR_NAMES);
  const outDir = typeof values['out'] === 'string' ? prepareOutDir(values['out']) : undefined;
  // no corpus: the check is about the expectations generators compute
  const sources = await collectCases({ corpusDirs: [], families: listOption(values, 'family'), seed, runs });
  const evaluators: Evaluator[] = [];
  try {
    for (const name of new Set(evaluatorNames)) evaluators.push(await createEvaluator(name as EvaluatorName));
    const versions = await Promise.all(evaluators.map(async (e) => ({ name: e.name, version: await e.version() })));
    io.out(`trapcheck oracle-check: seed ${seed}; ${runs} cases per family (${sources.generatedFamilies.join(', ')}); evaluators ${versions.map((v) => `${v.name} (${v.version})`).join(', ')}`);
    const started = performance.now();
    const progress = new ProgressPrinter(io);
    const running: CheckSummary = { total: 0, agree: 0, disagree: 0, imprecise: 0, notEvaluable: 0 };
    const results = await checkCases(sources.cases, evaluators, {
      // large batches: each batch costs binaryen a wasm-shell start (seconds) for the few cases wabt leaves it
      batchSize: BATCH_SIZE,
      onResult: (r) => {
        running.total++;
        running[r.status === 'not-evaluable' ? 'notEvaluable' : r.status]++;
        if (r.status === 'disagree') {
          progress.clear();
          io.out(disagreementLine(r));
        }
        progress.offer(() => progressLine(running, sources.total, started));
      },
    });
    progress.clear();
    const tally = tallyResults(results);
    for (const line of countLines(tally)) io.out(line);
    if (outDir) {
      const config = { families: sources.generatedFamilies, runs, evaluators: evaluators.map((e) => e.name) };
      const report = buildOracleReport({ tool: { name: 'trapcheck', version: TOOL_VERSION }, seed, config, evaluators: versions, durationMs: Math.round(performance.now() - started), ...tally }, results);
      for (const file of writeOracleReport(outDir, report)) io.out(`wrote ${file}`);
    }
    return tally.summary.disagree > 0 ? 1 : 0;
  } finally {
    await Promise.all(evaluators.map((e) => e.close().catch(() => undefined)));
    await sources.close();
  }
}
