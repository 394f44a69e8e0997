/**
 * runSuite hands results on in case order even when a later chunk finishes first (a slow batch
 * on one runtime): the CLI builds report.json from `onResult` as results arrive, so arrival order
 * is the report's row order. With `collect: false` it returns nothing: only `onResult` sees them.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';

const emptyModule = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

function makeCase(id: string): Case {
  return { id, family: 'controls', features: [], modules: [{ bytes: emptyModule }], steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }], provenance: { kind: 'hand-written', note: 'order test' } };
}

const returned = (): Observation => ({ steps: [{ outcome: { kind: 'return', values: [] } }], stdout: '', stderr: '' });

/** The first batch it is given settles only after the second one has settled. */
function slowFirstBatch(name: string, settled: string[]): Runtime {
  let batches = 0;
  let releaseFirst: (() => void) | undefined;
  return {
    name,
    profile: loadProfile('reference'),
    capabilities: { steps: new Set(['instantiate']), features: new Set() },
    version: () => Promise.resolve('1'),
    executeAll: async (cases) => {
      const n = batches++;
      if (n === 0) await new Promise<void>((resolve) => (releaseFirst = resolve));
      else releaseFirst?.();
      settled.push(`${name}:${cases[0]?.id}`);
      return cases.map(returned);
    },
    close: () => Promise.resolve(),
  };
}

describe('runSuite result order', () => {
  it('calls onResult in case order, runtimes interleaved, though the second chunk finished first', async () => {
    const settled: string[] = [];
    const cases = ['a', 'b', 'c', 'd', 'e'].map(makeCase);
    const seen: string[] = [];
    const returnedResults = await runSuite(cases, [slowFirstBatch('x', settled), slowFirstBatch('y', settled)], {
      chunkSize: 2,
      collect: false,
      onResult: (r) => seen.push(`${r.case.id}@${r.runtime}`),
    });
    // the premise: chunk [c, d] settled before chunk [a, b] on both runtimes
    expect(settled.indexOf('x:c')).toBeLessThan(settled.indexOf('x:a'));
    expect(seen).toEqual(['a@x', 'a@y', 'b@x', 'b@y', 'c@x', 'c@y', 'd@x', 'd@y', 'e@x', 'e@y']);
    expect(returnedResults).toEqual([]);
  });

  it('returns every result, in the order onResult saw them, by default', async () => {
    const seen: string[] = [];
    const results = await runSuite(['a', 'b', 'c'].map(makeCase), [slowFirstBatch('x', [])], { chunkSize: 1, onResult: (r) => seen.push(r.case.id) });
    expect(results.map((r) => r.case.id)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});
