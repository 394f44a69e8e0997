/**
 * The lifted component call of src/component/ against the raw core export call, in the same run
 * (goal ≤ 1.3×). The guest is the `component` family's (generators/component-guest.ts): `f(x)`
 * counts its call, `cabi_post_f` counts its run and records the result. Rows:
 *   - raw `f(i)` then `cabi_post_f(r)`: the same wasm work a lifted call does (baseline);
 *   - raw `f(i)` alone: what a caller pays without post-return at all;
 *   - lifted typed `ComponentInstance.callU32('f', [i])`: the embedder's typed call (wasmtime
 *     `TypedFunc::call`): entry checks, the core call, post-return under may_leave=false, leave;
 *     this is the row the ≤ 1.3× goal is about;
 *   - lifted `ComponentInstance.call('f', [u32])`: entry checks (poison, store, on-stack,
 *     pending), u32 lowering from the step's text value, the core call, lifting, post-return
 *     with may_leave cleared, the Outcome;
 *   - `CaseRun.step(call)`: the whole executor step (routing, target lookup, observation).
 * State check: after the runs the counters must equal the number of calls (post-return ran once each).
 */
import type { Step } from '../src/case.ts';
import { LIFT_FAILED } from '../src/component/instance.ts';
import { CaseRun } from '../src/runtime/exec.ts';
import type { WasmMemory } from '../src/runtime/wasm-api.ts';
import { WA } from '../src/runtime/wasm-api.ts';
import { buildGuest, guestExports } from '../generators/component-guest.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const N = 1000;

export default async function componentBench(): Promise<BenchRow[]> {
  const shape = { k: 10, strings: false, log: false, hop: undefined, back: false };
  const bytes = buildGuest('bench', shape);
  const run = new CaseRun({ id: 'bench', modules: [{ bytes }], steps: [], component: { profile: 'spec', exports: guestExports(shape) } });
  run.step({ op: 'instantiate', as: 'a', expect: {} });
  const raw = new WA.Instance(new WA.Module(bytes), {}).exports;
  const f = raw['f'] as (x: number) => number;
  const post = raw['cabi_post_f'] as (r: number) => void;
  const current = run.instance('a')!;
  const lifted = current.component!;
  const args = [{ type: 'u32' as const, value: '41' }];
  const step: Step = { op: 'call', instance: 'a', export: 'f', args, expect: {} };
  // the executor's plain core path on the same module, for the step-level comparison
  const coreRun = new CaseRun({ id: 'bench-core', modules: [{ bytes }], steps: [] });
  coreRun.step({ op: 'instantiate', expect: {} });
  const invokeF: Step = { op: 'invoke', export: 'f', args: [{ type: 'i32', value: '41' }], expect: {} };
  const invokePost: Step = { op: 'invoke', export: 'cabi_post_f', args: [{ type: 'i32', value: '51' }], expect: {} };
  const one = [0];
  let sink = 0;
  const rows = await runGroup('component call (in-process)', [
    {
      name: 'raw f(i) + cabi_post_f(r)',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) {
          const r = f(i + 3);
          post(r);
          acc += r;
        }
        sink ^= acc;
      },
    },
    {
      name: 'raw f(i) alone',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) acc += f(i + 3);
        sink ^= acc;
      },
    },
    {
      name: 'lifted typed: ComponentInstance.callU32(f, [i]) with post-return',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) {
          one[0] = i + 3;
          const r = lifted.callU32('f', one);
          if (r === LIFT_FAILED) throw new Error(`component bench: ${JSON.stringify(lifted.lastOutcome)}`);
          acc += r as number;
        }
        sink ^= acc;
      },
    },
    {
      name: 'lifted step value: ComponentInstance.call(f, [u32 text]) with post-return',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) acc += lifted.call('f', args).kind.length;
        sink ^= acc;
      },
    },
    {
      name: 'core step: CaseRun.step(invoke f) + step(invoke cabi_post_f)',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) {
          acc += coreRun.step(invokeF).outcome.kind.length;
          acc += coreRun.step(invokePost).outcome.kind.length;
        }
        sink ^= acc;
      },
    },
    {
      name: 'step: CaseRun.step(call f)',
      opsPerCall: N,
      fn: () => {
        let acc = 0;
        for (let i = 0; i < N; i++) acc += run.step(step).outcome.kind.length;
        sink ^= acc;
      },
    },
  ]);
  // state check: every lifted call ran its post-return exactly once
  const mem = new Uint32Array((current.exports['memory'] as WasmMemory).buffer, 0, 2);
  if (mem[0] !== mem[1]) throw new Error(`component bench: ${mem[0]} calls but ${mem[1]} post-returns`);
  if (sink === 0.5) console.log(sink);
  return rows;
}
