/**
 * `--budget-per-runtime` across a kill and `--resume` (src/fuzz/runtime-budget.ts, checkpoint.ts):
 * the checkpoint written while a batch is in flight must not hold that batch's busy time or the
 * retirement it caused, because the resumed campaign runs the batch again and charges it again.
 * Before the fix, busy time of the re-run batch was counted twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../src/fuzz/report.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/fuzz/checkpoint.ts';
import { committedBudget, RuntimeBudget } from '../../src/fuzz/runtime-budget.ts';
import { emptyState } from '../../src/fuzz/state.ts';

const dir = mkdtempSync(join(tmpdir(), 'trapcheck-budget-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config: CampaignConfig = { families: ['core-traps'], runtimes: ['a', 'b'], seed: 1, runs: 40, timeMs: null, shard: { k: 1, n: 1 }, differential: false, saveFindings: null, maxShrinks: 0, budgetPerRuntimeMs: 100 };

describe('--budget-per-runtime and --resume', () => {
  it('a checkpoint holds only committed batches; a resumed campaign charges the re-run batch once', () => {
    // uninterrupted: batch [0,10) took 40 ms on a, [10,20) 70 ms (retiring a at position 20)
    const whole = emptyState();
    const w = new RuntimeBudget(100, whole);
    w.charge('a', 0, 40, 10);
    whole.nextPosition = 10;
    w.charge('a', 40, 110, 20);
    w.charge('b', 40, 60, 20);
    whole.nextPosition = 20;
    expect(whole.runtimeMs).toEqual({ a: 110, b: 20 });
    expect(whole.retired).toEqual({ a: { position: 20, usedMs: 110 } });

    // killed while [10,20) had run but before it was committed: its checkpoint
    const killed = emptyState();
    const k = new RuntimeBudget(100, killed);
    k.charge('a', 0, 40, 10);
    killed.nextPosition = 10;
    expect(k.charge('a', 40, 110, 20)).toBe(true); // the live campaign retires a at once
    k.charge('b', 40, 60, 20);
    writeCheckpoint(dir, { schema: 'trapcheck.fuzz-checkpoint/1', tool: 'test', config, complete: false, state: killed });
    const saved = readCheckpoint(dir).state;
    expect(saved.nextPosition).toBe(10);
    expect(saved.runtimeMs).toEqual({ a: 40, b: 0 });
    expect(saved.retired).toBeUndefined();
    expect(killed.retired).toEqual({ a: { position: 20, usedMs: 110 } }); // the live state is untouched

    // --resume: the batch [10,20) runs again and is charged once
    const r = new RuntimeBudget(100, saved);
    expect(r.active('a')).toBe(true);
    expect(r.charge('a', 1000, 1070, 20)).toBe(true);
    r.charge('b', 1000, 1020, 20);
    saved.nextPosition = 20;
    expect(committedBudget(saved).runtimeMs).toEqual(whole.runtimeMs);
    expect(committedBudget(saved).retired).toEqual(whole.retired);
  });

  it('a checkpoint after every batch committed holds everything', () => {
    const s = emptyState();
    const b = new RuntimeBudget(null, s);
    b.charge('a', 0, 30, 5);
    s.nextPosition = 5;
    expect(committedBudget(s)).toBe(s);
  });
});
