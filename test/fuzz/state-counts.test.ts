/**
 * The campaign counts a pass without building its row (src/fuzz/state.ts countResult) and adds
 * a case's `oracle` coverage value without copying its tags: both must leave exactly the state
 * (and key order, which the report prints) that addResult and a tag copy left.
 */
import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../../src/report/report.ts';
import { addCoverage, addResult, countResult, emptyState, keepRow, oracleTag } from '../../src/fuzz/state.ts';

const row = (id: string, verdict: ResultRow['verdict'], extra: Partial<ResultRow> = {}): ResultRow => ({ id, family: 'core-traps', runtime: 'reference', verdict, sha256: 'abc', repro: `replay ${id}`, ...extra });

describe('countResult and keepRow', () => {
  it('a pass counted from its id, family and runtime leaves the state addResult leaves', () => {
    const byRow = emptyState();
    const byCount = emptyState();
    for (const id of ['core-traps/7/0', 'core-traps/7/1']) {
      addResult(byRow, row(id, 'pass'), 0, undefined);
      countResult(byCount, { id, family: 'core-traps', runtime: 'reference', verdict: 'pass' });
    }
    expect(byCount).toEqual(byRow);
    expect(byCount.digest).not.toBe(emptyState().digest);
    expect(byCount.rows).toEqual([]);
  });

  it('a non-pass is counted and kept in its bucket, as addResult does', () => {
    const byRow = emptyState();
    const split = emptyState();
    const r = row('core-traps/7/2', 'skip', { reason: 'unsupported: simd' });
    addResult(byRow, r, 4, undefined);
    countResult(split, r);
    keepRow(split, r, 4, undefined);
    expect(split).toEqual(byRow);
    expect(split.skippedByReason).toEqual({ 'unsupported: simd': 1 });
    expect(split.rows).toEqual([{ ...r, ordinal: 4, bucket: 'reference · skip · unsupported: simd' }]);
  });
});

describe('addCoverage with an oracle value', () => {
  const asCopied = (tags: Record<string, string> | undefined, oracle: string): string => {
    const s = emptyState();
    addCoverage(s, 'f', { ...tags, oracle });
    return JSON.stringify(s.coverage);
  };
  const given = (tags: Record<string, string> | undefined, oracle: string): string => {
    const s = emptyState();
    addCoverage(s, 'f', tags, oracle);
    return JSON.stringify(s.coverage);
  };

  it('counts it after the tags, as a copy with the tag added would', () => {
    expect(given({ trap: 'x', site: 'y' }, 'invoke→trap')).toBe(asCopied({ trap: 'x', site: 'y' }, 'invoke→trap'));
    expect(JSON.parse(given({ trap: 'x' }, 'invoke→trap'))).toEqual({ f: { trap: { x: 1 }, oracle: { 'invoke→trap': 1 } } });
  });

  it('replaces a tag named oracle in its place, and counts it for a case without tags', () => {
    expect(given({ oracle: 'old', trap: 'x' }, 'new')).toBe(asCopied({ oracle: 'old', trap: 'x' }, 'new'));
    expect(JSON.parse(given({ oracle: 'old', trap: 'x' }, 'new'))).toEqual({ f: { oracle: { new: 1 }, trap: { x: 1 } } });
    expect(given(undefined, 'get→state')).toBe(asCopied(undefined, 'get→state'));
  });
});

describe('oracleTag edges', () => {
  const step = (op: string, kind?: string) => ({ op, expect: kind ? { outcome: { kind } } : {} });
  it('is empty for no steps and closes a run at the end', () => {
    expect(oracleTag({ steps: [] } as never)).toBe('');
    expect(oracleTag({ steps: [step('invoke', 'trap'), step('get'), step('get'), step('get')] } as never)).toBe('invoke→trap get→state×3');
  });
});
