/**
 * The message of a failed conformance test, in fast-check's layers: a headline, then each failed
 * case with its expected and observed outcome and the lines that replay it, then a hint. The
 * replay lines name the case by (family, seed, path), so they rebuild the exact bytes anywhere.
 */
import type { Case } from '../case.ts';
import { replayCommand } from '../replay-token.ts';
import type { CaseResult } from '../result.ts';

export interface FailureContext {
  family: string;
  seed: number;
  /** Cases the test ran (failed or not). */
  total: number;
  runtimeName: string;
  /** The registry name the runtime was created from; absent for a user's own runtime object or factory. */
  registrySpec?: string;
  maxShown: number;
  /** Where the repro bundles went, when written. */
  bundlesUnder?: string;
}

function casePath(c: Case): string | undefined {
  return c.provenance.kind === 'generator' ? c.provenance.path : undefined;
}

/** The `conformance()` call that re-runs one case in the user's own test file. */
export function conformanceReplay(family: string, seed: number, path: string): string {
  return `conformance({ runtime, families: [${JSON.stringify(family)}], seed: ${seed}, path: ${JSON.stringify(path)} })`;
}

function describeFailure(r: CaseResult, ctx: FailureContext): string[] {
  const v = r.verdict;
  const lines = [`FAIL ${r.case.id} on ${r.runtime}${v.step !== undefined ? ` (step ${v.step})` : ''}`];
  if (v.expected !== undefined) lines.push(`  expected: ${v.expected}`);
  if (v.observed !== undefined) lines.push(`  observed: ${v.observed}`);
  if (v.reason !== undefined && v.reason !== `expected ${v.expected}, observed ${v.observed}`) lines.push(`  reason:   ${v.reason}`);
  // a runtime of the user's own cannot be named on the command line: the CLI line then replays the
  // case on the reference runtime, which shows what the expectation is built from
  if (ctx.registrySpec !== undefined) lines.push(`  replay:   ${replayCommand(r.case, ctx.registrySpec)}`);
  else lines.push(`  replay:   ${replayCommand(r.case, 'reference')}   (on the reference runtime)`);
  const path = casePath(r.case);
  if (path !== undefined) lines.push(`  in vitest: ${conformanceReplay(ctx.family, ctx.seed, path)}`);
  return lines;
}

export function failureMessage(failures: readonly CaseResult[], ctx: FailureContext): string {
  const shown = failures.slice(0, ctx.maxShown);
  const lines = [`${failures.length} of ${ctx.total} ${ctx.family} cases failed on ${ctx.runtimeName} (seed ${ctx.seed})`, ''];
  for (const r of shown) lines.push(...describeFailure(r, ctx));
  if (failures.length > shown.length) lines.push(`… and ${failures.length - shown.length} more (raise maxFailuresShown to list them)`);
  if (ctx.bundlesUnder !== undefined) lines.push(`Repro bundles: ${ctx.bundlesUnder}`);
  lines.push('Hint: keep the seed to see the same cases again; `path` runs one of them alone.');
  return lines.join('\n');
}

/** The error a failed conformance test throws: the message above, and the failed results for code. */
export class ConformanceFailure extends Error {
  constructor(
    message: string,
    readonly failures: readonly CaseResult[],
  ) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}
