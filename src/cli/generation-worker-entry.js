// Worker bootstrap for the generation pool: plain JS, registers the TypeScript loader, then loads the TS body.
import '../loader/register.js';

await import('./generation-worker.ts');
