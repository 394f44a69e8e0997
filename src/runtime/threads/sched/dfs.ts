/**
 * Bounded exhaustive exploration of a threads case's interleavings (issue #13 item 3, `--schedules
 * dfs[:N]`): depth-first over the choices at its decision points, each distinct choice sequence
 * run once, until every sequence was run (`complete`) or N were (`cut`).
 *
 * Stateless, as in CHESS (Musuvathi et al., OSDI 2008): every schedule is a fresh run of the case
 * from the start under an explicit choice prefix (./schedule.ts ReplayChooser); past the prefix
 * the run takes the replay fallback (the running thread keeps running), which is deterministic,
 * so each run yields one full choice sequence. To know the alternatives at each point, a run is a
 * *probe*: its schedule token carries the threads that could run at every decision point
 * (`?` before the token asks for them; `#…` after the token returns them). Same case ⇒ same
 * sequence of schedules, in the same order.
 */
import { formatSchedule, parseSchedule } from './schedule.ts';

/** Prefix of a schedule token asking the scheduled process to report its decision points. */
export const DFS_PROBE = '?';

/** `#0.1,0.1.2`: the eligible threads at each decision point (appended to a probe's token). */
export function formatEligible(log: readonly (readonly number[])[]): string {
  return `#${log.map((e) => e.join('.')).join(',')}`;
}

/** One probe run: the choices it made and what could have run at each of them. */
export interface ProbeRun {
  choices: number[];
  eligible: number[][];
}

/** Reads a probe's returned schedule (`SEED@T:N,…#E,E`); undefined when it carries no decision points. */
export function parseProbe(schedule: string): ProbeRun | undefined {
  const hash = schedule.indexOf('#');
  if (hash < 0) return undefined;
  const choices = parseSchedule(schedule.slice(0, hash)).choices ?? [];
  const list = schedule.slice(hash + 1);
  const eligible = list === '' ? [] : list.split(',').map((e) => e.split('.').map(Number));
  if (eligible.length !== choices.length) throw new Error(`dfs: probe reports ${eligible.length} decision points for ${choices.length} choices`);
  return { choices, eligible };
}

/** The token that runs exactly `prefix` (then the replay fallback), as a probe. */
export function probeToken(seed: number, prefix: readonly number[]): string {
  return `${DFS_PROBE}${formatSchedule(seed, prefix)}`;
}

export interface DfsExploration {
  /** Every distinct choice sequence run, in depth-first order. */
  schedules: number[][];
  /** True when no sequence is left unexplored; false when the bound cut the search. */
  complete: boolean;
}

/**
 * Explores depth-first: after each run, the deepest decision point with an untried eligible
 * thread (the lowest tid first) is taken next. `run(prefix)` runs the case under that prefix.
 */
export async function exploreDfs(run: (prefix: number[]) => Promise<ProbeRun>, bound: number): Promise<DfsExploration> {
  const schedules: number[][] = [];
  /** Per decision point on the current path: what could run, and what was tried already. */
  const path: Array<{ eligible: number[]; tried: Set<number> }> = [];
  let prefix: number[] = [];
  for (;;) {
    if (schedules.length >= bound) return { schedules, complete: false };
    const r = await run(prefix);
    if (prefix.some((t, i) => r.choices[i] !== t)) throw new Error(`dfs: a run did not follow its prefix ${prefix.join(',')} (got ${r.choices.join(',')}): the case is not deterministic`);
    schedules.push(r.choices);
    for (let i = prefix.length; i < r.choices.length; i++) path[i] = { eligible: r.eligible[i]!, tried: new Set([r.choices[i]!]) };
    path.length = r.choices.length;
    let depth = path.length - 1;
    while (depth >= 0 && path[depth]!.eligible.every((t) => path[depth]!.tried.has(t))) depth--;
    if (depth < 0) return { schedules, complete: true };
    const frame = path[depth]!;
    const next = frame.eligible.find((t) => !frame.tried.has(t))!;
    frame.tried.add(next);
    path.length = depth + 1;
    prefix = [...r.choices.slice(0, depth), next];
  }
}
