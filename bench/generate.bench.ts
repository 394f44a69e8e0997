/**
 * Generation speed: cases built per second per family (draw params + binaryen build + validate +
 * emit), against the bare binaryen round trip in a fresh module (new module, one function, emit,
 * dispose: what every build cost before generators reused one binaryen module). A second row
 * builds the same one-function module through `buildModule` (reused module, validated): the
 * floor of a generated case. binaryen has build-latency tail spikes (heap growth, GC), so each
 * row's note carries the median per case from a separate timed loop; the mean in `meanNs`
 * includes the tail.
 *
 * `TRAPCHECK_BENCH_BASELINE_TREE=<checkout>` instead measures, per family both trees have, the
 * baseline tree's generator against this one in the same process (issue #18: generation cost
 * against the figure before its generators, as a ratio in one run). Both share one binaryen
 * instance, are warmed alike (binaryen's tier-up and the JIT make the first few thousand cases of
 * a thread 2–4× dearer), and take turns every 20 cases, timed by CPU time (`againstTree`).
 * `TRAPCHECK_BENCH_FAMILIES` (comma-separated) limits the families.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import binaryen from '../src/wasm/binaryen.ts';
import { FAMILY_NAMES, generateCase } from '../generators/index.ts';
import { buildModule } from '../src/wasm/builder.ts';
import type { BenchRow } from './harness.ts';
import { median, runGroup } from './harness.ts';

type Generate = (family: string, seed: number, index: number) => unknown;

function bareModule(): Uint8Array {
  const m = new binaryen.Module();
  m.addFunction('f', binaryen.none, binaryen.i32, [], m.i32.const(1));
  m.addFunctionExport('f', 'f');
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

function bareBuild(): Uint8Array {
  return buildModule('bench', [], (m) => {
    m.addFunction('f', binaryen.none, binaryen.i32, [], m.i32.const(1));
    m.addFunctionExport('f', 'f');
  });
}

function medianMicros(fn: (i: number) => unknown, n = 2000): number {
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  return times[n >> 1]!;
}

function familiesWanted(): readonly string[] {
  const only = process.env['TRAPCHECK_BENCH_FAMILIES'];
  return only ? FAMILY_NAMES.filter((f) => only.split(',').includes(f)) : FAMILY_NAMES;
}

/** This process's CPU time in µs (user + system, every thread: the GC's helpers included). */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * This tree's generators against another checkout's, family by family (ratio = this ÷ baseline
 * CPU time per case). The two trees take turns every BATCH cases (which goes first flips every
 * pair) and each batch is timed by the process's CPU time, so neither load spikes nor the time the
 * process waits for a core land on one side. Wall time over 1.5 s per side (tinybench, before)
 * gave one family rounds of 0.9–9× at load 5–9, and wall time even per 20-case turn 1.3–3.6×;
 * CPU time per turn kept each family's rounds within about ±15 % of their median at load 7–10,
 * after 3,000 warm-up cases a side (with 1,500, the first round was the dearest). CPU time counts
 * the GC's helper threads too: on a machine whose cores are all busy (a fuzz campaign), their work
 * is a cost. Each round's ratio is its summed times; the row reports the median round.
 */
async function againstTree(tree: string): Promise<BenchRow[]> {
  const other = (await import(pathToFileURL(resolve(tree, 'generators/index.ts')).href)) as { generateCase: Generate; FAMILY_NAMES: readonly string[] };
  const BATCH = 20;
  const PAIRS = 80;
  const ROUNDS = 5;
  const WARM_UP = 3000;
  const rows: BenchRow[] = [];
  for (const family of familiesWanted().filter((f) => other.FAMILY_NAMES.includes(f))) {
    const trees: Array<[string, Generate]> = [
      [`baseline tree ${tree}`, other.generateCase],
      ['this tree', generateCase],
    ];
    for (let i = 0; i < WARM_UP; i++) for (const [, generate] of trees) generate(family, 3, i);
    let index = 0;
    const perCase: number[][] = [[], []];
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const spent = [0, 0];
      for (let pair = 0; pair < PAIRS; pair++, index += BATCH) {
        for (const side of pair % 2 === 0 ? [0, 1] : [1, 0]) {
          const generate = trees[side]![1];
          const t0 = cpuMicros();
          for (let i = 0; i < BATCH; i++) generate(family, 1, index + i);
          spent[side]! += cpuMicros() - t0;
        }
      }
      for (const side of [0, 1]) perCase[side]!.push((spent[side]! * 1000) / (PAIRS * BATCH));
      roundRatios.push(spent[1]! / spent[0]!);
    }
    const ratio = median(roundRatios);
    rows.push(
      ...trees.map(([name], side): BenchRow => {
        const meanNs = median(perCase[side]!);
        const row: BenchRow = { group: 'generate vs baseline tree (CPU time)', name: `${family}: ${name}`, meanNs, opsPerSec: 1e9 / meanNs, ratio: side === 0 ? 1 : ratio };
        if (side === 1) {
          row.roundRatios = roundRatios;
          row.note = `${ratio.toFixed(2)}× the baseline tree's CPU time per case (rounds: ${roundRatios.map((x) => x.toFixed(2)).join(', ')})`;
        }
        return row;
      }),
    );
  }
  return rows;
}

export default async function (): Promise<BenchRow[]> {
  const tree = process.env['TRAPCHECK_BENCH_BASELINE_TREE'];
  if (tree) return againstTree(tree);
  const BATCH = 20;
  let index = 0;
  const note = (fn: (i: number) => unknown): string => `median ${medianMicros(fn).toFixed(1)} µs/case`;
  const tasks = [
    { name: 'binaryen bare module (baseline)', fn: () => { for (let i = 0; i < BATCH; i++) bareModule(); }, opsPerCall: BATCH, note: note(() => bareModule()) },
    { name: 'buildModule bare module (reused module)', fn: () => { for (let i = 0; i < BATCH; i++) bareBuild(); }, opsPerCall: BATCH, note: note(() => bareBuild()) },
    ...familiesWanted().map((family) => ({
      name: `generate ${family}`,
      fn: () => {
        for (let i = 0; i < BATCH; i++) generateCase(family, 1, index++);
      },
      opsPerCall: BATCH,
      note: note((i) => generateCase(family, 2, i)),
    })),
  ];
  return runGroup('generate', tasks, { time: 1500, warmupTime: 300 });
}
