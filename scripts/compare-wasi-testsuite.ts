/**
 * Compares, test by test, wasi-testsuite's own runner and trapcheck on the same suite folders and
 * the same runtime binary:
 *
 *   node bin/run-ts.js scripts/compare-wasi-testsuite.ts RUNNER.json TRAPCHECK.json [--runtime NAME]
 *
 * RUNNER.json is the runner's `--json-output-location` file; TRAPCHECK.json is the report.json of
 * `trapcheck run --suite wasi-testsuite:DIR… --runtime R`. Tests are matched by suite name (the
 * runner's name is the folder's manifest.json `name`; trapcheck tags each case with the same) and
 * test name. Prints one markdown table per suite, then every disagreement with both reasons.
 * Exit status: 0 when every test agrees, 1 when some differ or are missing on one side, 2 on bad
 * input.
 */
import { readFileSync } from 'node:fs';

type Verdict = 'pass' | 'fail' | 'skip';

interface Row {
  suite: string;
  test: string;
  runner?: { verdict: Verdict; outcome: string; detail: string };
  trapcheck?: { verdict: Verdict; outcome: string; detail: string };
}

function die(message: string): never {
  process.stderr.write(`compare-wasi-testsuite: ${message}\n`);
  process.exit(2);
}

function readJson(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) die(`${file}: not a JSON object`);
    return v as Record<string, unknown>;
  } catch (e) {
    return die(`${file}: ${(e as Error).message}`);
  }
}

/** The runner's outcomes: xpass / xfail only exist with an expectations file; they are still a pass / a fail of the test. */
function runnerVerdict(outcome: string): Verdict {
  if (outcome === 'pass' || outcome === 'xpass') return 'pass';
  if (outcome === 'skip') return 'skip';
  return 'fail';
}

/** trapcheck's verdicts: `imprecise` passed with a less specific trap, `known-divergence` is a documented failure. */
function trapcheckVerdict(verdict: string): Verdict {
  if (verdict === 'pass' || verdict === 'imprecise') return 'pass';
  if (verdict === 'skip') return 'skip';
  return 'fail';
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 160);
}

function collect(runnerFile: string, trapcheckFile: string, runtime: string | undefined): Map<string, Row> {
  const rows = new Map<string, Row>();
  const row = (suite: string, test: string): Row => {
    const key = `${suite}\u0000${test}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { suite, test }));
    return r;
  };
  const runner = readJson(runnerFile);
  if (!Array.isArray(runner['results'])) die(`${runnerFile}: no \`results\` array (is it the runner's --json-output-location file?)`);
  for (const s of runner['results'] as Array<Record<string, unknown>>) {
    for (const t of (s['tests'] as Array<Record<string, unknown>> | undefined) ?? []) {
      const outcome = String(t['outcome']);
      const failures = (t['failures'] as string[] | undefined) ?? [];
      row(String(s['name']), String(t['name'])).runner = { verdict: runnerVerdict(outcome), outcome, detail: failures.map(firstLine).join(' | ') };
    }
  }
  const report = readJson(trapcheckFile);
  if (!Array.isArray(report['results'])) die(`${trapcheckFile}: no \`results\` array (is it trapcheck's report.json?)`);
  const results = report['results'] as Array<Record<string, unknown>>;
  const runtimes = [...new Set(results.map((r) => String(r['runtime'])))];
  if (runtime === undefined && runtimes.length > 1) die(`${trapcheckFile} has several runtimes (${runtimes.join(', ')}); pick one with --runtime`);
  for (const r of results) {
    if (r['family'] !== 'wasi-testsuite' || (runtime !== undefined && r['runtime'] !== runtime)) continue;
    const tags = (r['tags'] as Record<string, string> | undefined) ?? {};
    const test = String(r['id']).split('/').pop()!;
    const verdict = String(r['verdict']);
    row(tags['suite'] ?? '?', test).trapcheck = { verdict: trapcheckVerdict(verdict), outcome: verdict, detail: typeof r['reason'] === 'string' ? firstLine(r['reason']) : '' };
  }
  return rows;
}

function main(argv: string[]): number {
  const files: string[] = [];
  let runtime: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runtime') runtime = argv[++i] ?? die('--runtime needs a name');
    else if (argv[i]!.startsWith('--')) die(`unknown option ${argv[i]}`);
    else files.push(argv[i]!);
  }
  if (files.length !== 2) die('usage: compare-wasi-testsuite.ts RUNNER.json TRAPCHECK.json [--runtime NAME]');
  const rows = [...collect(files[0]!, files[1]!, runtime).values()].sort((a, b) => a.suite.localeCompare(b.suite) || a.test.localeCompare(b.test));
  const differing = rows.filter((r) => r.runner?.verdict !== r.trapcheck?.verdict);
  const out: string[] = [];
  for (const suite of [...new Set(rows.map((r) => r.suite))]) {
    const mine = rows.filter((r) => r.suite === suite);
    const tally = (side: 'runner' | 'trapcheck'): string => `${mine.filter((r) => r[side]?.verdict === 'pass').length}/${mine.filter((r) => r[side]).length} pass`;
    out.push(`### ${suite}: runner ${tally('runner')}, trapcheck ${tally('trapcheck')}`, '', '| test | runner | trapcheck | same |', '|---|---|---|---|');
    for (const r of mine) out.push(`| ${r.test} | ${r.runner?.outcome ?? 'missing'} | ${r.trapcheck?.outcome ?? 'missing'} | ${r.runner?.verdict === r.trapcheck?.verdict ? 'yes' : '**no**'} |`);
    out.push('');
  }
  out.push(`${rows.length} tests, ${rows.length - differing.length} agree, ${differing.length} differ`);
  for (const r of differing) out.push(`- ${r.suite} / ${r.test}: runner ${r.runner?.outcome ?? 'missing'}${r.runner?.detail ? ` (${r.runner.detail})` : ''}; trapcheck ${r.trapcheck?.outcome ?? 'missing'}${r.trapcheck?.detail ? ` (${r.trapcheck.detail})` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return differing.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
