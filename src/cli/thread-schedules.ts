/**
 * `--threads sched|real`, `--schedule S` and `--schedules N` (run, replay, fuzz): how the
 * threads of a wasi-threads case run on the reference runtime (DESIGN §5 "Threads").
 *
 * A case carries its schedule as its `schedule` tag (the pool passes it to the worker; the replay
 * line prints it). After a run the tag is the schedule actually followed (seed + choice list), so
 * report.json, the repro bundle and the printed replay command all reproduce the same
 * interleaving. `--schedules N` runs each threads case under N seeded schedules; `--schedules
 * dfs[:N]` under every distinct choice sequence, depth-first, up to N (../runtime/threads/sched/
 * dfs.ts; tagged `dfs`: `complete` or `cut at N`). The results of one case are folded into one
 * (the worst verdict, the first of equals) that lists the set of observed outcomes.
 */
import type { Case } from '../case.ts';
import { usageError } from '../errors.ts';
import { formatOutcome } from '../outcome.ts';
import type { Observation } from '../observation.ts';
import type { CaseResult } from '../result.ts';
import { exploreDfs, parseProbe, probeToken } from '../runtime/threads/sched/dfs.ts';
import { formatSchedule, parseSchedule, scheduleSeed } from '../runtime/threads/sched/schedule.ts';
import { intOption } from './args.ts';

export const THREAD_OPTIONS = {
  threads: { type: 'string' },
  schedules: { type: 'string' },
  schedule: { type: 'string' },
} as const;

export interface ThreadScheduling {
  real: boolean;
  /** Schedules per threads case (1: the case's default schedule; with `dfs`, its bound). */
  schedules: number;
  /** `--schedules dfs[:N]`: every distinct choice sequence, depth-first, at most `schedules`. */
  dfs?: true;
  /** One explicit schedule token for every threads case (replay). */
  schedule?: string;
}

/** Most schedules per case: each is a full run of the case. */
const MAX_SCHEDULES = 100_000;
/** `--schedules dfs` without a bound. */
export const DFS_DEFAULT_BOUND = 200;

/** `--schedules N` | `dfs` | `dfs:N`. */
function schedulesOption(values: Record<string, unknown>): { schedules: number; dfs: boolean } {
  const raw = values['schedules'];
  const dfs = typeof raw === 'string' && /^dfs(:|$)/.test(raw);
  const bound = dfs ? (raw === 'dfs' ? String(DFS_DEFAULT_BOUND) : raw.slice(4)) : raw;
  if (dfs && !/^\d+$/.test(bound as string)) throw usageError(`--schedules must be N, \`dfs\` or \`dfs:N\`, got \`${raw}\``);
  const schedules = intOption({ schedules: bound }, 'schedules', 1, 1);
  if (schedules > MAX_SCHEDULES) throw usageError(`--schedules must be ≤ ${MAX_SCHEDULES}, got \`${schedules}\``);
  return { schedules, dfs };
}

export function threadScheduling(values: Record<string, unknown>): ThreadScheduling {
  const mode = values['threads'] ?? 'sched';
  if (mode !== 'sched' && mode !== 'real') throw usageError(`--threads must be \`sched\` or \`real\`, got \`${String(mode)}\``);
  const { schedules, dfs } = schedulesOption(values);
  const out: ThreadScheduling = { real: mode === 'real', schedules };
  if (dfs) out.dfs = true;
  const s = values['schedule'];
  if (s !== undefined) {
    if (typeof s !== 'string') throw usageError('--schedule takes one schedule');
    if (s !== 'real') parseSchedule(s);
    if (schedules > 1 || dfs) throw usageError('give either --schedule S or --schedules N, not both');
    out.schedule = s;
  }
  if (out.real && (schedules > 1 || dfs || (s !== undefined && s !== 'real'))) throw usageError('--threads real runs threads in parallel: it takes no --schedule / --schedules');
  return out;
}

const isThreads = (c: Case): boolean => c.features.includes('wasi-threads');

function tagged(c: Case, schedule: string): Case {
  return { ...c, tags: { ...c.tags, schedule } };
}

/** Runs cases on the reference runtime (a DFS probe needs the observation of one run before the next). */
export type ProbeRunner = (cases: readonly Case[]) => Promise<Observation[]>;

/**
 * The cases to run: every threads case once per schedule (or in real mode), others as they are.
 * `dfs` first explores each threads case on `probe` (default: a reference runtime of its own,
 * closed at the end) and then yields it once per distinct choice sequence found.
 */
export async function* scheduledCases(cases: Iterable<Case> | AsyncIterable<Case>, t: ThreadScheduling, probe?: ProbeRunner): AsyncIterable<Case> {
  let own: { run: ProbeRunner; close: () => Promise<void> } | undefined;
  try {
    for await (const c of cases) {
      if (!isThreads(c)) yield c;
      else if (t.real) yield tagged(c, 'real');
      else if (t.schedule !== undefined) yield tagged(c, t.schedule);
      // a case that carries a recorded choice list (a repro bundle, a shrink candidate) runs under it
      else if ((t.schedules === 1 && !t.dfs) || c.tags?.['schedule']?.includes('@')) yield c;
      else if (t.dfs) {
        own ??= probe ? { run: probe, close: async () => undefined } : await referenceProbe();
        yield* dfsVariants(c, t.schedules, own.run);
      } else for (let j = 0; j < t.schedules; j++) yield tagged(c, String(scheduleSeed(c.id, j)));
    }
  } finally {
    await own?.close();
  }
}

async function referenceProbe(): Promise<{ run: ProbeRunner; close: () => Promise<void> }> {
  const { createRuntime } = await import('../runtimes/registry.ts');
  const runtime = await createRuntime('reference');
  return { run: (cs) => runtime.executeAll(cs), close: () => runtime.close() };
}

/** `c` once per choice sequence of its depth-first exploration, each tagged with how it ended. */
async function* dfsVariants(c: Case, bound: number, probe: ProbeRunner): AsyncIterable<Case> {
  const seed = scheduleSeed(c.id);
  const found = await exploreDfs(async (prefix) => {
    const [o] = await probe([tagged(c, probeToken(seed, prefix))]);
    const schedule = o?.raw?.['schedule'];
    const run = typeof schedule === 'string' ? parseProbe(schedule) : undefined;
    // no scheduled process (the module never instantiated, say): one schedule with no choices
    return run ?? { choices: [], eligible: [] };
  }, bound);
  const how = found.complete ? `complete (${found.schedules.length} schedules)` : `cut at ${bound} schedules`;
  for (const choices of found.schedules) yield { ...c, tags: { ...c.tags, schedule: formatSchedule(seed, choices), dfs: how } };
}

/** After judging: the case's `schedule` tag becomes the schedule it actually ran (replayable). */
export function recordSchedule(r: CaseResult): void {
  if (r.schedule !== undefined) r.case = tagged(r.case, r.schedule);
}

const RANK: Record<string, number> = { fail: 0, imprecise: 1, 'known-divergence': 2, pass: 3, skip: 4 };

/** Whether verdict `a` is worse than `b`: the one a case's schedules are folded into. */
export function worseVerdict(a: string, b: string): boolean {
  return (RANK[a] ?? 5) < (RANK[b] ?? 5);
}

/** The outcome of an observation's last step, as the set of observed outcomes lists it. */
export function lastStepOutcome(o: Observation): string | undefined {
  const last = o.steps.at(-1);
  return last ? formatOutcome(last.outcome) : undefined;
}

/**
 * One result per (case, runtime) out of the N per schedule (adjacent, in case order): the worst
 * verdict (its schedule replays it), tagged with the number of schedules and the set of outcomes
 * the last step observed across them.
 */
export function foldSchedules(results: readonly CaseResult[], t: ThreadScheduling): CaseResult[] {
  if (t.schedules <= 1 && !t.dfs) return [...results];
  const out: CaseResult[] = [];
  const groups = new Map<string, { at: number; outcomes: Set<string>; runs: number }>();
  for (const r of results) {
    if (!isThreads(r.case)) {
      out.push(r);
      continue;
    }
    const key = `${r.case.id}\u0000${r.runtime}`;
    const outcome = lastOutcome(r);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { at: out.length, outcomes: new Set(outcome ? [outcome] : []), runs: 1 });
      out.push(r);
      continue;
    }
    g.runs++;
    if (outcome) g.outcomes.add(outcome);
    if (worseVerdict(r.verdict.verdict, out[g.at]!.verdict.verdict)) out[g.at] = r;
  }
  for (const g of groups.values()) {
    const best = out[g.at]!;
    out[g.at] = { ...best, case: { ...best.case, tags: { ...best.case.tags, schedules: String(g.runs), outcomes: [...g.outcomes].sort().join(' | ') } } };
  }
  return out;
}

/** The observed outcome of the case's last step (recorded for every verdict, from the observation or the verdict). */
function lastOutcome(r: CaseResult): string | undefined {
  if (r.observation?.steps.length) return lastStepOutcome(r.observation);
  return r.verdict.observed ?? (r.verdict.verdict === 'pass' ? r.verdict.expected : undefined);
}
