/**
 * How the pool starts a worker thread, case worker or thread worker alike: the same entry, heap
 * limit and stack size, and stdio not piped (a worker's output is captured inside it, and piping
 * would keep the supervisor busy with streams it never reads).
 */
import { Worker } from 'node:worker_threads';

export interface WorkerSettings {
  /** The worker entry (plain JS that loads runtime/worker.ts). */
  url: URL;
  /** V8 heap limit in MB: a runaway worker dies alone. */
  heapMb: number;
  /** Stack size in MB. */
  stackMb: number;
}

export function startWorker(settings: WorkerSettings, workerData: Record<string, unknown>): Worker {
  return new Worker(settings.url, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: settings.heapMb, stackSizeMb: settings.stackMb },
    stdout: false,
    stderr: false,
  });
}
