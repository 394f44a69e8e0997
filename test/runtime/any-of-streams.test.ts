/**
 * A racing step that is not the case's last is judged on its streams too: the runtime captures
 * them when a member of its allowed set states one, not only when the step states `stdout` itself.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/judge.ts';
import type { Profile } from '../../src/profile.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { call, inst, mkCase, wasiWriteExit } from './helpers.ts';

const P: Profile = { runtime: 'reference', versions: 'any', exitCodes: { trap: 1, exit: 'raw' }, instanceAfterTrap: 'usable', knownDivergences: [], sources: [] };

describe('anyOf on a step before the last', () => {
  const module = wasiWriteExit('hi\n', undefined);
  const caseWith = (firstStdout: string) =>
    mkCase(
      [module],
      [
        inst({ outcome: { kind: 'return' } }),
        call('_start', [], { anyOf: [{ outcome: { kind: 'trap', trap: 'unreachable' }, stdout: '' }, { outcome: { kind: 'return' }, stdout: firstStdout }] }),
        call('_start', [], { outcome: { kind: 'return' }, stdout: 'hi\nhi\n' }),
      ],
      { features: ['wasi'] },
    );

  it('captures the step’s stdout and passes when a member matches it', () => {
    const c = caseWith('hi\n');
    const observation = executeCase(c);
    expect(observation.steps[1]!.stdout).toBe('hi\n');
    expect(judge(c, observation, P).verdict).toBe('pass');
  });

  it('fails when no member’s stream matches what the step wrote', () => {
    const c = caseWith('bye\n');
    expect(judge(c, executeCase(c), P).verdict).toBe('fail');
  });
});
