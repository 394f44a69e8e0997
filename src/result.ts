/**
 * One judged result: a case on a runtime, its verdict and, when it did not pass, what the
 * runtime reported. The report, the repro bundles and every command's output are built from
 * these; the module's sha256 ties a result to the exact bytes that ran (DESIGN §6).
 */
import { createHash } from 'node:crypto';
import type { Case } from './case.ts';
import type { Verdict } from './judge.ts';
import type { Observation } from './observation.ts';

export interface CaseResult {
  case: Case;
  runtime: string;
  verdict: Verdict;
  /** sha256 of the case's first module, hex. */
  sha256: string;
  /** Present for non-pass verdicts: what the runtime reported, for repro bundles. */
  observation?: Observation;
  /**
   * A threads case under the reference runtime's scheduler: the schedule it ran (seed + choice
   * list, src/runtime/threads/sched/schedule.ts); `--schedule` with it replays the run exactly.
   */
  schedule?: string;
}

export function moduleSha256(c: Case): string {
  const bytes = c.modules[0]?.bytes;
  return bytes ? createHash('sha256').update(bytes).digest('hex') : '';
}
