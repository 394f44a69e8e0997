/**
 * Shrinks a failing schedule to fewer context switches (issue #13 item 4): a choice list replays
 * as given and, past its end, keeps the running thread (src/runtime/threads/sched/schedule.ts
 * ReplayChooser), so a shorter list or one with a run merged into its neighbour means fewer
 * switches. A candidate is kept when the case still fails under it. Greedy and bounded:
 *   1. the shortest failing prefix (shortest first);
 *   2. then, repeatedly, each run of choices replaced by the thread before it (one switch less).
 */
import { switchesOf } from './schedule.ts';

export interface ShrunkSchedule {
  choices: number[];
  switches: number;
  /** Candidate schedules tried. */
  tries: number;
}

/** The candidates, in the order tried, given the best list so far (a generator: it resumes after an accepted one). */
function* candidates(best: () => number[]): Generator<number[], void, boolean> {
  const start = best();
  for (let len = 0; len < start.length; len++) if (yield start.slice(0, len)) break;
  for (let improved = true; improved; ) {
    improved = false;
    const b = best();
    for (let i = 1; i < b.length; i++) {
      if (b[i] === b[i - 1]) continue;
      let j = i;
      while (j < b.length && b[j] === b[i]) j++;
      const merged = [...b.slice(0, i), ...b.slice(i, j).map(() => b[i - 1]!), ...b.slice(j)];
      if (switchesOf(merged) < switchesOf(b) && (yield merged)) {
        improved = true;
        break;
      }
    }
  }
}

export function shrinkSchedule(choices: readonly number[], fails: (candidate: number[]) => boolean, budget = 400): ShrunkSchedule {
  let best = [...choices];
  let tries = 0;
  const gen = candidates(() => best);
  for (let next = gen.next(); !next.done && tries < budget; ) {
    tries++;
    const ok = fails(next.value);
    if (ok) best = next.value;
    next = gen.next(ok);
  }
  return { choices: best, switches: switchesOf(best), tries };
}

/** The same, for a predicate that runs cases asynchronously (the fuzz shrinker's). */
export async function shrinkScheduleAsync(choices: readonly number[], fails: (candidate: number[]) => Promise<boolean>, budget = 100): Promise<ShrunkSchedule> {
  let best = [...choices];
  let tries = 0;
  const gen = candidates(() => best);
  for (let next = gen.next(); !next.done && tries < budget; ) {
    tries++;
    const ok = await fails(next.value);
    if (ok) best = next.value;
    next = gen.next(ok);
  }
  return { choices: best, switches: switchesOf(best), tries };
}
