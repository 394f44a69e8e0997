/**
 * §7.4 invariants for core instances (instance-semantics.md): cancellation never yields a partial
 * result (5), core state persists across cancels and traps (2, K1/X1), and a fresh instance always
 * works. Checked on the observations themselves, independently of the generator's expectations.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { CancellationParams } from '../../generators/cancellation.ts';
import { cancellation, cancellationArbitrary } from '../../generators/cancellation.ts';
import type { Step } from '../../src/case.ts';
import { callRuntime } from '../../src/runtime/calls/instrument.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { toPoolCase } from '../../src/runtime/pool.ts';

const CANCELS = ['cancel-suspension', 'cancel-block', 'cancel-fuel', 'cancel-call-tree', 'cancel-entry'] as const;
const arb = fc.tuple(cancellationArbitrary, fc.constantFrom(...CANCELS)).map(([p, scenario]): CancellationParams => ({ ...p, scenario }));

test.prop([arb], { numRuns: 60 })('a cancelled call yields nothing, leaves memory as at its pause, and the instance and a fresh one still work', (p) => {
  const c = cancellation.build(p, { seed: 0, path: 'prop' });
  const fresh: Step[] = [
    { op: 'instantiate', as: 'fresh', expect: {} },
    ...(c.features.includes('fuel') ? [{ op: 'refuel', instance: 'fresh', amount: 1_000_000, expect: {} } as Step] : []),
    { op: 'call', instance: 'fresh', export: 'run', call: 'fresh', expect: {} },
  ];
  const steps = c.steps.map((s) => ({ ...s, expect: { ...s.expect, memory: [{ offset: 0, hex: '00'.repeat(256) }] } }));
  const obs = executeCase(toPoolCase({ ...c, steps: [...steps, ...fresh] }), { calls: callRuntime });
  const paused = steps.findIndex((s) => s.op === 'call' && s.pauseAt !== undefined);
  const cancel = steps.findIndex((s) => s.op === 'cancel');
  expect(obs.steps[paused]!.outcome.kind).toBe('suspended');
  expect(obs.steps[cancel]!.outcome).toEqual({ kind: 'cancelled' });
  // nothing of the abandoned call ran between its pause and the cancel, nor after it
  expect(obs.steps[cancel]!.memory).toEqual(obs.steps[paused]!.memory);
  const again = steps.findIndex((s) => s.op === 'call' && s.call === 'again');
  expect(obs.steps[again]!.outcome.kind).toBe('return');
  // state persists: the reused instance's g counts the cancelled call's bumps plus a full run's
  const g = (i: number): number => Number((obs.steps[i]!.outcome as { values: Array<{ value: string }> }).values[0]!.value);
  const freshRun = obs.steps[obs.steps.length - 1]!;
  expect(freshRun.outcome.kind).toBe('return');
  expect(g(again)).toBeGreaterThanOrEqual(g(obs.steps.length - 1));
});
