/**
 * trapcheck/vitest inside the repo's own suite (the sources, not the package): the tests
 * `conformance()` registers run here, on the reference runtime by name and on a runtime object
 * of our own. pack-install.test.ts checks the failing side through the packed package.
 */
import { afterAll, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { conformance } from '../../src/vitest/index.ts';

conformance({ runtime: 'reference', families: ['wasi-exit', 'controls'], seed: 3, runs: 4 });

const engine = createReferenceRuntime();
let batches = 0;
const counting: Runtime = {
  name: 'counting-host',
  profile: engine.profile,
  capabilities: engine.capabilities,
  version: () => engine.version(),
  executeAll: (cases) => {
    batches++;
    return engine.executeAll(cases);
  },
  close: () => engine.close(),
};
conformance({ runtime: counting, families: ['core-traps'], seed: 3, runs: 4, per: 'case' });

afterAll(() => engine.close());

// registered after the conformance blocks, so it runs after their tests (vitest runs a file's tests in order)
it('ran each per-case test through the user’s runtime object', () => {
  expect(batches).toBe(4);
});
