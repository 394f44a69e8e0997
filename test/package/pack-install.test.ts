/**
 * The published package, end to end (issue #15): build and `npm pack` a copy of the repo's package
 * files, `npm i` the tarball into a scratch project outside the repo (offline: the dependencies
 * come from the npm cache the repo's own install filled, pinned by a lock cut from ours), then use
 * it as a user would: plain `node -e "import('trapcheck')…"`, and vitest files using
 * `trapcheck/vitest` on the reference runtime, on a runtime object of the user's own, and on that
 * runtime with a planted bug, which must fail with its cases' replay lines. The build runs with
 * `--no-check`: `npm test` type-checked these sources just before (tsc -p tsconfig.json).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lockfile } from './scratch-lock.ts';
import { scratchLock } from './scratch-lock.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** What `npm pack` reads: the package's own files and what its build needs. */
const PACKAGE_INPUTS = ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin/trapcheck.js', 'scripts/build.mjs', 'src', 'generators'];

/** A TypeScript user's file: the public types of both entry points, and a runtime object of their own. */
const CONSUMER_TS = `
import { createRuntime, generateCase, judge, loadProfile, type Case, type Observation, type Runtime } from 'trapcheck';
import { conformance, type ConformanceOptions } from 'trapcheck/vitest';
const c: Case = generateCase('wasi-exit', 1, 0);
const reference: Runtime = await createRuntime('reference');
const mine: Runtime = {
  name: 'mine', profile: loadProfile('reference'), capabilities: reference.capabilities,
  version: async () => '1', executeAll: async (cases: readonly Case[]): Promise<Observation[]> => reference.executeAll(cases), close: async () => {},
};
const options: ConformanceOptions = { runtime: mine, families: ['wasi-exit'], seed: 1, per: 'case' };
conformance(options);
export const verdict = judge(c, (await mine.executeAll([c]))[0]!, mine.profile).verdict;
`;

/**
 * The environment of a user's shell: none of this vitest run's variables, nor those `npm test`
 * sets for its script (npm_config_local_prefix would point a nested npm at the repo), except
 * where npm's cache and registry are.
 */
const KEPT_NPM = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => KEPT_NPM.has(k) || !/^(VITEST|npm_|NODE_OPTIONS$|TRAPCHECK_)/.test(k)));
  return { ...env, npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

async function sh(cwd: string, command: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : -1 };
  }
}

async function ok(cwd: string, command: string, args: string[]): Promise<string> {
  const r = await sh(cwd, command, args);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface VitestJson {
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; title: string; status: string; failureMessages: string[] }[] }[];
}

describe('the packed package installed in a fresh project', () => {
  let tmp: string;
  let project: string;
  let packedFiles: string[];
  let vitest: { code: number; report: VitestJson };

  const testsOf = (file: string): VitestJson['testResults'][number]['assertionResults'] => {
    const f = vitest.report.testResults.find((t) => t.name.endsWith(`/${file}`));
    if (!f) throw new Error(`no results for ${file}`);
    return f.assertionResults;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'trapcheck-package-'));
    // pack a copy: building in the repo would replace a dist/ someone else may be using
    const staging = join(tmp, 'staging');
    for (const p of PACKAGE_INPUTS) cpSync(join(ROOT, p), join(staging, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
    await ok(staging, process.execPath, ['scripts/build.mjs', '--no-check']);
    const packed = JSON.parse(await ok(staging, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp])) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed[0]!.files.map((f) => f.path);
    const tarball = join(tmp, packed[0]!.filename);

    project = join(tmp, 'project');
    mkdirSync(project);
    const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
    const repoPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const version = (name: string): string => repoLock.packages[`node_modules/${name}`]!.version!;
    const roots = { vitest: version('vitest'), '@fast-check/vitest': version('@fast-check/vitest') };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: roots }, null, 2)}\n`);
    writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(scratchLock(repoLock, 'scratch', roots, Object.keys(repoPkg.dependencies)), null, 2)}\n`);
    const install = ['i', tarball, '--no-audit', '--no-fund'];
    const offline = await sh(project, 'npm', [...install, '--offline']);
    // an npm cache without these tarballs (a CI that restored node_modules, not ~/.npm): the registry fills the gap
    if (offline.code !== 0 && /ENOTCACHED/.test(offline.stderr)) await ok(project, 'npm', [...install, '--prefer-offline']);
    else if (offline.code !== 0) throw new Error(`npm ${install.join(' ')} --offline exited ${offline.code}\n${offline.stderr}`);
    for (const f of readdirSync(FIXTURES)) cpSync(join(FIXTURES, f), join(project, f));

    const r = await sh(project, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=json', '--outputFile=vitest.json']);
    vitest = { code: r.code, report: JSON.parse(readFileSync(join(project, 'vitest.json'), 'utf8')) as VitestJson };
  }, 300_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships compiled JavaScript, declarations and the runtime entry files, no TypeScript sources or tests', () => {
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/vitest/index.js', 'dist/src/vitest/index.d.ts', 'dist/src/runtime/worker-entry.js', 'dist/src/runtimes/reference-child-entry.js', 'dist/src/cli/generation-worker-entry.js', 'dist/src/runtimes/profiles/reference.json', 'dist/package.json', 'bin/trapcheck.js'])
      expect(packedFiles).toContain(f);
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((f) => /^(test|corpus|src|generators|bench)\//.test(f))).toEqual([]);
  });

  it('imports from plain Node with no loader: generates, runs and judges a case', async () => {
    const out = await ok(project, process.execPath, ['-e', readFileSync(join(FIXTURES, 'node-e.js'), 'utf8')]);
    expect(JSON.parse(out)).toEqual({
      version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      id: 'wasi-exit/1/3',
      expected: ['return', 'exit 0'],
      observed: ['return []', 'exit 0'],
      verdict: 'pass',
      replay: 'npx trapcheck replay --family wasi-exit --seed 1 --path 3',
    });
  });

  const byBlock = (block: string): [string, string][] =>
    testsOf('conformance.test.js')
      .filter((t) => t.fullName.startsWith(`${block} `))
      .map((t) => [t.title, t.status]);

  it('vitest: three families pass on the reference runtime and on a runtime object of the user’s own', () => {
    const passed = (title: string): [string, string] => [title, 'passed'];
    const families = ['core-traps', 'wasi-exit', 'controls'];
    expect(byBlock('trapcheck conformance on reference')).toEqual(families.map((f) => passed(`${f}: 12 cases (with seed=1)`)));
    expect(byBlock('reference, one test per case')).toEqual([passed('controls #0 (with seed=1)'), passed('controls #1 (with seed=1)')]);
    expect(byBlock('trapcheck conformance on my-host')).toEqual(families.map((f) => passed(`${f}: 12 cases (with seed=1)`)));
    expect(byBlock('a runtime that runs nothing')).toEqual([['wasi-exit: 2 cases (with seed=1)', 'skipped']]);
  });

  it('vitest: beside @fast-check/vitest, the fast-check global seed is trapcheck’s seed', () => {
    expect(testsOf('with-fast-check.test.js').map((t) => [t.title, t.status])).toEqual([
      ['addition commutes (with seed=4242)', 'passed'],
      ['wasi-exit: 4 cases (with seed=4242)', 'passed'],
    ]);
  });

  it('vitest: the runtime with a planted bug fails only where it is wrong, with expected/observed and replay lines', () => {
    expect(vitest.code).toBe(1);
    expect(vitest.report.numFailedTests).toBe(1);
    expect(byBlock('my-host with a planted bug')).toEqual([
      ['core-traps: 12 cases (with seed=1)', 'passed'],
      ['wasi-exit: 12 cases (with seed=1)', 'failed'],
      ['controls: 12 cases (with seed=1)', 'passed'],
    ]);
    const failed = testsOf('conformance.test.js').find((t) => t.status === 'failed')!;
    const message = failed.failureMessages.join('\n');
    expect(message).toMatch(/^ConformanceFailure: \d+ of 12 wasi-exit cases failed on my-host-buggy \(seed 1\)/);
    expect(message).toContain(
      [
        'FAIL wasi-exit/1/0 on my-host-buggy (step 1)',
        '  expected: exit 18',
        '  observed: exit 0',
        '  replay:   npx trapcheck replay --family wasi-exit --seed 1 --path 0   (on the reference runtime)',
        '  in vitest: conformance({ runtime, families: ["wasi-exit"], seed: 1, path: "0" })',
      ].join('\n'),
    );
  });

  it('its declarations type-check in a TypeScript user’s project: real types from both entry points', async () => {
    // a user's file, not the repo's (the repo's tsc would resolve `trapcheck` to this checkout);
    // two misuses on purpose: only real declarations (not `any`) reject them
    const misuses = `generateCase('wasi-exit', '1', 0);\nconformance({ runtime: 'reference', runs: '3' });\n`;
    writeFileSync(join(project, 'consumer.ts'), `${CONSUMER_TS}${misuses}`);
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] }, files: ['consumer.ts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = await sh(project, process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    const line = CONSUMER_TS.split('\n').length;
    expect(r.stdout.trim().split('\n')).toEqual([
      `consumer.ts(${line},27): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.`,
      `consumer.ts(${line + 1},37): error TS2322: Type 'string' is not assignable to type 'number'.`,
    ]);
  });

  it('the replay line of a failure runs with the installed CLI and shows the expected outcome', async () => {
    const out = await ok(project, 'node_modules/.bin/trapcheck', ['replay', '--family', 'wasi-exit', '--seed', '1', '--path', '0', '--out', join(tmp, 'replay')]);
    expect(out).toContain('  1. start: expect exit 18');
    expect(out).toContain('1 results: 1 pass, 0 fail');
  });
});
