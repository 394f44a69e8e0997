/**
 * Generation off the main thread. Building a core-traps case costs ~160 µs (binaryen build,
 * validate and emit in a reused binaryen module, src/wasm/module-reuse.ts), of the order of
 * executing it, so on the main thread generation alone would cap a run at ~6,000 cases/s and
 * delay every verdict. The pool spreads it over every core (each worker thread has its own
 * binaryen instance and reused module) and hands cases back in job order, so a run's case
 * sequence (and its report) is identical to inline generation.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Case } from '../case.ts';
import { unpackChunk } from '../runtime/packed.ts';

export type GenerationJob = readonly [family: string, seed: number, index: number];

export interface GenerationRequest {
  id: number;
  jobs: GenerationJob[];
}

/** The cases of a request as `packCases` packs them (budgets beside the bytes: Infinity is no JSON), or the generator's error. */
export type GenerationReply =
  | { id: number; packed: Uint8Array; timeouts: Array<number | undefined>; error?: undefined }
  | { id: number; error: string; packed?: undefined };

const ENTRY = new URL('./generation-worker-entry.js', import.meta.url);

export interface GenerationPoolOptions {
  workers?: number;
  /** Jobs per request: large enough to amortise messaging, small enough to start execution early. */
  chunk?: number;
}

export class GenerationPool {
  private readonly workers: Worker[];
  private readonly chunk: number;
  private readonly pending = new Map<number, { resolve: (cases: Case[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private next = 0;

  constructor(options: GenerationPoolOptions = {}) {
    this.chunk = options.chunk ?? 32;
    // A quarter of the cores: generation is ~25–30% of a case's CPU, one warm worker (~330 µs a
    // case) keeps two execution children busy, and every extra worker pays binaryen's JIT warm-up
    // again (a worker's first 1,000 cases cost 3–5× its 10,000th). Measured on 2 cores, session 7:
    // one worker instead of two gave 1.4–1.9× fuzz cases/s (README "Measured").
    this.workers = Array.from({ length: Math.max(1, options.workers ?? Math.ceil(availableParallelism() / 4)) }, () => {
      const w = new Worker(ENTRY);
      w.on('message', (reply: GenerationReply) => this.settle(reply));
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => {
        if (code !== 0 && this.pending.size) this.failAll(new Error(`generation worker exited with code ${code}`));
      });
      return w;
    });
  }

  private settle(reply: GenerationReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.error !== undefined) p.reject(new Error(`generation failed: ${reply.error}`));
    else p.resolve(unpackChunk<Case>({ bytes: reply.packed, timeouts: reply.timeouts, threads: false }));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private request(jobs: GenerationJob[]): Promise<Case[]> {
    const id = this.nextId++;
    const worker = this.workers[this.next++ % this.workers.length]!;
    const promise = new Promise<Case[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, jobs } satisfies GenerationRequest);
    });
    // Awaited later, in order; until then a rejection must not count as unhandled.
    promise.catch(() => undefined);
    return promise;
  }

  /** Cases for `jobs`, in job order, with a bounded number of requests in flight. */
  async *generate(jobs: Iterable<GenerationJob>): AsyncGenerator<Case> {
    const inFlight: Array<Promise<Case[]>> = [];
    // Enough requests ahead to cover a whole suite chunk (256 cases) plus one per worker, so the
    // runtime never waits for generation while the suite runner is collecting its next chunk.
    const lookahead = Math.ceil(256 / this.chunk) + this.workers.length;
    let batch: GenerationJob[] = [];
    for (const job of jobs) {
      batch.push(job);
      if (batch.length < this.chunk) continue;
      inFlight.push(this.request(batch));
      batch = [];
      if (inFlight.length >= lookahead) yield* await inFlight.shift()!;
    }
    if (batch.length) inFlight.push(this.request(batch));
    while (inFlight.length) yield* await inFlight.shift()!;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
