import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpec } from '../../src/conformance/wast/index.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

// trapcheck's own .wast scripts (spec-tests/README.md): every assertion passes on the reference
// runtime, or is `imprecise` where V8 11 reports one message for two trap kinds.
let runtime: Runtime;
beforeAll(() => {
  runtime = createReferenceRuntime({ workers: 2 });
});
afterAll(async () => {
  await runtime.close();
});

describe('spec-tests/*.wast on the reference runtime', () => {
  it('has no failure, no skip and no broken command', async () => {
    const r = await runSpec(['spec-tests'], runtime);
    expect(r.files.map((f) => f.file)).toEqual([
      'spec-tests/call-stack.wast',
      'spec-tests/int-traps.wast',
      'spec-tests/table-elements.wast',
      'spec-tests/trap-depth.wast',
      'spec-tests/trap-state.wast',
    ]);
    const bad = r.files.flatMap((f) => f.results.filter((a) => a.verdict !== 'pass' && a.verdict !== 'imprecise').map((a) => `${a.at}: ${a.verdict}: ${a.reason}`));
    expect(bad).toEqual([]);
    expect(r.files.flatMap((f) => f.commands)).toEqual([]);
    expect(r.summary.assertions).toBeGreaterThan(100);
    // imprecision comes only from kinds the engine folds together, never from a wrong kind
    for (const f of r.files)
      for (const a of f.results.filter((x) => x.verdict === 'imprecise')) expect(a.reason).toMatch(/reports one message for/);
  });

  it('the state a trap leaves behind is checked, not assumed', async () => {
    const r = await runSpec(['spec-tests/trap-state.wast'], runtime);
    const f = r.files[0]!;
    expect(f.failed).toBe(0);
    expect(f.passed).toBe(f.assertions);
  });
});
