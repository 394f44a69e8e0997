/**
 * Invariant 6 of instance-semantics.md §7.4 (the Lunatic link algebra) and process memory
 * isolation, on every generated `isolation` case: the expected end state the generator computes
 * (the closure of the failures over links whose receiver dies with its links, one LinkDied per
 * failed linked peer in each survivor's mailbox, survivors' memory exactly what they wrote) must
 * be what the process host produces. The mutation check runs the same property against a host
 * that forgets to propagate one link death and requires fast-check to report a replayable
 * counterexample (seed + path).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isolation, isolationArbitrary } from '../../generators/isolation.ts';
import type { IsolationParams } from '../../generators/isolation.ts';
import { judge } from '../../src/judge.ts';
import type { ProcessRuntime } from '../../src/runtime/exec.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { createProcessRuntime, processRuntime } from '../../src/runtime/process/runtime.ts';
import { loadReferenceProfile } from '../../src/runtimes/reference.ts';

const profile = loadReferenceProfile();

function holds(runtime: ProcessRuntime, params: IsolationParams, path = 'prop'): boolean {
  const c = isolation.build(params, { seed: 0, path });
  const obs = executeCase({ ...c, lunatic: true }, { processes: runtime });
  const v = judge(c, obs, profile);
  if (v.verdict !== 'pass') throw new Error(`${v.verdict}: ${v.reason ?? ''}`);
  return true;
}

/** The broken host: the first Failure LinkDied of a run is silently dropped. */
function brokenRuntime(): ProcessRuntime {
  return {
    create(c) {
      let dropped = false;
      return createProcessRuntime({
        dropLinkDied: (_from, _to, reason) => {
          if (dropped || reason === 'normal') return false;
          dropped = true;
          return true;
        },
      }).create(c);
    },
  };
}

describe('isolation: link-algebra closure and memory isolation (property)', () => {
  it('holds on every generated case', () => {
    fc.assert(fc.property(isolationArbitrary, (p) => holds(processRuntime, p)), { seed: 6, numRuns: 120 });
  }, 120_000);

  it('catches a host that forgets one link death, with a replayable counterexample', () => {
    const broken = brokenRuntime();
    const prop = fc.property(isolationArbitrary, (p) => holds(broken, p));
    const r = fc.check(prop, { seed: 6, numRuns: 200 });
    expect(r.failed).toBe(true);
    expect(typeof r.seed).toBe('number');
    expect(r.counterexamplePath).toMatch(/^\d+(:\d+)*$/);
    expect(String(r.errorInstance)).toMatch(/process \d+|processes/);
    // the counterexample replays from seed + path alone
    const again = fc.check(prop, { seed: r.seed, path: r.counterexamplePath!, endOnFailure: true });
    expect(again.failed).toBe(true);
    expect(again.counterexample).toEqual(r.counterexample);
    // and the correct host passes on that very counterexample
    expect(holds(processRuntime, r.counterexample![0])).toBe(true);
  }, 120_000);
});
