/**
 * The thread-race family: its interleaving model on hand-written programs whose allowed sets are
 * known (spawn order, flag waits, program order of writes, blocks, deadlock), the sets it states
 * for generated cases, the coverage it declares, and generated cases landing in their sets on the
 * reference runtime with threads really in parallel (`schedule: real`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allowedOutcomes, raceProgram, threadRace } from '../../generators/thread-race.ts';
import type { ThreadRaceParams } from '../../generators/thread-race.ts';
import type { Action, RaceProgram } from '../../generators/thread-race/program.ts';
import { assign } from '../../generators/thread-race/program.ts';
import { generateCase } from '../../generators/index.ts';
import type { AllowedOutcome, Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { drawCase } from '../../src/random.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

const w = (text: string, fd: 1 | 2 = 1): Action => ({ op: 'write', fd, text });
const exit = (code: number): Action => ({ op: 'end', end: 'proc_exit', code });
const prog = (main: Action[], ...threads: Action[][]): RaceProgram => ({ main, threads, readsStdin: false });
/** The set as `outcome:stdout` strings, sorted. */
const set = (p: RaceProgram): string[] =>
  allowedOutcomes(p)
    .map((m: AllowedOutcome) => `${m.outcome.kind === 'exit' ? `exit ${m.outcome.code}` : m.outcome.kind === 'trap' ? `trap ${m.outcome.trap}` : m.outcome.kind}:${m.stdout}${m.stderr ? `|${m.stderr}` : ''}`)
    .sort();

describe('thread-race model', () => {
  it('two terminators: either ends, each after its own write, never the loser’s end', () => {
    const p = prog([{ op: 'spawn', thread: 1, role: 1 }, w('a'), exit(3)], [w('b'), { op: 'end', end: 'unreachable', code: 0 }]);
    expect(set(p)).toEqual(['exit 3:a', 'exit 3:ab', 'exit 3:ba', 'trap unreachable:ab', 'trap unreachable:b', 'trap unreachable:ba']);
  });

  it('a spawned thread moves only after its spawn; writes keep program order', () => {
    const p = prog([w('A'), { op: 'spawn', thread: 1, role: 0 }, { op: 'return' }], [w('1'), w('2')]);
    expect(set(p)).toEqual(['exit 0:A', 'exit 0:A1', 'exit 0:A12']);
  });

  it('an await waits for its flag: the terminator never ends before the sitter parked; a block never moves', () => {
    const p = prog([{ op: 'spawn', thread: 1, role: 0 }, { op: 'await', flag: 0 }, w('t', 2), exit(9)], [w('s'), { op: 'set', flag: 0 }, { op: 'block', how: 'wait' }, w('never')]);
    expect(set(p)).toEqual(['exit 9:s|t']);
  });

  it('a timed sit may end at any point: what follows it races the terminator', () => {
    const p = prog([{ op: 'spawn', thread: 1, role: 0 }, { op: 'await', flag: 0 }, exit(9)], [{ op: 'set', flag: 0 }, { op: 'sit', how: 'poll', ns: 1n }, exit(4)]);
    expect(set(p)).toEqual(['exit 4:', 'exit 9:']);
  });

  it('every live thread blocked with no end is deadlock', () => {
    expect(set(prog([{ op: 'await', flag: 0 }]))).toEqual(['deadlock:']);
  });

  it('assign: main spawns every other role, then plays its own; a main whose role does not end blocks, a spawner blocks or returns', () => {
    const roles: Action[][] = [[w('x')], [exit(1)]];
    expect(assign(roles, 0, 'return').main).toEqual([{ op: 'spawn', thread: 1, role: 1 }, w('x'), { op: 'block', how: 'wait' }]);
    expect(assign(roles, 1, 'return').main).toEqual([{ op: 'spawn', thread: 1, role: 0 }, exit(1)]);
    expect(assign(roles, 5, 'return').main.at(-1)).toEqual({ op: 'return' });
    expect(assign(roles, 5, 'block').main.at(-1)).toEqual({ op: 'block', how: 'wait' });
  });
});

describe('thread-race cases', () => {
  const draw = (i: number): ThreadRaceParams => drawCase(threadRace.arbitrary, 7, 'thread-race', i) as ThreadRaceParams;

  it('state their model’s set on the start step, with both streams exact in every member, and never deadlock', () => {
    for (let i = 0; i < 200; i++) {
      const p = draw(i);
      const c = threadRace.build(p, { seed: 7, path: String(i) });
      const start = c.steps[1]!;
      expect(start.expect.anyOf).toEqual(allowedOutcomes(raceProgram(p)));
      for (const m of start.expect.anyOf!) {
        expect(m.outcome.kind).not.toBe('deadlock');
        expect(typeof m.stdout === 'string' && typeof m.stderr === 'string').toBe(true);
      }
      expect(c.tags!['allowed']).toBe(start.expect.anyOf!.length === 1 ? '1' : start.expect.anyOf!.length === 2 ? '2' : start.expect.anyOf!.length <= 4 ? '3-4' : '5+');
    }
  });

  it('two terminators always have two different ends in their set', () => {
    for (let i = 0; i < 300; i++) {
      const p = draw(i);
      if (p.race !== 'two-terminators') continue;
      const ends = new Set(allowedOutcomes(raceProgram(p)).map((m) => JSON.stringify(m.outcome)));
      expect(ends.size).toBeGreaterThanOrEqual(2);
    }
  });

  it(`emits every value it declares within 600 draws, and only those`, () => {
    const seen: Record<string, Set<string>> = {};
    for (let i = 0; i < 600; i++) for (const [k, v] of Object.entries(threadRace.build(draw(i), { seed: 7, path: String(i) }).tags ?? {})) (seen[k] ??= new Set()).add(v);
    for (const [tag, values] of Object.entries(threadRace.declares)) {
      expect(values.filter((v) => !seen[tag]?.has(v)), `${tag}: declared, never emitted`).toEqual([]);
      expect([...(seen[tag] ?? [])].filter((v) => !values.includes(v)), `${tag}: emitted, not declared`).toEqual([]);
    }
  });
});

describe('thread-race on the reference runtime, threads really in parallel', () => {
  const runtime = createReferenceRuntime();
  afterAll(() => runtime.close());

  it('every observed end lies in the case’s allowed set', async () => {
    const cases: Case[] = Array.from({ length: 16 }, (_, i) => generateCase('thread-race', 3, i)).map((c) => ({ ...c, tags: { ...c.tags, schedule: 'real' } }));
    const observations = await runtime.executeAll(cases);
    const problems = cases.flatMap((c, i) => {
      const v = judge(c, observations[i]!, runtime.profile);
      return v.verdict === 'pass' ? [] : [`${c.id} ${JSON.stringify(c.tags)}: ${v.verdict} ${v.reason ?? ''}`];
    });
    expect(problems).toEqual([]);
  });
});
