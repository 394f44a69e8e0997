/**
 * What the driver's import graph names from `node:fs`, `node:os`, `node:child_process` and
 * `node:worker_threads`, and runtimes/child-generation.ts: the reference runtime's pools and profile loader, which share modules
 * with the driver but never run in it. Each throws if called, so a stray use is a loud crash.
 */
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`gjs driver: ${name} is not available under gjs`);
  };
}

export const readFileSync = unavailable('fs.readFileSync');
export const availableParallelism = unavailable('os.availableParallelism');
export const fork = unavailable('child_process.fork');
export const Worker = unavailable('worker_threads.Worker');
// runtimes/child-generation.ts: reference children generating their own cases
export const loadGeneration = unavailable('child-generation.loadGeneration');
export const runsInChild = unavailable('child-generation.runsInChild');
export const generateAndRun = unavailable('child-generation.generateAndRun');
export default {};
