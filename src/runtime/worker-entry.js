// Worker bootstrap for the reference runtime's pool. It must be plain JS: a worker does not
// inherit the parent's TypeScript loader (the CLI's and vitest's loaders are per-thread), so
// it registers our TypeScript loader itself, then loads the TypeScript worker body.
import '../loader/register.js';

await import('./worker.ts');
