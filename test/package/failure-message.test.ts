import { describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import type { CaseResult } from '../../src/result.ts';
import { failureMessage } from '../../src/vitest/failure-message.ts';

function failed(index: number, runtime: string): CaseResult {
  const c = generateCase('wasi-exit', 9, index);
  return { case: c, runtime, sha256: '', verdict: { verdict: 'fail', step: 1, expected: 'exit 3', observed: 'exit 0', reason: 'expected exit 3, observed exit 0' } };
}

describe('the failure message of a conformance test', () => {
  it('gives each case its expected and observed outcome, the CLI replay on the registry runtime, and the in-test replay', () => {
    const message = failureMessage([failed(4, 'iwasm@2.4.5')], { family: 'wasi-exit', seed: 9, total: 10, runtimeName: 'iwasm@2.4.5', registrySpec: 'iwasm@2.4.5', maxShown: 5 });
    expect(message.split('\n')).toEqual([
      '1 of 10 wasi-exit cases failed on iwasm@2.4.5 (seed 9)',
      '',
      'FAIL wasi-exit/9/4 on iwasm@2.4.5 (step 1)',
      '  expected: exit 3',
      '  observed: exit 0',
      '  replay:   npx trapcheck replay --family wasi-exit --seed 9 --path 4 --runtime iwasm@2.4.5',
      '  in vitest: conformance({ runtime, families: ["wasi-exit"], seed: 9, path: "4" })',
      'Hint: keep the seed to see the same cases again; `path` runs one of them alone.',
    ]);
  });

  it('replays a user’s own runtime’s failures on the reference runtime, lists at most maxShown and counts the rest', () => {
    const results = [0, 1, 2].map((i) => failed(i, 'my-host'));
    results[1]!.verdict.reason = 'stdout differs';
    const message = failureMessage(results, { family: 'wasi-exit', seed: 9, total: 3, runtimeName: 'my-host', maxShown: 2, bundlesUnder: '/tmp/x/repro/' });
    expect(message).toContain('  replay:   npx trapcheck replay --family wasi-exit --seed 9 --path 0   (on the reference runtime)');
    expect(message).toContain('  observed: exit 0\n  reason:   stdout differs\n');
    expect(message).not.toContain('wasi-exit/9/2');
    expect(message).toContain('… and 1 more (raise maxFailuresShown to list them)\nRepro bundles: /tmp/x/repro/');
  });
});
