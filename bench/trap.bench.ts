/**
 * Trap round trip: a wasm trap caught by the host, raw try/catch against the reference
 * runtime's guarded path (catch + classification into an Outcome), in-process, with
 * `Error.stackTraceLimit = 0` as in the pool's workers (feasibility §8: stack capture is ~80%
 * of a trap's cost). The last row shows the raw cost with default stack traces, for scale.
 */
import type { Step } from '../src/case.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';
import { instantiated } from './invoke.bench.ts';

const N = 100;

export default async function trapBench(): Promise<BenchRow[]> {
  const { run, exports } = instantiated();
  const trap = exports['trap'] as () => void;
  const guardedFn = exports['trap'] as (...a: unknown[]) => unknown;
  const noArgs: unknown[] = [];
  const step: Step = { op: 'invoke', export: 'trap', args: [], expect: {} };
  let sink = 0;
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const rows = await runGroup('trap round trip (in-process, stackTraceLimit=0)', [
      {
        name: 'raw try { trap() } catch',
        opsPerCall: N,
        fn: () => {
          for (let i = 0; i < N; i++) {
            try {
              trap();
            } catch (e) {
              if (e) sink++;
            }
          }
        },
      },
      {
        name: 'guarded: CaseRun.callGuarded + classify',
        opsPerCall: N,
        fn: () => {
          for (let i = 0; i < N; i++) {
            run.callGuarded(guardedFn, noArgs);
            if (run.lastFailure!.kind === 'trap') sink++;
          }
        },
      },
      {
        name: 'full step: CaseRun.step(invoke trap)',
        opsPerCall: N,
        fn: () => {
          for (let i = 0; i < N; i++) if (run.step(step).outcome.kind === 'trap') sink++;
        },
      },
      {
        name: 'raw try/catch, default stackTraceLimit (for scale)',
        opsPerCall: N,
        fn: () => {
          Error.stackTraceLimit = saved;
          for (let i = 0; i < N; i++) {
            try {
              trap();
            } catch (e) {
              if (e) sink++;
            }
          }
          Error.stackTraceLimit = 0;
        },
      },
    ]);
    if (sink === 0.5) console.log(sink);
    return rows;
  } finally {
    Error.stackTraceLimit = saved;
  }
}
