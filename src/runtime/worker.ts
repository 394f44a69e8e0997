/**
 * A pooled worker of the reference runtime: runs chunks of cases with the step executor and
 * posts their observations back in one message. Traps are caught here (a trap escaping a
 * worker loses its class). The progress word tells the supervisor which case and step run.
 * A chunk may arrive packed (runtime/packed.ts: cases from a supervisor in another process,
 * which its child's main thread forwarded as bytes).
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Observation } from '../observation.ts';
import type { CallRuntime, ExecOptions, ProcessRuntime, RunnableCase, ThreadRuntime } from './exec.ts';
import { executeCase, executeCaseAsync } from './exec.ts';
import type { SpawnRequest } from './threads/imports.ts';
import { P_CASE, P_JOB, P_STEP, progressView, wallMs } from './progress.ts';
import { unpackCases } from './packed.ts';

// ~80% of a trap round trip is stack capture (feasibility §8): guests never see JS stacks.
Error.stackTraceLimit = 0;

export interface RunMessage {
  type: 'run';
  id: number;
  /** The cases, or the bytes of runtime/packed.ts packCases. */
  cases: RunnableCase[] | Uint8Array;
  /** Prefix re-runs: execute only this many steps of each case. */
  maxSteps?: number;
}
/** A run message with its cases unpacked. */
interface RunJob {
  id: number;
  cases: RunnableCase[];
  maxSteps: number | undefined;
}
/** The supervisor hands this worker one spawned wasm thread of a process (wasi-threads). */
export interface ThreadMessage extends Omit<SpawnRequest, 'type'> {
  type: 'thread';
  token: number;
}
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; observations: Observation[] }
  | SpawnRequest
  | { type: 'thread-done'; token: number };

if (!parentPort) throw new Error('runtime/worker.ts must run in a worker thread');
const port = parentPort;
const { words, times } = progressView((workerData as { progress: SharedArrayBuffer }).progress);
const onStep = (i: number): void => {
  Atomics.store(words, P_STEP, i);
};

// wasi-threads support is loaded on first need: it pulls in binaryen (instrumentation), which the
// single-threaded path never pays for.
let threads: ThreadRuntime | undefined;
let processes: ProcessRuntime | undefined;
let calls: CallRuntime | undefined;
let runThread: ((req: Omit<SpawnRequest, 'type'>, post: (r: SpawnRequest) => void) => void) | undefined;
const post = (r: SpawnRequest): void => port.postMessage(r);
async function loadThreads(): Promise<ThreadRuntime> {
  const { createThreadedProcess } = await withLazyWasm(() => import('./threads/process.ts'));
  return { create: (c) => createThreadedProcess(c, { post }) };
}

/**
 * Loads binaryen-backed support with lazy wasm compilation. The reference children compile wasm
 * eagerly (--no-wasm-lazy-compilation, runtimes/process-pool.ts: cheaper for generated cases),
 * which for binaryen's own large module costs ~0.6 s more CPU at its import (measured), almost
 * all on functions this worker never calls. The flag is process-wide: a case compiled meanwhile
 * is only compiled lazily, which changes timing, never an observation.
 */
async function withLazyWasm<T>(load: () => Promise<T>): Promise<T> {
  if (!process.execArgv.includes('--no-wasm-lazy-compilation')) return load();
  setFlagsFromString('--wasm-lazy-compilation');
  try {
    return await load();
  } finally {
    setFlagsFromString('--no-wasm-lazy-compilation');
  }
}

port.on('message', (m: RunMessage | ThreadMessage) => {
  if (m.type === 'thread') runThreadMessage(m);
  else if (m.type === 'run') {
    const cases = m.cases instanceof Uint8Array ? unpackCases(m.cases) : m.cases;
    prepare({ id: m.id, cases, maxSteps: m.maxSteps });
  }
});

function runThreadMessage(m: ThreadMessage): void {
  if (runThread) {
    runThread(m, post);
    port.postMessage({ type: 'thread-done', token: m.token } satisfies WorkerReply);
  } else
    void import('./threads/thread-worker.ts').then((t) => {
      runThread = t.runThread;
      runThread(m, post);
      port.postMessage({ type: 'thread-done', token: m.token } satisfies WorkerReply);
    });
}

/** Loads what the job's cases need on first need (binaryen-backed hosts), then runs it. */
function prepare(job: RunJob): void {
  if (!processes && job.cases.some((c) => c.lunatic)) {
    // Lunatic processes: loaded on first need (binaryen: fuel + asyncify instrumentation)
    void withLazyWasm(() => import('./process/runtime.ts')).then((p) => {
      processes = p.processRuntime;
      prepare(job);
    });
    return;
  }
  if (!calls && job.cases.some((c) => (c.fuel || c.asyncify) && !c.lunatic)) {
    // fuel / asyncify core cases: instrumentation loaded on first need (binaryen)
    void withLazyWasm(() => import('./calls/instrument.ts')).then((i) => {
      calls = i.callRuntime;
      prepare(job);
    });
    return;
  }
  if (!threads && job.cases.some((c) => c.threads)) {
    void loadThreads().then((t) => {
      threads = t;
      void runJob(job);
    });
    return;
  }
  void runJob(job);
}

/**
 * A threads case is awaited: under the engine's stack switching its threads run in microtasks
 * (src/runtime/threads/sched/jspi-backend.ts); every other case runs synchronously as before.
 */
async function runJob(m: RunJob): Promise<void> {
  const observations: Observation[] = new Array(m.cases.length);
  Atomics.store(words, P_JOB, m.id);
  const options: ExecOptions = m.maxSteps === undefined ? { onStep } : { onStep, maxSteps: m.maxSteps };
  if (threads) options.threads = threads;
  if (processes) options.processes = processes;
  if (calls) options.calls = calls;
  for (let i = 0; i < m.cases.length; i++) {
    times[0] = wallMs();
    Atomics.store(words, P_STEP, 0);
    Atomics.store(words, P_CASE, i);
    const c = m.cases[i]!;
    observations[i] = c.threads ? await executeCaseAsync(c, options) : executeCase(c, options);
  }
  Atomics.store(words, P_CASE, -1);
  port.postMessage({ type: 'done', id: m.id, observations } satisfies WorkerReply);
}
if ((workerData as { role?: string }).role === 'thread') runThread = (await import('./threads/thread-worker.ts')).runThread;
port.postMessage({ type: 'ready' } satisfies WorkerReply);
