/**
 * Checkpoints: `<out>/checkpoint.json`, the campaign's config plus its whole state, rewritten
 * atomically (temp file + rename, src/report/write-file.ts) after committed batches. A batch is
 * committed only once every case of it ran on every runtime, was judged, counted and its new
 * findings shrunk; a SIGKILL at any moment leaves the previous checkpoint intact, and `--resume`
 * restarts at `state.nextPosition`: the cases of the interrupted batch run again, none twice in
 * the counts, none lost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrapcheckError } from '../errors.ts';
import { writeFileAtomic } from '../report/write-file.ts';
import type { CampaignConfig } from './report.ts';
import type { CampaignState } from './state.ts';
import { committedBudget } from './runtime-budget.ts';
import { STATE_SCHEMA } from './state.ts';

export const CHECKPOINT_SCHEMA = 'trapcheck.fuzz-checkpoint/1';
export const CHECKPOINT_FILE = 'checkpoint.json';

export interface Checkpoint {
  schema: typeof CHECKPOINT_SCHEMA;
  tool: string;
  config: CampaignConfig;
  /** True once the campaign reached its --runs (resuming it only rewrites the report). */
  complete: boolean;
  state: CampaignState;
}

export function writeCheckpoint(dir: string, checkpoint: Checkpoint): string {
  const path = join(dir, CHECKPOINT_FILE);
  // only what committed batches used: --resume runs the batch in flight again (runtime-budget.ts)
  writeFileAtomic(path, `${JSON.stringify({ ...checkpoint, state: committedBudget(checkpoint.state) })}\n`);
  return path;
}

export function readCheckpoint(dir: string): Checkpoint {
  const path = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TrapcheckError('IO', `${path}: cannot read the campaign checkpoint (${(e as NodeJS.ErrnoException).code ?? String(e)}); --resume takes the --out directory of a fuzz campaign`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TrapcheckError('INVALID_CASE', `${path}: checkpoint is not valid JSON`);
  }
  const cp = json as Partial<Checkpoint>;
  if (cp.schema !== CHECKPOINT_SCHEMA || cp.state?.schema !== STATE_SCHEMA || !cp.config)
    throw new TrapcheckError('INVALID_CASE', `${path}: not a ${CHECKPOINT_SCHEMA} checkpoint`);
  return cp as Checkpoint;
}
