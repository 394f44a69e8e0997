/**
 * One child process of the process-sharded reference runtime (runtimes/process-pool.ts): today's
 * in-process reference runtime (a WorkerPool with its watchdog, wasi-threads and lunatic support)
 * serving whole batches of cases over the IPC channel (`serialization: 'advanced'`). The parent
 * owns scheduling and crash recovery; this side only runs batches. Batches arrive packed
 * (runtime/packed.ts): this thread hands the bytes to a worker without rebuilding the cases.
 */
import type { Observation } from '../observation.ts';
import type { PoolCase, PoolOptions } from '../runtime/pool.ts';
import { WorkerPool } from '../runtime/pool.ts';
import type { PackedCases } from '../runtime/packed.ts';
import { unpackChunk } from '../runtime/packed.ts';
import { lowerOwnPriority } from './child-priority.ts';

/** Parent → child. */
export type ToChild = { t: 'run'; id: number; cases: PackedCases };
/** Child → parent. */
export type FromChild =
  | { t: 'ready' }
  /** The batch arrived and runs: from now on, this child's death is the batch's doing or an outsider's. */
  | { t: 'started'; id: number }
  | { t: 'done'; id: number; observations: Observation[] }
  | { t: 'error'; id: number; message: string };

/** Pool options as they cross the process boundary (argv[2], JSON): the worker entry as an href. */
export interface ChildPoolOptions extends Omit<PoolOptions, 'workerUrl'> {
  workerUrl?: string;
  /** Nice steps below the supervisor, taken before the pool starts its threads (./child-priority.ts). */
  nice?: number;
}

export interface ChildHooks {
  /** Called with each batch before it runs (tests inject faults here). */
  onBatch?: (cases: readonly PoolCase[]) => void;
}

export function serve(hooks: ChildHooks = {}): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('runtimes/reference-child.ts must run in a forked process with an IPC channel');
  const raw = JSON.parse(process.argv[2] ?? '{}') as ChildPoolOptions;
  const { workerUrl, nice, ...rest } = raw;
  if (nice) lowerOwnPriority(nice);
  const options: PoolOptions = workerUrl === undefined ? rest : { ...rest, workerUrl: new URL(workerUrl) };
  const pool = new WorkerPool(options);
  const reply = (m: FromChild): void => {
    send(m, undefined, undefined, () => undefined); // a send after the parent left is moot
  };
  process.on('message', (m: ToChild) => {
    if (m.t !== 'run') return;
    reply({ t: 'started', id: m.id });
    if (hooks.onBatch) hooks.onBatch(unpackChunk<PoolCase>(m.cases));
    pool.runPacked(m.cases).then(
      (observations) => reply({ t: 'done', id: m.id, observations }),
      (e: unknown) => reply({ t: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
    );
  });
  // The parent closed the channel (close(), or it exited without closing): nothing more to serve.
  process.on('disconnect', () => {
    void pool.close().finally(() => process.exit(0));
  });
  reply({ t: 'ready' });
}
