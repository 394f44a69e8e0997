/**
 * What the driver's import graph names from `node:fs`, `node:os`, `node:child_process` and
 * `node:worker_threads`: the reference runtime's pools and profile loader, which share modules
 * with the driver but never run in it. Each throws if called, so a stray use is a loud crash.
 */
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`gjs driver: ${name} is not available under gjs`);
  };
}

export const readFileSync = unavailable('fs.readFileSync');
export const readdirSync = unavailable('fs.readdirSync');
export const availableParallelism = unavailable('os.availableParallelism');
export const getPriority = unavailable('os.getPriority');
export const setPriority = unavailable('os.setPriority');
export const fork = unavailable('child_process.fork');
export const Worker = unavailable('worker_threads.Worker');
export default {};
