/**
 * Shrinking a finding, in two phases (DESIGN §9 lesson: scenario level first, binary second).
 *
 * 1. Parameters, with fast-check's own shrinker: `fc.check` re-draws the finding's parameters
 *    from the case's own seed (identical to `drawCase`), and the property says "the finding no
 *    longer holds". fast-check shrinks while it fails; its counterexample path becomes the case
 *    path `i:a:b:…`, which `trapcheck replay --path` rebuilds exactly (shrink-path.ts).
 * 2. The module itself (reduce.ts), while the same predicate holds on the rebuilt case.
 *
 * The predicate is built by the campaign: same verdict, same signature (step, expected and
 * observed outcome class: the trap kind stays the trap kind), and, when the runtime under test is
 * not the reference, the reference still passes the case, so reduction never drifts into a
 * module whose expectation is simply wrong (the trap wasm-reduce users are warned about).
 * Budgets are counts of evaluated candidates, never wall time, so shrinking is deterministic.
 */
import fc from 'fast-check';
import type { Case } from '../case.ts';
import { caseSeed } from '../random.ts';
import type { Family } from '../../generators/family.ts';
import type { CasePath } from './shrink-path.ts';
import { caseAtPath, formatCasePath } from './shrink-path.ts';
import type { ModuleSize } from './reduce.ts';
import { moduleSize, reduceModule } from './reduce.ts';
import { formatSchedule, parseSchedule } from '../runtime/threads/sched/schedule.ts';
import { shrinkScheduleAsync } from '../runtime/threads/sched/shrink-schedule.ts';

const withSchedule = (c: Case, schedule: string | undefined): Case => (schedule === undefined ? c : { ...c, tags: { ...c.tags, schedule } });

/**
 * Phase 0, for a threads case that failed under a recorded schedule (its `schedule` tag, seed +
 * choice list): the schedule first shrinks to fewer context switches while the finding holds,
 * then every later candidate runs under the shrunk schedule, and the shrunk case carries it.
 */
async function shrinkScheduleFirst(original: Case, holds: Holds): Promise<{ original: Case; holds: Holds; schedule: string | undefined }> {
  const token = original.tags?.['schedule'];
  if (token === undefined || !token.includes('@')) return { original, holds, schedule: undefined };
  const { seed, choices } = parseSchedule(token);
  const shrunk = await shrinkScheduleAsync(choices!, async (candidate) => (await holds([withSchedule(original, formatSchedule(seed, candidate))]))[0] === true);
  const schedule = formatSchedule(seed, shrunk.choices);
  return { original: withSchedule(original, schedule), holds: (cases) => holds(cases.map((c) => withSchedule(c, schedule))), schedule };
}

export type Holds = (cases: Case[]) => Promise<boolean[]>;

export interface ShrinkBudget {
  /** Parameter candidates fast-check may evaluate. */
  params: number;
  /** Module candidates the reducer may evaluate. */
  module: number;
}

export const DEFAULT_SHRINK_BUDGET: ShrinkBudget = { params: 300, module: 300 };

export interface ShrinkOutcome {
  /** `i:a:b:…`: replays the parameter-shrunk case with `trapcheck replay --path`. */
  path: string;
  /** The case after both phases (the module-reduced bytes; steps and tags of the shrunk case). */
  case: Case;
  /** The parameter-shrunk case, as `--path` rebuilds it. */
  paramCase: Case;
  params?: unknown;
  size: { before: ModuleSize; afterParams: ModuleSize; after: ModuleSize };
  evaluations: { params: number; module: number };
  /** Module reductions applied, in order. */
  reductions: string[];
  /** The rebuilt case still shows the finding (false: only the original reproduces). */
  verified: boolean;
}

/** Phase 1: fast-check shrinks the family's parameters of case `index` while `holds` stays true. */
export async function shrinkParams<P>(family: Family<P>, seed: number, index: number, holds: Holds, budget: number): Promise<{ path: CasePath; evaluations: number } | undefined> {
  let evaluations = 0;
  const origin = { seed, path: String(index) };
  const property = fc.asyncProperty(family.arbitrary, async (p) => {
    if (evaluations >= budget) return true; // out of budget: every further candidate "passes", fast-check stops descending
    evaluations++;
    let c: Case;
    try {
      c = family.build(p, origin);
    } catch {
      return true;
    }
    const [ok] = await holds([c]);
    return !ok;
  });
  const details = await fc.check(property, { seed: caseSeed(seed, family.name, index) | 0, numRuns: 1 });
  if (!details.failed || details.counterexamplePath === null) return undefined;
  const [, ...segments] = details.counterexamplePath.split(':');
  return { path: { index, shrink: segments.join(':') }, evaluations };
}

/** Both phases for a generated case. `original` is the case as the campaign ran it. */
export async function shrinkGenerated<P>(family: Family<P>, seed: number, asRun: Case, index: number, holdsAsGiven: Holds, budget: ShrinkBudget = DEFAULT_SHRINK_BUDGET): Promise<ShrinkOutcome> {
  const { original, holds, schedule } = await shrinkScheduleFirst(asRun, holdsAsGiven);
  const before = moduleSize(original.modules[0]!.bytes);
  const phase1 = await shrinkParams(family, seed, index, holds, budget.params);
  let used: CasePath = phase1?.path ?? { index, shrink: '' };
  let paramCase = withSchedule(caseAtPath(family, seed, used), schedule);
  let [verified] = await holds([paramCase]);
  if (!verified && used.shrink) {
    // The rebuilt case differs from the candidates only by its id (WASI argv[0], random seed):
    // fall back to the unshrunk case, which is the finding itself.
    used = { index, shrink: '' };
    paramCase = withSchedule(caseAtPath(family, seed, used), schedule);
    [verified] = await holds([paramCase]);
  }
  const afterParams = moduleSize(paramCase.modules[0]!.bytes);
  const reduced = verified ? await reduceModule(paramCase, holds, budget.module) : { case: paramCase, evaluations: 0, applied: [] };
  const pathText = formatCasePath(used);
  const params = paramCase.provenance.kind === 'generator' ? paramCase.provenance.params : undefined;
  return {
    path: pathText,
    case: reduced.case,
    paramCase,
    params,
    size: { before, afterParams, after: moduleSize(reduced.case.modules[0]!.bytes) },
    evaluations: { params: phase1?.evaluations ?? 0, module: reduced.evaluations },
    reductions: reduced.applied,
    verified: Boolean(verified),
  };
}

/** Module-only shrinking, for cases without a generator (corpus, user modules). */
export async function shrinkModuleOnly(original: Case, holds: Holds, budget: ShrinkBudget = DEFAULT_SHRINK_BUDGET): Promise<ShrinkOutcome> {
  const before = moduleSize(original.modules[0]!.bytes);
  const reduced = await reduceModule(original, holds, budget.module);
  return {
    path: '',
    case: reduced.case,
    paramCase: original,
    size: { before, afterParams: before, after: moduleSize(reduced.case.modules[0]!.bytes) },
    evaluations: { params: 0, module: reduced.evaluations },
    reductions: reduced.applied,
    verified: true,
  };
}
