/**
 * The campaign's fast path (issue #14, speed): when the reference runtime alone is under test in
 * child processes, each child generates its own cases from (family, seed, index) jobs, runs
 * them and sends the cases back with their observations (src/runtimes/child-generation.ts);
 * this process judges them, as it judges any batch. No generation worker, and no case bytes on
 * the way to the children.
 *
 * Every verdict is the one the ordinary path gives: the same generator and pool run the same
 * case, the same judge and profile decide. A case the children leave here (preopens,
 * wasi-threads, a capability the reference lacks) goes through the ordinary pipeline on the
 * campaign's own runtime (skip, crash recovery, schedule exploration).
 */
import type { Case } from '../case.ts';
import type { GenerationJob } from '../cli/generation-pool.ts';
import { judge } from '../judge.ts';
import type { Judged } from '../pipeline/judge-cases.ts';
import { judgeCases } from '../pipeline/judge-cases.ts';
import type { RecoveringTarget } from '../pipeline/recovering.ts';
import { ProcessPool } from '../runtimes/process-pool.ts';
import { parseRuntimeSpec } from '../runtimes/registry.ts';
import { defaultReferenceProcesses } from '../runtimes/reference.ts';

export interface GeneratedBatch {
  cases: Case[];
  judged: Judged[];
}

/**
 * Whether a campaign can take the fast path: the plain reference runtime alone, sharded over
 * child processes (`processes` > 0), and cases run as generated (`--mutate` changes them here).
 */
export function childGenerationApplies(runtimeSpecs: readonly string[], processes: number, mutate: number | undefined): boolean {
  if (processes <= 0 || mutate || runtimeSpecs.length !== 1) return false;
  const { name, binary } = parseRuntimeSpec(runtimeSpecs[0]!);
  return name === 'reference' && binary === undefined;
}

/**
 * Processes of the fast path: none unless `TRAPCHECK_CHILD_GENERATION=1` asks for it, then the
 * reference runtime's (runtimes/reference.ts). Opt-in because on a quiet 2-core machine it was
 * slower than one generation worker feeding the children (session 8, fuzz core-traps,wasi-exit
 * seed 7, 45 s, alternating: off 1,249 / 1,087, on 1,054 / 1,030 cases/s; its 1.14× gain was
 * measured only under a load of 23–32). The verdicts are the same either way.
 */
export function defaultChildGeneration(env: NodeJS.ProcessEnv = process.env): number {
  return env['TRAPCHECK_CHILD_GENERATION'] === '1' ? defaultReferenceProcesses(env) : 0;
}

export class ChildGeneration {
  private readonly pool: ProcessPool;

  constructor(processes: number) {
    this.pool = new ProcessPool({ processes, generate: true });
  }

  /** The cases of `jobs`, in order, each judged; `rest` runs what the children left here. */
  async run(jobs: readonly GenerationJob[], rest: RecoveringTarget): Promise<GeneratedBatch> {
    const produced = await this.pool.runJobs(jobs);
    const cases = produced.map((p) => p.case);
    const left = produced.filter((p) => !p.observation).map((p) => p.case);
    const leftJudged = left.length ? await judgeCases(rest, left) : [];
    const profile = rest.runtime().profile;
    let next = 0;
    const judged = produced.map(({ case: c, observation }): Judged => (observation ? { verdict: judge(c, observation, profile), observation } : leftJudged[next++]!));
    return { cases, judged };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
