/**
 * Merging shard checkpoints into one campaign report (`trapcheck merge`). The checkpoints, not
 * the reports, are merged: they hold the exact state (bucket counts behind the kept rows, the
 * digest, every finding). Shards must come from one campaign: same families, runtimes, seed and
 * oracle settings, the same shard count, each shard once.
 */
import { TrapcheckError } from '../errors.ts';
import type { RuntimeEntry } from '../report/report.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { CampaignConfig, CampaignReport } from './report.ts';
import { buildCampaignReport } from './report.ts';
import { formatShard } from './shard.ts';
import { mergeStates } from './state.ts';

const SAME = ['families', 'runtimes', 'seed', 'differential'] as const;

export interface MergeInput {
  checkpoints: Array<{ source: string; checkpoint: Checkpoint }>;
  version: string;
  runtimes: RuntimeEntry[];
  declares: Record<string, Record<string, readonly string[]>>;
}

export interface MergeResult {
  report: CampaignReport;
  allShards: boolean;
  complete: boolean;
}

export function mergeCheckpoints(input: MergeInput): MergeResult {
  const list = input.checkpoints;
  if (!list.length) throw new TrapcheckError('USAGE', 'nothing to merge');
  const first = list[0]!.checkpoint.config;
  const seen = new Set<number>();
  for (const { source, checkpoint: cp } of list) {
    for (const key of SAME)
      if (JSON.stringify(cp.config[key]) !== JSON.stringify(first[key]))
        throw new TrapcheckError('USAGE', `${source}: ${key} ${JSON.stringify(cp.config[key])} differs from ${list[0]!.source}'s ${JSON.stringify(first[key])}: not shards of one campaign`);
    if (cp.config.shard.n !== first.shard.n) throw new TrapcheckError('USAGE', `${source}: shard ${formatShard(cp.config.shard)} is not one of ${first.shard.n} shards`);
    if (seen.has(cp.config.shard.k)) throw new TrapcheckError('USAGE', `${source}: shard ${formatShard(cp.config.shard)} given twice`);
    seen.add(cp.config.shard.k);
  }
  const allShards = seen.size === first.shard.n;
  const complete = list.every((x) => x.checkpoint.complete);
  const sameRuns = list.every((x) => x.checkpoint.config.runs === first.runs);
  const config: CampaignConfig = {
    ...first,
    shard: allShards ? { k: 1, n: 1 } : first.shard,
    runs: allShards && sameRuns && first.runs !== null ? first.runs * first.shard.n : null,
  };
  const state = mergeStates(
    list.map((x) => x.checkpoint.state),
    first.runtimes.map((r) => r.split('=')[0]!),
  );
  // Positions of the merged index space that every shard has covered.
  state.nextPosition = Math.min(...list.map((x) => x.checkpoint.state.nextPosition)) * (allShards ? first.shard.n : 1);
  if (allShards && complete && config.runs !== null) state.nextPosition = config.runs;
  const timedOut = list.some((x) => x.checkpoint.config.timeMs !== null && x.checkpoint.state.elapsedMs >= x.checkpoint.config.timeMs);
  const report = buildCampaignReport(config, state, {
    version: input.version,
    runtimes: input.runtimes,
    declares: input.declares,
    stopReason: complete ? 'runs' : timedOut ? 'time' : 'interrupted',
    mergedShards: list.map((x) => formatShard(x.checkpoint.config.shard)),
  });
  return { report, allShards, complete };
}
