/**
 * One limit on native runtime processes for the whole trapcheck process. `--runtime all` runs
 * a dozen process-per-case runtimes side by side; each limiting itself to two children would
 * still put two dozen processes on two cores, and a case's wall-clock watchdog would then fire
 * on a case that is merely waiting for a core (a `timeout` verdict that no runtime earned).
 * Every native adapter takes a slot for each child it starts and gives it back when it ends.
 */
import { availableParallelism } from 'node:os';

/**
 * Children at once: one per core, at least two. Measured on 2 cores with `--runtime all`: two per
 * core ran 40 results/s instead of 29, but starved the reference runtime's thread workers and a
 * wasm3 REPL past their wall-clock watchdogs (4 `timeout` verdicts no runtime earned); one per
 * core gave none.
 */
export const PROCESS_SLOTS = Math.max(2, availableParallelism());

let free = PROCESS_SLOTS;
const waiting: Array<() => void> = [];

function acquire(): Promise<void> {
  if (free > 0) {
    free--;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else free++;
}

/** Runs `work` while holding one process slot. */
export async function withProcessSlot<T>(work: () => Promise<T>): Promise<T> {
  await acquire();
  try {
    return await work();
  } finally {
    release();
  }
}
