/**
 * `trapcheck merge DIR... [--out DIR]`: merges the shards of one campaign (their checkpoints)
 * into one report. Tallies and digests add up, kept rows are the first K per bucket in case
 * order, findings keep the earliest case of each signature: the merged report equals one
 * unsharded run over the same indices (src/fuzz/merge.ts, src/fuzz/state.ts).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../../errors.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { parse } from '../args.ts';
import type { CliIo } from '../io.ts';
import { TOOL_VERSION } from '../version.ts';
import { readCheckpoint } from '../../fuzz/checkpoint.ts';
import { mergeCheckpoints } from '../../fuzz/merge.ts';
import type { CampaignReport } from '../../fuzz/report.ts';
import { renderCampaignMarkdown } from '../../fuzz/report.ts';
import { writeFileAtomic } from '../../report/write-file.ts';

const OPTIONS = { out: { type: 'string' } } as const;

export async function mergeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('merge', argv, OPTIONS);
  if (positionals.length < 1) throw usageError('`trapcheck merge` needs the --out directories of the shards: trapcheck merge DIR... [--out DIR]');
  const dirs = positionals.map((d) => resolve(d));
  const checkpoints = dirs.map((d) => ({ source: d, checkpoint: readCheckpoint(d) }));
  const shardReport = JSON.parse(readFileSync(join(dirs[0]!, 'report.json'), 'utf8')) as CampaignReport;
  const { FAMILIES } = await import('../../../generators/index.ts');
  const first = checkpoints[0]!.checkpoint.config;
  const declares = Object.fromEntries(first.families.map((f) => [f, FAMILIES[f]?.declares ?? {}]));
  const { report, allShards, complete } = mergeCheckpoints({ checkpoints, version: TOOL_VERSION, runtimes: shardReport.runtimes, declares });
  const outDir = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : `reports/fuzz-${first.seed}-merged`);
  const jsonPath = join(outDir, 'report.json');
  writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
  writeFileAtomic(join(outDir, 'summary.md'), renderCampaignMarkdown(report));
  const c = report.campaign;
  const s = report.summary;
  io.out(`merged ${dirs.length} shard(s)${allShards ? ` (all ${first.shard.n})` : ` of ${first.shard.n}`}: ${c.cases} cases, ${s.total} results; ${s.passed} pass, ${s.failed} fail, ${s.imprecise} imprecise, ${s.knownDivergences} known divergences, ${s.skipped} skipped; ${c.findings.length} findings; digest ${c.digest}`);
  if (!complete) io.out('note: some shards have not finished their --runs (resume them, then merge again)');
  io.out(`wrote ${jsonPath}`);
  return c.findings.length > 0 ? 1 : 0;
}
