import { defineConfig } from 'vitest/config';

// Tests spawn worker_threads themselves (the reference runtime's pool), so vitest's own
// parallelism is capped to leave cores for them on the 2-core CI machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
