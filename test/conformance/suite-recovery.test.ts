/**
 * A runtime that throws costs only the cases it throws on: they get a `crash` observation (a
 * fail verdict naming the error), every other case its own verdict, and the run goes on.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';

const emptyModule = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

function makeCase(id: string): Case {
  return { id, family: 'controls', features: [], modules: [{ bytes: emptyModule }], steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }], provenance: { kind: 'hand-written', note: 'recovery test' } };
}

/** Returns `return` for every case, but throws whenever its batch holds a case named `boom*`. */
function throwingRuntime(calls: string[][]): Runtime {
  return {
    name: 'throws',
    profile: loadProfile('reference'),
    capabilities: { steps: new Set(['instantiate']), features: new Set() },
    version: () => Promise.resolve('1'),
    executeAll: (cases) => {
      calls.push(cases.map((c) => c.id));
      if (cases.some((c) => c.id.startsWith('boom'))) return Promise.reject(new Error('driver died'));
      return Promise.resolve(cases.map((): Observation => ({ steps: [{ outcome: { kind: 'return', values: [] } }], stdout: '', stderr: '' })));
    },
    close: () => Promise.resolve(),
  };
}

describe('suite crash recovery', () => {
  it('a throwing runtime yields crash verdicts for its cases only and the run completes', async () => {
    const calls: string[][] = [];
    const cases = ['a', 'boom', 'b', 'c'].map(makeCase);
    const results = await runSuite(cases, [throwingRuntime(calls)]);
    expect(results.map((r) => [r.case.id, r.verdict.verdict])).toEqual([
      ['a', 'pass'],
      ['boom', 'fail'],
      ['b', 'pass'],
      ['c', 'pass'],
    ]);
    expect(results[1]!.verdict.observed).toMatch(/crash/);
    expect(results[1]!.observation?.steps[0]?.outcome).toEqual({ kind: 'crash', detail: 'runtime failed: driver died' });
    // the whole batch first, then case by case
    expect(calls).toEqual([['a', 'boom', 'b', 'c'], ['a'], ['boom'], ['b'], ['c']]);
  });
});
