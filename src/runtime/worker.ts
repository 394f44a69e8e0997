/**
 * A pooled worker of the reference runtime: runs chunks of cases with the step executor and
 * posts their observations back in one message. Traps are caught here (a trap escaping a
 * worker loses its class). The progress word tells the supervisor which case and step run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Observation } from '../observation.ts';
import type { RunnableCase } from './exec.ts';
import { executeCase } from './exec.ts';
import { P_CASE, P_JOB, P_STEP, progressView, wallMs } from './progress.ts';

// ~80% of a trap round trip is stack capture (feasibility §8): guests never see JS stacks.
Error.stackTraceLimit = 0;

export interface RunMessage {
  type: 'run';
  id: number;
  cases: RunnableCase[];
  /** Prefix re-runs: execute only this many steps of each case. */
  maxSteps?: number;
}
export type WorkerReply = { type: 'ready' } | { type: 'done'; id: number; observations: Observation[] };

const port = parentPort;
if (!port) throw new Error('runtime/worker.ts must run in a worker thread');
const { words, times } = progressView((workerData as { progress: SharedArrayBuffer }).progress);
const onStep = (i: number): void => {
  Atomics.store(words, P_STEP, i);
};

port.on('message', (m: RunMessage) => {
  if (m.type !== 'run') return;
  const observations: Observation[] = new Array(m.cases.length);
  Atomics.store(words, P_JOB, m.id);
  const options = m.maxSteps === undefined ? { onStep } : { onStep, maxSteps: m.maxSteps };
  for (let i = 0; i < m.cases.length; i++) {
    times[0] = wallMs();
    Atomics.store(words, P_STEP, 0);
    Atomics.store(words, P_CASE, i);
    observations[i] = executeCase(m.cases[i]!, options);
  }
  Atomics.store(words, P_CASE, -1);
  port.postMessage({ type: 'done', id: m.id, observations } satisfies WorkerReply);
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
