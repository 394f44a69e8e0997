/**
 * Generation speed: cases built per second per family (draw params + binaryen build + validate +
 * emit), against the bare binaryen round trip in a fresh module (new module, one function, emit,
 * dispose: what every build cost before generators reused one binaryen module). A second row
 * builds the same one-function module through `buildModule` (reused module, validated): the
 * floor of a generated case. binaryen has build-latency tail spikes (heap growth, GC), so each
 * row's note carries the median per case from a separate timed loop; the mean in `meanNs`
 * includes the tail.
 *
 * `TRAPCHECK_BENCH_BASELINE_TREE=<checkout>` adds, per family both trees have, the baseline
 * tree's generator against this one in the same process (issue #18: generation cost against the
 * figure before its generators, as a ratio in one run). Both share one binaryen instance, are
 * warmed alike (binaryen's tier-up and the JIT make the first few thousand cases of a thread 2–4×
 * dearer), and alternate over rounds, so machine drift lands on both. `TRAPCHECK_BENCH_FAMILIES`
 * (comma-separated) limits the families.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import binaryen from 'binaryen';
import { FAMILY_NAMES, generateCase } from '../generators/index.ts';
import { buildModule } from '../src/wasm/builder.ts';
import type { BenchRow } from './harness.ts';
import { runGroup, runGroupRounds } from './harness.ts';

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

/** This tree's generators against another checkout's, family by family (ratio = this ÷ baseline time). */
async function againstTree(tree: string): Promise<BenchRow[]> {
  const other = (await import(pathToFileURL(resolve(tree, 'generators/index.ts')).href)) as { generateCase: Generate; FAMILY_NAMES: readonly string[] };
  const BATCH = 20;
  const rows: BenchRow[] = [];
  for (const family of familiesWanted().filter((f) => other.FAMILY_NAMES.includes(f))) {
    const trees: Array<[string, Generate]> = [
      [`baseline tree ${tree}`, other.generateCase],
      ['this tree', generateCase],
    ];
    for (let i = 0; i < 1500; i++) for (const [, generate] of trees) generate(family, 3, i);
    const tasks = trees.map(([name, generate]) => {
      let index = 0;
      return { name: `${family}: ${name}`, fn: () => { for (let i = 0; i < BATCH; i++) generate(family, 1, index++); }, opsPerCall: BATCH };
    });
    const measured = await runGroupRounds(`generate vs baseline tree`, tasks, { time: 1500, warmupTime: 300, rounds: 3 });
    rows.push(...measured.map((r, i) => (i === 0 ? r : { ...r, note: `${r.ratio!.toFixed(2)}× the baseline tree's time per case (rounds: ${r.roundRatios!.map((x) => x.toFixed(2)).join(', ')})` })));
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
