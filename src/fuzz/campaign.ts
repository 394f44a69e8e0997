/**
 * A fuzzing campaign (issue #8): seeded generation over the shard's case indices, every case on
 * every runtime, judged against its own expectation and, with `differential`, compared across
 * runtimes; new findings shrunk (fast-check, then the module) and optionally promoted to the
 * corpus; checkpoints after committed batches; stop at --runs, at the --time budget, or when
 * asked to (SIGINT).
 *
 * Throughput: generation runs in its own worker pool (given as `generate`, lazily, with
 * lookahead) and execution in each runtime's pool; while batch k executes, batch k+1 is being
 * generated and batch k-1 judged and counted here. The clock is injected (DESIGN §6: wall time
 * only decides when to stop and what progress to print, never a verdict).
 */
import type { Case } from '../case.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import type { Judged } from '../pipeline/judge-cases.ts';
import { judgeCases } from '../pipeline/judge-cases.ts';
import { RuntimeSlot } from '../pipeline/runtime-slot.ts';
import { moduleSha256 } from '../result.ts';
import type { RuntimeEntry } from '../report/report.ts';
import { toResultRow } from '../report/report.ts';
import { formatReplay, parseCasePath, replayCommand } from '../replay-token.ts';
import { writeFileAtomic } from '../report/write-file.ts';
import type { Family } from '../../generators/family.ts';
import { join } from 'node:path';
import { writeCheckpoint } from './checkpoint.ts';
import type { Candidate } from './attribution.ts';
import { attributeCase } from './attribution.ts';
import { promoteFinding } from './promote.ts';
import type { CampaignConfig, CampaignReport, StopReason } from './report.ts';
import { buildCampaignReport, renderCampaignMarkdown } from './report.ts';
import { caseIndexAt } from './shard.ts';
import { campaignMutator } from '../mutate/campaign-share.ts';
import type { Holds, ShrinkBudget } from './shrink.ts';
import { DEFAULT_SHRINK_BUDGET, shrinkGenerated } from './shrink.ts';
import type { CampaignState, Finding } from './state.ts';
import { addDifferential, addResult, countResult, emptyState, sortFindings } from './state.ts';
import { addCoverage, oracleTag } from './coverage.ts';
import type { Retirement } from './runtime-budget.ts';
import { RuntimeBudget } from './runtime-budget.ts';

export type GenerationJob = readonly [family: string, seed: number, index: number];

export interface RuntimeSource {
  /** Name used in results (the runtime's own name). */
  spec: string;
  create(): Promise<Runtime>;
}

export interface Progress {
  cases: number;
  results: number;
  elapsedMs: number;
  casesPerSecond: number;
  passed: number;
  failed: number;
  imprecise: number;
  other: number;
  findings: number;
  /** Remaining wall time, when it can be estimated. */
  etaMs?: number;
}

/**
 * `fuzz --mutate`: the share of generated cases that run mutated (src/mutate/campaign-share.ts).
 * Kept in the campaign's config, so the checkpoint carries it and a resumed campaign mutates alike.
 */
export interface MutateConfig {
  mutate?: number;
}

export interface CampaignOptions {
  config: CampaignConfig & MutateConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  families: Record<string, Family<any>>;
  runtimes: RuntimeSource[];
  /** The reference runtime for the shrink predicate when the runtimes under test do not include it. */
  oracle?: RuntimeSource;
  /** Cases for jobs, in job order (a generation pool, or inline generation). */
  generate(jobs: Iterable<GenerationJob>): AsyncIterable<Case>;
  /** Resumed state (from a checkpoint), else a fresh campaign. */
  state?: CampaignState;
  outDir: string;
  version: string;
  /** Monotonic milliseconds (performance.now at the CLI edge). */
  clock(): number;
  /** ISO date for promoted findings' provenance (metadata). */
  date(): string;
  onProgress?(p: Progress): void;
  onFinding?(f: Finding): void;
  /** A runtime used its --budget-per-runtime: it runs no more cases. */
  onRetired?(runtime: string, at: Retirement): void;
  /** Set `stop.requested` to end after the batch in flight (SIGINT). */
  stop?: { requested: boolean };
  checkpointEveryMs?: number;
  /** Cases per batch (rounded to whole positions). */
  batchCases?: number;
  shrinkBudget?: ShrinkBudget;
}

export interface CampaignResult {
  report: CampaignReport;
  state: CampaignState;
  stopReason: StopReason;
  written: string[];
}

/** A runtime of the campaign: restarted (src/pipeline/runtime-slot.ts) when its harness throws. */
class Slot {
  readonly target: RuntimeSlot;
  constructor(
    readonly source: RuntimeSource,
    first: Runtime,
    readonly version: string,
  ) {
    this.target = new RuntimeSlot(first, () => source.create());
  }
  get runtime(): Runtime {
    return this.target.runtime();
  }
}

/** Skip, execute with crash recovery, judge: the pipeline every command shares. */
function runOn(slot: Slot, cases: readonly Case[]): Promise<Judged[]> {
  return judgeCases(slot.target, cases);
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const { config } = options;
  const state = options.state ?? emptyState();
  state.sessions++;
  const families = config.families;
  const F = families.length;
  const positionsPerBatch = Math.max(1, Math.floor((options.batchCases ?? 256) / F));
  const budget = options.shrinkBudget ?? DEFAULT_SHRINK_BUDGET;
  const started = options.clock();
  const elapsedBase = state.elapsedMs;
  const elapsed = (): number => elapsedBase + (options.clock() - started);
  const timeUp = (): boolean => config.timeMs !== null && elapsed() >= config.timeMs;
  const runsDone = (position: number): boolean => config.runs !== null && position >= config.runs;

  const slots: Slot[] = [];
  let oracleSlot: Slot | undefined;
  const written: string[] = [];
  try {
    for (const source of options.runtimes) {
      const runtime = await source.create();
      slots.push(new Slot(source, runtime, await runtime.version()));
    }
    const entries: RuntimeEntry[] = slots.map((s) => ({ name: s.runtime.name, version: s.version, profile: s.runtime.profile.runtime }));
    const findingsBySig = new Map(state.findings.map((f) => [f.signature, f]));
    let shrinksUsed = state.findings.filter((f) => f.shrink || f.notShrunk?.startsWith('not reproducible')).length;

    const oracle = async (): Promise<Slot | undefined> => {
      const inList = slots.find((s) => s.runtime.name === 'reference');
      if (inList) return inList;
      if (!options.oracle) return undefined;
      if (!oracleSlot) {
        const runtime = await options.oracle.create();
        oracleSlot = new Slot(options.oracle, runtime, await runtime.version());
      }
      return oracleSlot;
    };

    /**
     * The shrink predicate of a finding (see shrink.ts): the runtimes it names run the candidate
     * cases and the finding must come out of `attributeCase` again, with the same signature. A
     * runtime's own verdict finding must also not be the oracle's fault: the reference, when it is
     * not the runtime under test, still passes the shrunk case.
     */
    const predicateFor = async (f: Finding): Promise<Holds> => {
      const named = f.runtimes.map((n) => slots.find((s) => s.runtime.name === n)!);
      const ref = f.kind === 'verdict' && named[0]!.runtime.name !== 'reference' ? await oracle() : undefined;
      return async (cases) => {
        const [byRef, ...runs] = await Promise.all([ref ? runOn(ref, cases) : Promise.resolve(undefined), ...named.map((s) => runOn(s, cases))]);
        return cases.map((c, i) => {
          const results = named.map((s, k) => ({ name: s.runtime.name, profile: s.runtime.profile, verdict: runs[k]![i]!.verdict, observation: runs[k]![i]!.observation }));
          if (!attributeCase(c, results, f.kind === 'differential').candidates.some((x) => x.signature === f.signature)) return false;
          const r = byRef?.[i]?.verdict.verdict;
          return r === undefined || r === 'pass' || r === 'imprecise';
        });
      };
    };

    const shrinkFinding = async (f: Finding, original: Case): Promise<void> => {
      if (original.tags?.['mutation'] !== undefined) {
        f.notShrunk = 'a mutated case (its replay line re-applies the mutation)';
        return;
      }
      const family = options.families[original.family];
      if (!family || original.provenance.kind !== 'generator') {
        f.notShrunk = 'not a generated case';
        return;
      }
      if (shrinksUsed >= config.maxShrinks) {
        f.notShrunk = `shrink budget of the campaign used (--max-shrinks ${config.maxShrinks})`;
        return;
      }
      shrinksUsed++;
      const holds = await predicateFor(f);
      const out = await shrinkGenerated(family, config.seed, original, f.first.index, holds, budget);
      const runtimeArg = f.runtimes[0]!;
      f.shrink = {
        path: out.path,
        id: out.paramCase.id,
        replay: formatReplay({ kind: 'generated', family: family.name, seed: config.seed, path: parseCasePath(out.path) }, runtimeArg, out.paramCase.tags?.['schedule']),
        size: out.size,
        evaluations: out.evaluations,
        reductions: out.reductions,
        verified: out.verified,
        params: out.params,
      };
      if (config.saveFindings && out.verified) {
        const slot = slots.find((s) => s.runtime.name === runtimeArg)!;
        f.shrink.saved = await promoteFinding({
          case: out.case,
          dir: config.saveFindings,
          generator: family.name,
          seed: config.seed,
          path: out.path,
          runtime: f.runtimes.join('-vs-'),
          runtimeVersion: f.runtimes.map((n) => `${n} ${slots.find((s) => s.runtime.name === n)?.version ?? ''}`.trim()).join('; ') || slot.version,
          date: options.date(),
        });
      }
    };

    const recordFinding = (x: Candidate, c: Case, ordinal: number, index: number): Finding | undefined => {
      const known = findingsBySig.get(x.signature);
      if (known) {
        known.count++;
        return undefined;
      }
      const f: Finding = {
        signature: x.signature,
        kind: x.kind,
        family: c.family,
        runtimes: x.runtimes,
        count: 1,
        first: { id: c.id, ordinal, index, expected: x.expected, observed: x.observed, reason: x.reason, repro: replayCommand(c, x.runtimes[0]!), ...(x.agreedBy?.length ? { agreedBy: x.agreedBy } : {}) },
      };
      findingsBySig.set(x.signature, f);
      state.findings.push(f);
      return f;
    };

    interface Executed {
      position: number;
      positions: number;
      cases: Case[];
      /** The runtimes that ran the batch (those --budget-per-runtime had not retired). */
      ran: Slot[];
      judged: Judged[][];
    }

    const budgets = new RuntimeBudget(config.budgetPerRuntimeMs ?? null, state);
    const execute = async (cases: Case[], position: number): Promise<Executed> => {
      const positions = cases.length / F;
      const ran = slots.filter((s) => budgets.active(s.runtime.name));
      const judged = await Promise.all(
        ran.map(async (s) => {
          const start = options.clock();
          const out = await runOn(s, cases);
          if (budgets.charge(s.runtime.name, start, options.clock(), position + positions)) options.onRetired?.(s.runtime.name, state.retired![s.runtime.name]!);
          return out;
        }),
      );
      return { position, positions, cases, ran, judged };
    };

    let lastCheckpoint = options.clock();
    const checkpoint = (complete: boolean): void => {
      state.elapsedMs = elapsed();
      writeCheckpoint(options.outDir, { schema: 'trapcheck.fuzz-checkpoint/1', tool: options.version, config, complete, state });
      lastCheckpoint = options.clock();
    };

    const progress = (): void => {
      if (!options.onProgress) return;
      const ms = elapsed();
      const rate = ms > 0 ? (state.cases * 1000) / ms : 0;
      let etaMs: number | undefined;
      if (config.timeMs !== null) etaMs = Math.max(0, config.timeMs - ms);
      if (config.runs !== null && rate > 0) {
        const byRuns = ((config.runs - state.nextPosition) * F * 1000) / rate;
        etaMs = etaMs === undefined ? byRuns : Math.min(etaMs, byRuns);
      }
      const s = state.summary;
      options.onProgress({ cases: state.cases, results: s.total, elapsedMs: ms, casesPerSecond: rate, passed: s.passed, failed: s.failed, imprecise: s.imprecise, other: s.knownDivergences + s.skipped, findings: state.findings.length, ...(etaMs !== undefined ? { etaMs } : {}) });
    };

    const commit = async (ex: Executed): Promise<void> => {
      // every runtime was retired before this batch: it ran nowhere, so it is not counted (and not done)
      if (!ex.ran.length) return;
      const fresh: Array<[Finding, Case]> = [];
      ex.cases.forEach((c, j) => {
        const position = ex.position + Math.floor(j / F);
        const index = caseIndexAt(config.shard, position);
        const ordinal = index * F + (j % F);
        addCoverage(state, c.family, c.tags, oracleTag(c));
        const results = ex.ran.map((slot, r) => ({ name: slot.runtime.name, profile: slot.runtime.profile, verdict: ex.judged[r]![j]!.verdict, observation: ex.judged[r]![j]!.observation }));
        const blame = attributeCase(c, results, config.differential);
        // a pass is only counted: its row (module hash, replay line) is built only for kept verdicts
        let sha256: string | undefined;
        results.forEach((res, r) => {
          if (res.verdict.verdict === 'pass') countResult(state, { id: c.id, family: c.family, runtime: res.name, verdict: 'pass' });
          else addResult(state, toResultRow({ case: c, runtime: res.name, verdict: res.verdict, sha256: (sha256 ??= moduleSha256(c)) }), ordinal, blame.rowSignatures[r]);
        });
        if (blame.differential) addDifferential(state.differential, blame.differential);
        for (const x of blame.candidates) {
          const f = recordFinding(x, c, ordinal, index);
          if (f) fresh.push([f, c]);
        }
      });
      state.nextPosition = ex.position + ex.positions;
      for (const [f, c] of fresh) {
        await shrinkFinding(f, c);
        options.onFinding?.(f);
      }
      sortFindings(state.findings);
      if (options.clock() - lastCheckpoint >= (options.checkpointEveryMs ?? 1000)) checkpoint(false);
      progress();
    };

    function* jobs(from: number): Generator<GenerationJob> {
      for (let p = from; !runsDone(p); p++) {
        const index = caseIndexAt(config.shard, p);
        for (const f of families) yield [f, config.seed, index];
      }
    }

    let stopReason: StopReason = 'runs';
    const shouldStop = (): boolean => {
      if (options.stop?.requested) stopReason = 'interrupted';
      else if (timeUp()) stopReason = 'time';
      else if (!slots.some((s) => budgets.active(s.runtime.name))) stopReason = 'budget';
      else return false;
      return true;
    };

    const mutate = config.mutate ? campaignMutator(config.seed, config.mutate) : (c: Case): Case => c;
    let position = state.nextPosition;
    let inFlight: Promise<Executed> | undefined;
    let batch: Case[] = [];
    const batchCases = positionsPerBatch * F;
    if (!runsDone(position) && !shouldStop()) {
      for await (const c of options.generate(jobs(position))) {
        batch.push(mutate(c));
        if (batch.length < batchCases) continue;
        const next = execute(batch, position);
        position += positionsPerBatch;
        batch = [];
        if (inFlight) await commit(await inFlight);
        inFlight = next;
        if (shouldStop()) break;
      }
      if (batch.length && !shouldStop()) {
        const next = execute(batch, position);
        if (inFlight) await commit(await inFlight);
        inFlight = next;
      }
      if (inFlight) await commit(await inFlight);
    }
    if (stopReason === 'runs' && !runsDone(state.nextPosition)) stopReason = options.stop?.requested ? 'interrupted' : slots.some((s) => budgets.active(s.runtime.name)) ? 'time' : 'budget';
    const complete = runsDone(state.nextPosition);
    checkpoint(complete);
    progress();
    const declares = Object.fromEntries(families.map((f) => [f, options.families[f]?.declares ?? {}]));
    const report = buildCampaignReport(config, state, { version: options.version, runtimes: entries, declares, stopReason });
    const reportPath = join(options.outDir, 'report.json');
    writeFileAtomic(reportPath, `${JSON.stringify(report, null, 1)}\n`);
    const mdPath = join(options.outDir, 'summary.md');
    writeFileAtomic(mdPath, renderCampaignMarkdown(report));
    written.push(reportPath, mdPath, join(options.outDir, 'checkpoint.json'));
    return { report, state, stopReason, written };
  } finally {
    await Promise.all([...slots.map((s) => s.runtime.close()), oracleSlot?.runtime.close()].map((p) => Promise.resolve(p).catch(() => undefined)));
  }
}
