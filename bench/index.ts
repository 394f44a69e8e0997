/**
 * `npm run bench`: runs every bench/*.bench.ts suite (or those named on the command line),
 * prints one table and writes reports/bench/bench.json. Figures are ratios against a baseline
 * measured in the same run; nothing here is asserted by tests.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../src/report/write-file.ts';
import type { BenchRow, BenchSuite } from './harness.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(basename(f, '.bench.ts')))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(dir, file)).href)) as { default: BenchSuite };
  process.stdout.write(`running ${file} …\n`);
  rows.push(...(await suite.default()));
}

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
console.table(rows.map((r) => ({ group: r.group, task: r.name, 'ns/op': fmt(r.meanNs), 'ops/s': fmt(r.opsPerSec, 0), ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`, note: r.note ?? '' })));
const out = fileURLToPath(new URL('../reports/bench/bench.json', import.meta.url));
writeFileAtomic(out, `${JSON.stringify({ node: process.version, v8: process.versions.v8, cpus: (await import('node:os')).availableParallelism(), rows }, null, 1)}\n`);
process.stdout.write(`wrote ${out}\n`);
process.exit(0);
