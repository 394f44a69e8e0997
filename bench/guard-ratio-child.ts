/**
 * The guarded invoke's cost, measured robustly (run by bench/e2e.bench.ts in fresh processes):
 * the raw call and `CaseRun.callGuarded` of bench/invoke.bench.ts, timed in adjacent blocks
 * (~0.1 ms each, order alternating), the ratio taken per pair and the median of the pairs kept.
 * At ~5 ns a call, tinybench's row-after-row timing moved with the machine's load (1.14× in one run,
 * 1.55× in another); adjacent pairs see the same load, and the median drops preempted pairs.
 * A fresh process each time: how V8 inlines the guard depends on what else ran in the process
 * (seen: 1.10× alone, 1.43× after other call loops), so the caller takes the median of several.
 *
 * Prints one JSON line: { median, q1, q3 } of guarded time ÷ raw time.
 */
import { guardedInvokeTasks } from './invoke.bench.ts';

const PAIRS = 801;
const REPS = 20;

const { tasks, keep } = guardedInvokeTasks();
const raw = tasks[0]!.fn as () => void;
const guarded = tasks[1]!.fn as () => void;

function time(f: () => void): number {
  const t = performance.now();
  for (let r = 0; r < REPS; r++) f();
  return performance.now() - t;
}

for (let k = 0; k < 300; k++) {
  raw();
  guarded();
}
const ratios: number[] = [];
for (let p = 0; p < PAIRS; p++) {
  if (p % 2) {
    const g = time(guarded);
    ratios.push(g / time(raw));
  } else {
    const r = time(raw);
    ratios.push(time(guarded) / r);
  }
}
ratios.sort((a, b) => a - b);
const at = (q: number): number => ratios[Math.floor(q * (PAIRS - 1))]!;
console.log(JSON.stringify({ median: at(0.5), q1: at(0.25), q3: at(0.75), keep: keep() === 0.5 }));
