/**
 * The lazily loaded entry of Lunatic-style processes for the step executor (exec.ts
 * `ProcessRuntime`): the pool worker imports this only when a job holds a `lunatic` case.
 */
import type { ProcessRuntime, RunnableCase } from '../exec.ts';
import type { HostFaults } from './host.ts';
import { ProcessHost } from './host.ts';

export function createProcessRuntime(faults?: HostFaults): ProcessRuntime {
  return { create: (c: RunnableCase) => new ProcessHost(c, undefined, faults) };
}

export const processRuntime: ProcessRuntime = createProcessRuntime();
