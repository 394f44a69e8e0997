/**
 * The wasi-threads corpus (corpus/threads/, wasi-testsuite-style cases) passes on the reference
 * runtime in both modes: under the deterministic scheduler (default) and on real threads
 * (`schedule: 'real'`, every spawned thread on a pooled worker), including the issue #13 cases
 * (shared memory under any import name, one clock per process, an end during the start section).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../../src/case.ts';
import { loadCaseFile } from '../../../src/conformance/corpus.ts';
import { judge } from '../../../src/judge.ts';
import { WorkerPool } from '../../../src/runtime/pool.ts';
import { loadReferenceProfile } from '../../../src/runtimes/reference.ts';
import { ROOT } from '../../cli/helpers.ts';

const DIR = join(ROOT, 'corpus', 'threads');
const profile = loadReferenceProfile();
let pool: WorkerPool;
let cases: Case[];
beforeAll(async () => {
  pool = new WorkerPool({ workers: 2 });
  cases = await Promise.all(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => loadCaseFile(join(DIR, f))));
});
afterAll(async () => {
  await pool.close();
});

describe('corpus/threads in both thread modes', () => {
  for (const mode of ['scheduler', 'real'] as const)
    it(`every case passes (${mode})`, async () => {
      expect(cases.map((c) => c.id)).toEqual(expect.arrayContaining(['threads/shared-memory-any-import-name', 'threads/main-timed-wait-ends-before-thread-poll-sleep', 'threads/trap-in-thread-during-start-section', 'threads/exit-in-thread-during-start-section']));
      const run = mode === 'real' ? cases.map((c) => ({ ...c, tags: { ...c.tags, schedule: 'real' } })) : cases;
      const observed = await pool.run(run);
      const verdicts = cases.map((c, i) => `${c.id}: ${judge(c, observed[i]!, profile).verdict} ${JSON.stringify(observed[i]!.steps.map((s) => s.outcome.kind))}`);
      expect(verdicts.filter((v) => !v.includes(': pass '))).toEqual([]);
      // the scheduler reports the schedule it followed; real threads have none
      expect(observed.every((o) => (mode === 'real') === (o.raw?.['schedule'] === undefined))).toBe(true);
    }, 120_000);
});
