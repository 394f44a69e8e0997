/**
 * The suite runner: cases × runtimes → one judged result per (case, runtime). Cases arrive
 * lazily (generation is synchronous on this thread), so the runner keeps one chunk executing in
 * the worker pool while it generates the next: generation and execution overlap.
 */
import { createHash } from 'node:crypto';
import type { Case } from '../case.ts';
import type { Verdict } from '../judge.ts';
import { judge } from '../judge.ts';
import type { Observation } from '../observation.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { missingCapability } from '../runtimes/adapter.ts';
import { executeRecovering } from '../runtimes/recovering.ts';
import { withFreshPreopens } from './wasi-preopens.ts';

export interface CaseResult {
  case: Case;
  runtime: string;
  verdict: Verdict;
  /** sha256 of the case's first module, hex. */
  sha256: string;
  /** Present for non-pass verdicts: what the runtime reported, for repro bundles. */
  observation?: Observation;
}

export interface SuiteOptions {
  /** Cases per chunk handed to a runtime at once. */
  chunkSize?: number;
  onResult?: (result: CaseResult) => void;
}

export function moduleSha256(c: Case): string {
  const bytes = c.modules[0]?.bytes;
  return bytes ? createHash('sha256').update(bytes).digest('hex') : '';
}

async function runChunk(chunk: readonly Case[], runtimes: readonly Runtime[], options: SuiteOptions): Promise<CaseResult[]> {
  const shas = chunk.map(moduleSha256);
  const perRuntime = await Promise.all(
    runtimes.map(async (runtime) => {
      const runnable: Case[] = [];
      const results: Array<CaseResult | undefined> = chunk.map((c, i) => {
        const missing = missingCapability(c, runtime.capabilities);
        if (missing === undefined) {
          runnable.push(c);
          return undefined;
        }
        return { case: c, runtime: runtime.name, sha256: shas[i]!, verdict: { verdict: 'skip', reason: `unsupported: ${missing}` } };
      });
      // a runtime that throws costs its cases a `crash` verdict, never the run
      // preopened directories: a fresh copy per case and attempt, never the user's folder (wasi-preopens.ts)
      const observations = await executeRecovering({ runtime: () => withFreshPreopens(runtime) }, runnable);
      let next = 0;
      return results.map((r, i): CaseResult => {
        if (r) return r;
        const c = chunk[i]!;
        const observation = observations[next++]!;
        const verdict = judge(c, observation, runtime.profile);
        const result: CaseResult = { case: c, runtime: runtime.name, sha256: shas[i]!, verdict };
        if (verdict.verdict !== 'pass') result.observation = observation;
        return result;
      });
    }),
  );
  // Report in case order, runtimes interleaved per case, so output is stable.
  const ordered: CaseResult[] = [];
  for (let i = 0; i < chunk.length; i++)
    for (const results of perRuntime) {
      const r = results[i]!;
      options.onResult?.(r);
      ordered.push(r);
    }
  return ordered;
}

/** Runs every case on every runtime; results come back in case order. */
export async function runSuite(cases: Iterable<Case> | AsyncIterable<Case>, runtimes: readonly Runtime[], options: SuiteOptions = {}): Promise<CaseResult[]> {
  const chunkSize = options.chunkSize ?? 256;
  const all: CaseResult[] = [];
  let inFlight: Promise<CaseResult[]> | undefined;
  let chunk: Case[] = [];
  for await (const c of cases) {
    chunk.push(c);
    if (chunk.length < chunkSize) continue;
    const started = runChunk(chunk, runtimes, options);
    if (inFlight) all.push(...(await inFlight));
    inFlight = started;
    chunk = [];
  }
  if (chunk.length) {
    const started = runChunk(chunk, runtimes, options);
    if (inFlight) all.push(...(await inFlight));
    inFlight = started;
  }
  if (inFlight) all.push(...(await inFlight));
  return all;
}
