/**
 * The suite runner: cases × runtimes → one judged result per (case, runtime). Cases arrive
 * lazily (generation is synchronous on this thread), so the runner keeps one chunk executing in
 * the worker pool while it generates the next: generation and execution overlap. Each chunk
 * goes through the one pipeline (src/pipeline/judge-cases.ts): skip, execute with crash
 * recovery, judge.
 */
import type { Case } from '../case.ts';
import type { RecoveringTarget } from '../pipeline/recovering.ts';
import { judgeCases, recoveringTarget } from '../pipeline/judge-cases.ts';
import type { CaseResult } from '../result.ts';
import { moduleSha256 } from '../result.ts';
import type { Runtime } from '../runtimes/adapter.ts';

export type { CaseResult } from '../result.ts';
export { moduleSha256 } from '../result.ts';

/** A runtime, or a slot that can restart its runtime after a harness failure (src/pipeline/runtime-slot.ts). */
export type SuiteRuntime = Runtime | RecoveringTarget;

export interface SuiteOptions {
  /** Cases per chunk handed to a runtime at once. */
  chunkSize?: number;
  /** Each result, in case order (runtimes interleaved per case), once its chunk is done. */
  onResult?: (result: CaseResult) => void;
  /**
   * Whether runSuite returns every result (default). `false`: it returns none and `onResult` is
   * the only consumer, so a long run need not hold every case, module and observation until the end.
   */
  collect?: boolean;
}

async function runChunk(chunk: readonly Case[], targets: readonly RecoveringTarget[]): Promise<CaseResult[]> {
  const shas = chunk.map(moduleSha256);
  const perRuntime = await Promise.all(
    targets.map(async (target) => {
      const judged = await judgeCases(target, chunk);
      const name = target.runtime().name;
      return judged.map(({ verdict, observation }, i): CaseResult => {
        const result: CaseResult = { case: chunk[i]!, runtime: name, sha256: shas[i]!, verdict };
        // a scheduled threads case keeps its observation: --schedules folds the outcomes of its schedules
        const schedule = observation?.raw?.['schedule'];
        if (observation && (verdict.verdict !== 'pass' || schedule !== undefined)) result.observation = observation;
        if (typeof schedule === 'string') result.schedule = schedule;
        return result;
      });
    }),
  );
  // Case order, runtimes interleaved per case, so output is stable.
  const ordered: CaseResult[] = [];
  for (let i = 0; i < chunk.length; i++) for (const results of perRuntime) ordered.push(results[i]!);
  return ordered;
}

/** Runs every case on every runtime; results come back (and reach `onResult`) in case order. */
export async function runSuite(cases: Iterable<Case> | AsyncIterable<Case>, runtimes: readonly SuiteRuntime[], options: SuiteOptions = {}): Promise<CaseResult[]> {
  const chunkSize = options.chunkSize ?? 256;
  const targets = runtimes.map(recoveringTarget);
  const all: CaseResult[] = [];
  // a chunk can finish before the one ahead of it: results are handed on as chunks are awaited, in order
  const keep = (results: CaseResult[]): void => {
    for (const r of results) {
      options.onResult?.(r);
      if (options.collect !== false) all.push(r);
    }
  };
  let inFlight: Promise<CaseResult[]> | undefined;
  let chunk: Case[] = [];
  for await (const c of cases) {
    chunk.push(c);
    if (chunk.length < chunkSize) continue;
    const started = runChunk(chunk, targets);
    if (inFlight) keep(await inFlight);
    inFlight = started;
    chunk = [];
  }
  if (chunk.length) {
    const started = runChunk(chunk, targets);
    if (inFlight) keep(await inFlight);
    inFlight = started;
  }
  if (inFlight) keep(await inFlight);
  return all;
}
