/**
 * `trapcheck findings DIR... [--json] [--reports OUT]`: the findings of every fuzz campaign under
 * the given folders (runs, shards, resumed sessions), deduplicated by signature
 * (src/fuzz/findings-index.ts), with the table of findings per runtime. `--reports OUT` also
 * writes an upstream-ready report per finding (src/fuzz/finding-report/). Exit 1 when there is
 * any finding, 0 when none, 2 for bad input (like `fuzz` and `merge`).
 */
import { usageError } from '../../errors.ts';
import { parse } from '../args.ts';
import type { CliIo } from '../io.ts';
import { indexFindings } from '../../fuzz/findings-index.ts';
import type { FindingsIndex, IndexedFinding } from '../../fuzz/findings-index.ts';
import { renderFindingsTable } from '../../fuzz/findings-table.ts';

const OPTIONS = { json: { type: 'boolean' }, reports: { type: 'string' } } as const;

function describe(f: IndexedFinding, n: number): string[] {
  const out = [`[${n}] ${f.signature}`, `    ${f.count} case(s) in ${f.campaigns.length} campaign(s): ${f.campaigns.join(', ')}`];
  if (f.first.agreedBy?.length) out.push(`    agrees with the expectation: ${f.first.agreedBy.join(', ')}`);
  out.push(`    replay: ${f.shrink?.verified ? f.shrink.replay : f.first.repro}`);
  return out;
}

/** One report folder per finding (report.md, finding.json, the case and its commands); progress on stderr when stdout is JSON. */
async function writeReports(index: FindingsIndex, outDir: string, io: CliIo, quiet: boolean): Promise<void> {
  const [{ writeFindingReports }, { discoverDefault }, { FAMILIES }] = await Promise.all([import('../../fuzz/finding-report/write-reports.ts'), import('../../runtimes/discovery.ts'), import('../../../generators/index.ts')]);
  const written = await writeFindingReports(index, { outDir, families: FAMILIES, discovery: await discoverDefault() });
  const say = quiet ? io.err : io.out;
  say(`trapcheck findings: ${written.length} report(s) in ${outDir}`);
  for (const w of written) say(`  ${w.id}  ${w.title}`);
}

export async function findingsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('findings', argv, OPTIONS);
  if (!positionals.length) throw usageError('`trapcheck findings` needs campaign folders: trapcheck findings DIR... [--json] [--reports OUT]');
  const index = indexFindings(positionals);
  const reportsDir = values['reports'];
  if (reportsDir === '') throw usageError('--reports needs a folder: trapcheck findings DIR... --reports OUT');
  if (typeof reportsDir === 'string') await writeReports(index, reportsDir, io, values['json'] === true);
  if (values['json'] === true) {
    io.out(JSON.stringify(index, null, 1));
    return index.findings.length ? 1 : 0;
  }
  const kinds = (k: string): number => index.findings.filter((f) => f.kind === k).length;
  io.out(`trapcheck findings: ${index.campaigns.length} campaign(s), ${index.findings.length} distinct finding(s) (${kinds('verdict')} verdict, ${kinds('differential')} differential, ${kinds('oracle')} suspected oracle bug)`);
  const table = renderFindingsTable(index.perRuntime);
  if (table.length) io.out(['', ...table, ''].join('\n'));
  index.findings.forEach((f, i) => io.out(describe(f, i + 1).join('\n')));
  return index.findings.length ? 1 : 0;
}
