/**
 * Generation speed: cases built per second per family (draw params + binaryen build + validate +
 * emit), against the bare binaryen round trip in a fresh module (new module, one function, emit,
 * dispose: what every build cost before generators reused one binaryen module). A second row
 * builds the same one-function module through `buildModule` (reused module, validated): the
 * floor of a generated case. binaryen has build-latency tail spikes (heap growth, GC), so each
 * row's note carries the median per case from a separate timed loop; the mean in `meanNs`
 * includes the tail.
 */
import binaryen from 'binaryen';
import { FAMILY_NAMES, generateCase } from '../generators/index.ts';
import { buildModule } from '../src/wasm/builder.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

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

export default async function (): Promise<BenchRow[]> {
  const BATCH = 20;
  let index = 0;
  const note = (fn: (i: number) => unknown): string => `median ${medianMicros(fn).toFixed(1)} µs/case`;
  const tasks = [
    { name: 'binaryen bare module (baseline)', fn: () => { for (let i = 0; i < BATCH; i++) bareModule(); }, opsPerCall: BATCH, note: note(() => bareModule()) },
    { name: 'buildModule bare module (reused module)', fn: () => { for (let i = 0; i < BATCH; i++) bareBuild(); }, opsPerCall: BATCH, note: note(() => bareBuild()) },
    ...FAMILY_NAMES.map((family) => ({
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
