/**
 * One step's wizer process, read back: the module bytes an instance is at go in, and out comes
 * either the snapshot (the init function returned) or how the run ended (trap, exit, host error,
 * refusal, timeout, crash), with the guest's stdout / stderr bytes split from wizer's report.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../../outcome.ts';
import type { FailurePhase } from './wizer-output.ts';
import { classifyReport, splitStderr } from './wizer-output.ts';
import type { WizerInvocation } from './wizer-process.ts';
import { runWizer } from './wizer-process.ts';
import type { Snapshot } from './wizer-snapshot.ts';
import { readSnapshot } from './wizer-snapshot.ts';

/** One step's run: wizer's invocation, with the module as bytes written under `dir` (input and output files are this file's business). */
export type StepRunInput = Omit<WizerInvocation, 'input' | 'output'> & { dir: string; bytes: Uint8Array };

export type StepRunResult =
  | { kind: 'returned'; bytes: Uint8Array; snapshot: Snapshot }
  /** Guest code ended the run (trap, exit, WASI host error); no snapshot. */
  | { kind: 'ended'; phase: FailurePhase; outcome: Outcome }
  /** wizer refused before guest code ran (unsupported, rejected, an adapter mistake). */
  | { kind: 'refused'; outcome: Outcome }
  /** The watchdog fired or the process died: the case stops here. */
  | { kind: 'lost'; outcome: Outcome };

export interface StepRun {
  result: StepRunResult;
  stdout: Buffer;
  stderr: Buffer;
  /** wizer's own report and status, for the observation's raw record. */
  report: string;
  code: number | null;
}

let counter = 0;

export async function runStep(input: StepRunInput): Promise<StepRun> {
  const n = counter++;
  const inFile = join(input.dir, `in-${n}.wasm`);
  const outFile = join(input.dir, `out-${n}.wasm`);
  writeFileSync(inFile, input.bytes);
  try {
    const invocation = { binary: input.binary, input: inFile, output: outFile, initFunc: input.initFunc, wasi: input.wasi, budgetMs: input.budgetMs, graceMs: input.graceMs };
    const r = await runWizer({
      ...invocation,
      ...(input.env !== undefined ? { env: input.env } : {}),
      ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
      ...(input.stdinOpen ? { stdinOpen: true } : {}),
    });
    const failed = r.code !== 0;
    const { guest, report } = splitStderr(r.stderr, input.initFunc, failed);
    const base = { stdout: r.stdout, stderr: guest, report, code: r.code };
    if (r.timedOut) return { ...base, result: { kind: 'lost', outcome: { kind: 'timeout', budgetMs: input.budgetMs } } };
    if (r.signal) return { ...base, result: { kind: 'lost', outcome: { kind: 'crash', detail: `wizer died of ${r.signal}` } } };
    if (failed) {
      const verdict = classifyReport(report, input.initFunc);
      return { ...base, result: verdict.kind === 'ended' ? verdict : { kind: 'refused', outcome: verdict.outcome } };
    }
    if (!existsSync(outFile)) return { ...base, result: { kind: 'lost', outcome: { kind: 'crash', detail: 'wizer exited 0 without writing a snapshot' } } };
    const bytes = new Uint8Array(readFileSync(outFile));
    try {
      return { ...base, result: { kind: 'returned', bytes, snapshot: readSnapshot(bytes) } };
    } catch (e) {
      return { ...base, result: { kind: 'lost', outcome: { kind: 'crash', detail: `unreadable wizer snapshot: ${(e as Error).message}` } } };
    }
  } finally {
    rmSync(inFile, { force: true });
    rmSync(outFile, { force: true });
  }
}
