/**
 * One limit on native runtime processes for the whole trapcheck process. `--runtime all` runs
 * a dozen process-per-case runtimes side by side; each limiting itself to two children would
 * still put two dozen processes on two cores, and a case's wall-clock watchdog would then fire
 * on a case that is merely waiting for a core (a `timeout` verdict that no runtime earned).
 * Every native adapter takes a slot for each child it starts and gives it back when it ends.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';

/**
 * Children at once: one per core, at least two. Measured on 2 cores with `--runtime all`: two per
 * core ran 40 results/s instead of 29, but starved the reference runtime's thread workers and a
 * wasm3 REPL past their wall-clock watchdogs (4 `timeout` verdicts no runtime earned); one per
 * core gave none.
 */
export const PROCESS_SLOTS = Math.max(2, availableParallelism());

let free = PROCESS_SLOTS;
/** FIFO of waiters, each for `n` slots: a waiter for every slot is not overtaken by single ones. */
const waiting: Array<{ n: number; grant: () => void }> = [];

function acquire(n: number): Promise<void> {
  if (!waiting.length && free >= n) {
    free -= n;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push({ n, grant: resolve }));
}

function release(n: number): void {
  free += n;
  while (waiting.length && free >= waiting[0]!.n) {
    const next = waiting.shift()!;
    free -= next.n;
    next.grant();
  }
}

/** Set inside `withAllProcessSlots`: the work already holds every slot, its children take none. */
const holdingAll = new AsyncLocalStorage<true>();

/** Runs `work` while holding one process slot (or inside work that holds them all). */
export async function withProcessSlot<T>(work: () => Promise<T>): Promise<T> {
  if (holdingAll.getStore()) return work();
  await acquire(1);
  try {
    return await work();
  } finally {
    release(1);
  }
}

/**
 * Runs `work` while holding every slot: no other native child of this trapcheck process runs
 * meanwhile (the re-run that confirms a timeout, confirm-timeout.ts).
 */
export async function withAllProcessSlots<T>(work: () => Promise<T>): Promise<T> {
  await acquire(PROCESS_SLOTS);
  try {
    return await holdingAll.run(true, work);
  } finally {
    release(PROCESS_SLOTS);
  }
}

/** Slots free now (tests). */
export function freeProcessSlots(): number {
  return free;
}
