/**
 * Bounded exhaustive exploration (`--schedules dfs[:N]`, src/runtime/threads/sched/dfs.ts): on the
 * planted interleaving bug (./planted-fault.ts) depth-first search runs every distinct choice
 * sequence of the tiny case, says the space was exhausted, hits the bad interleaving, and the
 * printed schedule of that run replays it; the same search twice gives the same sequence; a bound
 * cuts it and says so.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../src/case.ts';
import { threadScheduling } from '../../../src/cli/thread-schedules.ts';
import { TrapcheckError } from '../../../src/errors.ts';
import { judge } from '../../../src/judge.ts';
import type { ThreadRuntime } from '../../../src/runtime/exec.ts';
import { executeCase } from '../../../src/runtime/exec.ts';
import { toPoolCase } from '../../../src/runtime/pool.ts';
import { exploreDfs, formatEligible, parseProbe, probeToken } from '../../../src/runtime/threads/sched/dfs.ts';
import { formatSchedule, scheduleSeed } from '../../../src/runtime/threads/sched/schedule.ts';
import { loadReferenceProfile } from '../../../src/runtimes/reference.ts';
import { correctRuntime, faultyRuntime, plantedCase, replaySchedule } from './planted-fault.ts';

const profile = loadReferenceProfile();

/** The search as the CLI runs it, in-process: each prefix is one probe run of the case. */
function dfs(c: Case, runtime: ThreadRuntime, bound: number) {
  const seed = scheduleSeed(c.id);
  return exploreDfs(async (prefix) => {
    const o = executeCase({ ...toPoolCase(c), schedule: probeToken(seed, prefix) }, { threads: runtime });
    return parseProbe(String(o.raw!['schedule']))!;
  }, bound);
}

describe('depth-first schedule exploration', () => {
  it('exhausts the planted case, finds the bad interleaving, and its printed schedule replays it', async () => {
    const c = plantedCase();
    const found = await dfs(c, faultyRuntime, 1000);
    expect(found.complete).toBe(true);
    // every sequence distinct, and more than one: the case does branch
    const tokens = found.schedules.map((s) => formatSchedule(0, s));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.length).toBeGreaterThan(1);
    const seed = scheduleSeed(c.id);
    const verdicts = found.schedules.map((s) => {
      const schedule = formatSchedule(seed, s);
      const o = replaySchedule(c, schedule, faultyRuntime);
      expect(o.raw!['schedule']).toBe(schedule); // a plain replay follows the explored sequence exactly
      return { schedule, verdict: judge(c, o, profile).verdict, last: o.steps.at(-1)!.outcome.kind };
    });
    const bad = verdicts.filter((v) => v.verdict === 'fail');
    expect(bad.length, 'DFS never hit the planted interleaving').toBeGreaterThan(0);
    expect(bad.every((v) => v.last === 'deadlock')).toBe(true); // the lost trap: main waits for ever
    expect(verdicts.some((v) => v.verdict === 'pass')).toBe(true);
    // the same search again: the same schedules in the same order
    expect((await dfs(c, faultyRuntime, 1000)).schedules).toEqual(found.schedules);
    // the correct host passes under every interleaving
    for (const s of found.schedules) expect(judge(c, replaySchedule(c, formatSchedule(seed, s), correctRuntime), profile).verdict).toBe('pass');
  });

  it('a bound cuts the search and says so', async () => {
    const full = await dfs(plantedCase(), correctRuntime, 1000);
    const cut = await dfs(plantedCase(), correctRuntime, full.schedules.length - 1);
    expect(cut.complete).toBe(false);
    expect(cut.schedules).toEqual(full.schedules.slice(0, -1));
  });

  it('probe tokens carry the decision points; a non-deterministic run is refused', async () => {
    expect(formatEligible([[0, 1], [0, 1, 2]])).toBe('#0.1,0.1.2');
    expect(parseProbe('5@1:1,0:1#0.1,0.1.2')).toEqual({ choices: [1, 0], eligible: [[0, 1], [0, 1, 2]] });
    expect(parseProbe('5@1:1')).toBeUndefined();
    // a run that ignores its prefix (always thread 1 first)
    await expect(exploreDfs(async () => ({ choices: [1], eligible: [[0, 1]] }), 10)).rejects.toThrow(/not deterministic/);
  });

  it('--schedules dfs / dfs:N parse; anything else is a usage error', () => {
    expect(threadScheduling({ schedules: 'dfs' })).toEqual({ real: false, schedules: 200, dfs: true });
    expect(threadScheduling({ schedules: 'dfs:7' })).toEqual({ real: false, schedules: 7, dfs: true });
    expect(threadScheduling({ schedules: '7' })).toEqual({ real: false, schedules: 7 });
    for (const bad of [{ schedules: 'dfs:' }, { schedules: 'dfs:0' }, { schedules: 'dfsx' }, { schedules: 'dfs', threads: 'real' }, { schedules: 'dfs', schedule: '1@0:1' }])
      expect(() => threadScheduling(bad), JSON.stringify(bad)).toThrow(TrapcheckError);
  });
});
