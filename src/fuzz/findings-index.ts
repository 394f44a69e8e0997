/**
 * `trapcheck findings`: the findings of many campaigns (runs, shards, resumed sessions) as one
 * deduplicated list (issue #16 §2). A finding's signature names the runtime, family, step, site,
 * placement and outcome classes (src/fuzz/signature.ts), so the same bug found by two campaigns
 * is one entry with both counts added and both campaigns listed.
 *
 * A campaign is read from its report.json, or from its checkpoint.json while it has no report
 * (killed, or still running). Campaigns are visited in path order and each finding keeps its
 * first sighting in that order, so the listing does not depend on the file system's order.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { usageError } from '../errors.ts';
import type { CampaignReport } from './report.ts';
import type { Finding } from './state.ts';
import { CHECKPOINT_FILE } from './checkpoint.ts';
import { findingsPerRuntime } from './findings-table.ts';
import type { RuntimeFindings } from './findings-table.ts';

export const FINDINGS_SCHEMA = 'trapcheck.findings/1';

export interface CampaignSource {
  /** The campaign folder, relative to the working directory when below it. */
  dir: string;
  seed: number;
  shard: string;
  families: string[];
  runtimes: string[];
  /** `report` or `checkpoint` (no report yet). */
  from: 'report' | 'checkpoint';
}

export interface IndexedFinding extends Finding {
  /** Campaigns (their `dir`) where it was seen, in path order. */
  campaigns: string[];
}

export interface FindingsIndex {
  schema: typeof FINDINGS_SCHEMA;
  campaigns: CampaignSource[];
  findings: IndexedFinding[];
  perRuntime: Record<string, RuntimeFindings>;
}

/** How deep below each given folder campaigns are looked for (shards of a matrix job sit one or two levels down). */
const MAX_DEPTH = 4;

function campaignDirs(root: string, depth: number, out: string[]): void {
  const entries = readdirSync(root, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && (e.name === 'report.json' || e.name === CHECKPOINT_FILE))) out.push(root);
  if (depth >= MAX_DEPTH) return;
  for (const e of entries.filter((x) => x.isDirectory()).map((x) => x.name).sort()) campaignDirs(join(root, e), depth + 1, out);
}

interface Loaded {
  source: CampaignSource;
  findings: Finding[];
}

function load(dir: string, cwd: string): Loaded | undefined {
  const shown = relative(cwd, dir).startsWith('..') ? dir : relative(cwd, dir) || '.';
  const reportPath = join(dir, 'report.json');
  if (existsSync(reportPath)) {
    let report: CampaignReport;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as CampaignReport;
    } catch (e) {
      throw usageError(`${reportPath} is not JSON (${(e as Error).message.split('\n')[0]})`);
    }
    const c = report.campaign;
    if (!c) return undefined; // a `run` report: no campaign, no findings
    return { source: { dir: shown, seed: c.seed, shard: c.shard, families: c.families, runtimes: c.runtimes, from: 'report' }, findings: c.findings };
  }
  let checkpoint: { config: { seed: number; shard: { k: number; n: number }; families: string[]; runtimes: string[] }; state: { findings: Finding[] } };
  try {
    checkpoint = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')) as typeof checkpoint;
  } catch (e) {
    throw usageError(`${join(dir, CHECKPOINT_FILE)} is not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const { config, state } = checkpoint;
  return { source: { dir: shown, seed: config.seed, shard: `${config.shard.k}/${config.shard.n}`, families: config.families, runtimes: config.runtimes, from: 'checkpoint' }, findings: state.findings };
}

/** Every campaign under `paths` (folders), its findings merged by signature. */
export function indexFindings(paths: readonly string[], cwd = process.cwd()): FindingsIndex {
  const dirs: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw usageError(`no such folder: ${p}`);
    if (!statSync(p).isDirectory()) throw usageError(`${p} is not a folder (give the --out folder of a campaign, or a folder of campaigns)`);
    campaignDirs(p, 0, dirs);
  }
  const unique = [...new Set(dirs)].sort();
  const loaded = unique.map((d) => load(d, cwd)).filter((x): x is Loaded => x !== undefined);
  if (!loaded.length) throw usageError(`no fuzz campaign (report.json with a campaign, or checkpoint.json) under ${paths.join(', ')}`);
  const bySignature = new Map<string, IndexedFinding>();
  for (const { source, findings } of loaded) {
    for (const f of findings) {
      const seen = bySignature.get(f.signature);
      if (!seen) {
        bySignature.set(f.signature, { ...f, campaigns: [source.dir] });
        continue;
      }
      seen.count += f.count;
      if (!seen.campaigns.includes(source.dir)) seen.campaigns.push(source.dir);
      // a verified shrink from a later campaign beats none
      if (!seen.shrink?.verified && f.shrink?.verified) seen.shrink = f.shrink;
    }
  }
  const findings = [...bySignature.values()];
  return { schema: FINDINGS_SCHEMA, campaigns: loaded.map((l) => l.source), findings, perRuntime: findingsPerRuntime(findings) };
}
