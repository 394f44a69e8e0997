/**
 * The reference runtime's children run a few nice steps below the supervisor. The supervisor
 * generates the cases the children execute (its generation worker is the pipeline's producer)
 * and judges what they return; when every core is busy, an even share left generation behind
 * the children it feeds, which then waited for work. Measured on 2 vCPUs (session 12,
 * `run --family core-traps --runs 40000`, alternating, 4 rounds): 15.0–15.9 s wall with the
 * children at +5, 16.3–17.8 s level with the supervisor (+4 and +10, tried by hand, gave about
 * the same as +5; README "Measured"). Niceness only weighs who runs first
 * when both want a core: an idle supervisor leaves the children every cycle, and it changes
 * timing, never an observation.
 *
 * `TRAPCHECK_CHILD_NICE` sets the steps (0 keeps the children at the supervisor's priority; like
 * TRAPCHECK_PROCESSES, a value that is not an integer 0–19 leaves the default).
 */
import { getPriority, setPriority } from 'node:os';
import { readdirSync } from 'node:fs';

export const DEFAULT_CHILD_NICE = 5;

/** The steps below the supervisor for children started now (TRAPCHECK_CHILD_NICE, else the default). */
export function childNiceSteps(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['TRAPCHECK_CHILD_NICE'];
  if (text === undefined || text === '') return DEFAULT_CHILD_NICE;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 19 ? n : DEFAULT_CHILD_NICE;
}

/**
 * Lowers this process's priority by `steps` (capped at nice 19), for every thread it has: Linux
 * gives each thread its own nice value, and threads started later inherit their creator's. Returns
 * the nice value the main thread now has; a system that refuses leaves it as it was.
 */
export function lowerOwnPriority(steps: number): number {
  if (steps <= 0) return getPriority();
  const target = Math.min(19, getPriority() + steps);
  let threads: string[] = [];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    // no /proc: setPriority(0) below is the whole process there (macOS)
  }
  for (const tid of threads) {
    try {
      setPriority(Number(tid), target);
    } catch {
      // a thread that ended meanwhile
    }
  }
  try {
    setPriority(0, target);
  } catch {
    // refused: the child keeps the supervisor's priority
  }
  return getPriority();
}
