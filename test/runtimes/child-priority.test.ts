/**
 * The reference runtime's children run below the supervisor's priority (src/runtimes/child-priority.ts):
 * every thread of a child, the pool's case worker included, at the supervisor's nice value plus the
 * steps, and none with `childNice: 0`; TRAPCHECK_CHILD_NICE is read as documented.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childNiceSteps, DEFAULT_CHILD_NICE } from '../../src/runtimes/child-priority.ts';
import { ProcessPool } from '../../src/runtimes/process-pool.ts';
import { call, inst, mkCase } from '../runtime/helpers.ts';

const ADD = '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))';
const addCase = mkCase([ADD], [inst(), call('add', [{ type: 'i32', value: '1' }, { type: 'i32', value: '2' }])]);

/** Nice value of every thread of `pid` (field 19 of /proc/PID/task/TID/stat, after the command's closing parenthesis). */
function threadNice(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('children below the supervisor', () => {
  it('reads TRAPCHECK_CHILD_NICE: unset or invalid is the default, 0 turns it off', () => {
    expect(childNiceSteps({})).toBe(DEFAULT_CHILD_NICE);
    expect(childNiceSteps({ TRAPCHECK_CHILD_NICE: '0' })).toBe(0);
    expect(childNiceSteps({ TRAPCHECK_CHILD_NICE: '3' })).toBe(3);
    expect(childNiceSteps({ TRAPCHECK_CHILD_NICE: 'high' })).toBe(DEFAULT_CHILD_NICE);
    expect(childNiceSteps({ TRAPCHECK_CHILD_NICE: '-4' })).toBe(DEFAULT_CHILD_NICE);
  });

  it.skipIf(!existsSync('/proc/self/task'))('every thread of a child, its case worker included, runs `childNice` steps lower; 0 keeps them level', async () => {
    const base = getPriority();
    for (const steps of [4, 0]) {
      const pool = new ProcessPool({ processes: 1, childNice: steps });
      try {
        const [obs] = await pool.run([addCase]); // the case worker exists once a case has run
        expect(obs!.steps[1]!.outcome).toEqual({ kind: 'return', values: [{ type: 'i32', value: '3' }] });
        const [pid] = pool.pids();
        const nice = threadNice(pid!);
        expect(nice.length).toBeGreaterThan(1);
        expect(new Set(nice)).toEqual(new Set([Math.min(19, base + steps)]));
      } finally {
        await pool.close();
      }
    }
  });
});
