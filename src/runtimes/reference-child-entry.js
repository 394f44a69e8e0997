// Child-process bootstrap of the process-sharded reference runtime (runtimes/process-pool.ts).
// Plain JS: a forked process does not inherit the parent's TypeScript loader, so it registers
// trapcheck's loader itself, then loads the TypeScript body and serves batches over IPC.
import '../loader/register.js';

const { serve } = await import('./reference-child.ts');
serve();
