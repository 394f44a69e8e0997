/**
 * `trapcheck fuzz`: a seeded, sharded, resumable fuzzing campaign (src/fuzz/campaign.ts).
 *
 *   trapcheck fuzz --family core-traps,wasi-exit --runtime reference --seed 7 (--runs N | --time 30m)
 *                  [--out DIR] [--differential] [--save-findings [DIR]] [--shard k/n] [--max-shrinks N]
 *                  [--mutate [SHARE]]   (--shard auto: from the CI's parallel-job variables, src/fuzz/shard.ts)
 *   trapcheck fuzz --resume DIR
 *
 * This is the seed edge (DESIGN §6): the seed is resolved and printed here, and the wall clock
 * enters the campaign only as the injected `clock` (budgets, progress) and `date` (provenance).
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { usageError } from '../../errors.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { FAMILY_NAMES } from '../../../generators/names.ts';
import { checkChoices, intOption, listOption, parse } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { checkRuntimes } from '../execute.ts';
import type { CliIo } from '../io.ts';
import { resolveSeed } from '../seed.ts';
import { TOOL_VERSION } from '../version.ts';
import { GenerationPool } from '../generation-pool.ts';
import { ProgressPrinter } from '../progress-printer.ts';
import type { Runtime } from '../../runtimes/adapter.ts';
import { ALL_RUNTIMES, createRuntime, createRuntimes, parseRuntimeSpec } from '../../runtimes/registry.ts';
import type { CampaignConfig } from '../../fuzz/report.ts';
import type { MutateConfig, Progress, RuntimeSource } from '../../fuzz/campaign.ts';
import { parseMutateShare } from '../../mutate/campaign-share.ts';
import { readCheckpoint, CHECKPOINT_FILE } from '../../fuzz/checkpoint.ts';
import { parseShard, shardFromEnvironment, WHOLE, formatShard } from '../../fuzz/shard.ts';
import type { Case } from '../../case.ts';
import { findingsPerRuntime, renderFindingsTable } from '../../fuzz/findings-table.ts';
import { THREAD_OPTIONS, threadScheduling } from '../thread-schedules.ts';

export const FUZZ_OPTIONS: OptionSpec = {
  family: { type: 'string', multiple: true },
  runtime: { type: 'string', multiple: true },
  seed: { type: 'string' },
  runs: { type: 'string' },
  time: { type: 'string' },
  out: { type: 'string' },
  differential: { type: 'boolean' },
  'save-findings': { type: 'string' },
  shard: { type: 'string' },
  resume: { type: 'string' },
  'max-shrinks': { type: 'string' },
  'log-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  mutate: { type: 'string' },
  'budget-per-runtime': { type: 'string' },
  ...THREAD_OPTIONS,
};

export const DEFAULT_FINDINGS_DIR = 'corpus/regressions';
const DEFAULT_FAMILIES = ['core-traps', 'wasi-exit'];

/** `--save-findings` takes an optional DIR: a bare flag (followed by an option or nothing) means corpus/regressions; a bare `--mutate` mutates every case. */
function expandOptionalValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const bare = i + 1 >= argv.length || argv[i + 1]!.startsWith('--');
    if (a === '--save-findings' && bare) out.push(`--save-findings=${DEFAULT_FINDINGS_DIR}`);
    else if (a === '--mutate' && bare) out.push('--mutate=1');
    else out.push(a);
  }
  return out;
}

/** `90`, `90s`, `30m`, `2h`, `1500ms` → milliseconds. */
export function parseDuration(text: string, option = '--time'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw usageError(`${option} must be a duration like \`90s\`, \`30m\` or \`2h\`, got \`${text}\``);
  const unit = m[2] ?? 's';
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function progressLine(p: Progress): string {
  return `fuzz: ${p.cases} cases · ${p.casesPerSecond >= 10 ? Math.round(p.casesPerSecond) : p.casesPerSecond.toFixed(2)}/s · pass ${p.passed} · fail ${p.failed} · imprecise ${p.imprecise} · other ${p.other} · findings ${p.findings}${p.etaMs !== undefined ? ` · ETA ${formatMs(p.etaMs)}` : ''}`;
}

function configFromArgs(values: Record<string, unknown>): CampaignConfig & MutateConfig {
  const families = listOption(values, 'family') ?? DEFAULT_FAMILIES;
  checkChoices('family', families, FAMILY_NAMES, 'UNKNOWN_FAMILY');
  if (new Set(families).size !== families.length) throw usageError('--family lists a family twice');
  const runtimes = listOption(values, 'runtime') ?? ['reference'];
  checkRuntimes(runtimes);
  if (new Set(runtimes.map((r) => parseRuntimeSpec(r).name)).size !== runtimes.length) throw usageError('--runtime lists a runtime twice');
  const runs = values['runs'] !== undefined ? intOption(values, 'runs', 0, 1) : null;
  const timeMs = typeof values['time'] === 'string' ? parseDuration(values['time']) : null;
  if (runs === null && timeMs === null && values['budget-per-runtime'] === undefined) throw usageError('`trapcheck fuzz` needs a budget: --runs N (cases per family), --time DURATION (e.g. 30m) or --budget-per-runtime DURATION');
  const differential = values['differential'] === true;
  if (differential && runtimes.length < 2 && !runtimes.includes(ALL_RUNTIMES)) throw usageError('--differential compares runtimes: give at least two with --runtime a,b');
  const save = values['save-findings'];
  return {
    families,
    runtimes,
    seed: resolveSeed(values),
    runs,
    timeMs,
    shard: typeof values['shard'] === 'string' ? (values['shard'] === 'auto' ? shardFromEnvironment(process.env).shard : parseShard(values['shard'])) : WHOLE,
    differential,
    saveFindings: typeof save === 'string' ? resolve(save) : null,
    maxShrinks: intOption(values, 'max-shrinks', 20, 0),
    budgetPerRuntimeMs: typeof values['budget-per-runtime'] === 'string' ? parseDuration(values['budget-per-runtime'], '--budget-per-runtime') : null,
    ...(typeof values['mutate'] === 'string' ? { mutate: parseMutateShare(values['mutate']) } : {}),
  };
}

export async function fuzzCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('fuzz', expandOptionalValues(argv), FUZZ_OPTIONS);
  if (positionals.length) throw usageError(`unexpected argument \`${positionals[0]}\` for \`trapcheck fuzz\``);
  const logEveryMs = values['log-every'] !== undefined ? intOption(values, 'log-every', 10, 1) * 1000 : 10_000;
  // Milliseconds between checkpoints (0: after every batch). Only how much a killed campaign redoes depends on it.
  const checkpointEveryMs = intOption(values, 'checkpoint-every', 1000, 0);

  let config: CampaignConfig & MutateConfig;
  let outDir: string;
  /** Runtimes started while resolving `--runtime all`, handed to the campaign as its first instances. */
  const prestarted = new Map<string, Runtime>();
  const takePrestarted = (spec: string): Promise<Runtime> | undefined => {
    const rt = prestarted.get(spec);
    prestarted.delete(spec);
    return rt && Promise.resolve(rt);
  };
  let resumed: ReturnType<typeof readCheckpoint> | undefined;
  if (typeof values['resume'] === 'string') {
    const clash = Object.keys(values).filter((k) => !['resume', 'log-every', 'checkpoint-every', 'out'].includes(k) && values[k] !== undefined);
    if (clash.length) throw usageError(`--resume continues a campaign with its own configuration; drop ${clash.map((k) => `--${k}`).join(', ')}`);
    outDir = resolve(values['resume']);
    resumed = readCheckpoint(outDir);
    config = resumed.config;
  } else {
    config = configFromArgs(values);
    const shardPart = config.shard.n > 1 ? `-shard-${config.shard.k}-of-${config.shard.n}` : '';
    outDir = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : `reports/fuzz-${config.seed}${shardPart}`);
    if (existsSync(resolve(outDir, CHECKPOINT_FILE)))
      throw usageError(`${outDir} already holds a campaign (checkpoint.json): resume it with \`trapcheck fuzz --resume ${outDir}\`, or choose another --out`);
    // `all` is resolved once, here, to the runtimes that start on this machine; the checkpoint
    // records the names, so a resumed campaign runs the same set. The runtimes started to find
    // out are the campaign's first instances, not started twice.
    if (config.runtimes.includes(ALL_RUNTIMES)) {
      const started: Runtime[] = [];
      try {
        await createRuntimes(config.runtimes, started, (name, reason) => io.out(`trapcheck fuzz: --runtime all: leaving out ${name}: ${reason}`));
      } catch (e) {
        await Promise.all(started.map((r) => r.close().catch(() => undefined)));
        throw e;
      }
      const explicit = config.runtimes.filter((s) => s !== ALL_RUNTIMES);
      const runtimes = [...explicit, ...started.slice(explicit.length).map((r) => r.name)];
      runtimes.forEach((spec, i) => prestarted.set(spec, started[i]!));
      config = { ...config, runtimes };
    }
  }

  const { FAMILIES } = await import('../../../generators/index.ts');
  const { runCampaign } = await import('../../fuzz/campaign.ts');
  // --schedules N / --threads real: each threads case explored on the reference runtime (src/cli/schedule-runtime.ts)
  const threads = threadScheduling(values);
  const { exploringSchedules } = await import('../schedule-runtime.ts');
  const sources: RuntimeSource[] = config.runtimes.map((spec) => ({ spec, create: async () => exploringSchedules(await (takePrestarted(spec) ?? createRuntime(spec)), threads) }));
  const oracle: RuntimeSource | undefined = config.runtimes.some((r) => parseRuntimeSpec(r).name === 'reference') ? undefined : { spec: 'reference', create: () => createRuntime('reference') };

  const budget = config.runs !== null ? `${config.runs} runs per family` : '';
  const time = [config.timeMs !== null ? `${config.timeMs / 1000} s` : '', config.budgetPerRuntimeMs ? `${config.budgetPerRuntimeMs / 1000} s per runtime` : ''].filter(Boolean).join(' or ');
  io.out(
    `trapcheck fuzz: seed ${config.seed}; families ${config.families.join(', ')}; runtimes ${config.runtimes.join(', ')}; shard ${formatShard(config.shard)}${values['shard'] === 'auto' ? ` (--shard auto: ${shardFromEnvironment(process.env).source})` : ''}; budget ${[budget, time].filter(Boolean).join(' or ')}${config.differential ? '; differential' : ''}${config.mutate ? `; mutating ${Math.round(config.mutate * 100)}% of cases` : ''}${resumed ? `; resuming at position ${resumed.state.nextPosition} (${resumed.state.cases} cases done)` : ''}`,
  );

  // Generation off the main thread unless the campaign is small (a pool loads binaryen per worker).
  const expected = config.runs !== null ? (config.runs - (resumed?.state.nextPosition ?? 0)) * config.families.length : Infinity;
  const pool = expected >= 400 ? new GenerationPool() : undefined;
  const { generateCase } = await import('../../../generators/index.ts');
  const generate = (jobs: Iterable<readonly [string, number, number]>): AsyncIterable<Case> =>
    pool
      ? pool.generate(jobs)
      : (async function* () {
          for (const [f, seed, i] of jobs) yield generateCase(f, seed, i);
        })();

  const stop = { requested: false };
  const onSignal = (): void => {
    if (stop.requested) process.exit(130);
    stop.requested = true;
    io.err('trapcheck fuzz: stopping after the batch in flight (checkpoint kept; resume with --resume)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const printer = new ProgressPrinter(io, logEveryMs);
  try {
    const result = await runCampaign({
      config,
      families: FAMILIES,
      runtimes: sources,
      ...(oracle ? { oracle } : {}),
      generate,
      ...(resumed ? { state: resumed.state } : {}),
      outDir,
      version: TOOL_VERSION,
      clock: () => performance.now(),
      date: () => new Date().toISOString(),
      stop,
      checkpointEveryMs,
      onProgress: (p) => printer.offer(() => progressLine(p)),
      onRetired: (runtime, at) => {
        printer.clear();
        io.out(`RETIRED ${runtime}: used its --budget-per-runtime (${(at.usedMs / 1000).toFixed(1)} s busy); no cases from position ${at.position} on`);
      },
      onFinding: (f) => {
        printer.clear();
        io.out(`FINDING ${f.signature} (first: ${f.first.id})`);
        if (f.shrink) {
          const s = f.shrink.size;
          io.out(`  shrunk: ${s.before.bytes} B, ${s.before.functions} functions → ${s.after.bytes} B, ${s.after.functions} functions (params ${f.shrink.evaluations.params} evals, module ${f.shrink.evaluations.module} evals)`);
          io.out(`  replay: ${f.shrink.replay}`);
          for (const p of f.shrink.saved ?? []) io.out(`  saved: ${p}`);
        } else io.out(`  replay: ${f.first.repro}${f.notShrunk ? ` (not shrunk: ${f.notShrunk})` : ''}`);
      },
    });
    printer.clear();
    const r = result.report;
    const c = r.campaign;
    const s = r.summary;
    io.out(`${c.cases} cases, ${s.total} results in ${(c.durationMs / 1000).toFixed(1)} s: ${c.casesPerSecond} cases/s; ${s.passed} pass, ${s.failed} fail, ${s.imprecise} imprecise, ${s.knownDivergences} known divergences, ${s.skipped} skipped; ${c.findings.length} findings; stopped by ${result.stopReason}`);
    const table = renderFindingsTable(findingsPerRuntime(c.findings));
    if (table.length) io.out(['findings per runtime:', ...table].join('\n'));
    for (const w of result.written) io.out(`wrote ${w}`);
    if (result.stopReason !== 'runs' && config.runs !== null) io.out(`resume with: npx trapcheck fuzz --resume ${outDir}`);
    return c.findings.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
  }
}
