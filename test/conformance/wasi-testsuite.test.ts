/** The wasi-testsuite importer on a fixture folder in the upstream layout. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuites, loadWasiTestsuite, parseWasiTestSpec, RUNNER_TIMEOUT_MS, suiteLabel } from '../../src/conformance/wasi-testsuite.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { wat } from '../runtime/helpers.ts';
import { trapcheck } from '../cli/helpers.ts';

const DIR = fileURLToPath(new URL('../fixtures/wasi-testsuite/', import.meta.url));

describe('wasi-testsuite importer', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'trapcheck-wts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the checked-in .wasm files are wat2wasm of the .wat beside them', () => {
    for (const dir of [DIR, join(DIR, 'mutating'), join(DIR, 'output')])
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.wat')))
        expect(Buffer.from(wat(readFileSync(join(dir, f), 'utf8'))).equals(readFileSync(join(dir, f.replace(/\.wat$/, '.wasm')))), f).toBe(true);
  });

  it('every *.wasm is a command case; JSON fields and defaults become args, env, expected exit and exact output', () => {
    const cases = loadWasiTestsuite(DIR);
    expect(cases.map((c) => c.id)).toEqual(['args-env', 'fd_prestat-dir', 'proc_exit-failure', 'proc_exit-success', 'stdout-hello'].map((n) => `wasi-testsuite/wasi-testsuite/${n}`));
    const byName = Object.fromEntries(cases.map((c) => [c.id.split('/').pop()!, c]));
    expect(byName['args-env']!.wasi).toEqual({ args: ['args-env.wasm', 'a', 'b'], env: ['K=V'] });
    // the exit status as the process's; no stream named in the JSON, none checked
    expect(byName['proc_exit-failure']!.steps[1]!.expect).toEqual({ outcome: { kind: 'exit', code: 33, process: true } });
    expect(byName['proc_exit-success']!.steps[1]!.expect).toEqual({ outcome: { kind: 'exit', code: 0, process: true } });
    // a stream the JSON names is read the runner's way: as text, a prefix of what was written
    expect(byName['stdout-hello']!.steps[1]!.expect).toEqual({ outcome: { kind: 'exit', code: 0, process: true }, stdout: 'hello\n', output: 'text-prefix' });
    expect(cases.every((c) => c.timeoutMs === RUNNER_TIMEOUT_MS && c.tags?.['suite'] === 'wasi-testsuite')).toBe(true);
    expect(byName['fd_prestat-dir']!.features).toContain('wasi-preopens');
    expect(byName['fd_prestat-dir']!.wasi!.dirs).toEqual([{ host: join(DIR, 'fs-tests.dir'), guest: 'fs-tests.dir' }]);
  });

  it('on the reference runtime: passes, and the preopen test is skipped with the facility named', async () => {
    const rt = createReferenceRuntime({ workers: 1 });
    try {
      const results = await runSuite(loadWasiTestsuite(DIR), [rt]);
      expect(Object.fromEntries(results.map((r) => [r.case.id.split('/').pop(), r.verdict.verdict]))).toEqual({ 'args-env': 'pass', 'fd_prestat-dir': 'skip', 'proc_exit-failure': 'pass', 'proc_exit-success': 'pass', 'stdout-hello': 'pass' });
      expect(results.find((r) => r.verdict.verdict === 'skip')!.verdict.reason).toBe('unsupported: feature wasi-preopens');
    } finally {
      await rt.close();
    }
  });

  it('ids name the language and WASI version of an upstream folder, so C, Rust and AssemblyScript tests never collide; the manifest name tags the suite', () => {
    expect(suiteLabel('/x/tests/c/testsuite/wasm32-wasip1')).toBe('c/wasm32-wasip1');
    expect(suiteLabel('/x/tests/rust/testsuite/wasm32-wasip1')).toBe('rust/wasm32-wasip1');
    expect(suiteLabel('/x/tests/proposals/wasi-threads')).toBe('wasi-threads');
    expect(suiteLabel('/x/mine/wasm32-wasip1')).toBe('mine/wasm32-wasip1');
    const folder = join(tmp, 'c', 'testsuite', 'wasm32-wasip1');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(DIR, 'proc_exit-success.wasm'), join(folder, 'lseek.wasm'));
    writeFileSync(join(folder, 'manifest.json'), '{"name": "WASI C tests [wasm32-wasip1]"}');
    const [c] = loadWasiTestsuite(folder);
    expect(c!.id).toBe('wasi-testsuite/c/wasm32-wasip1/lseek');
    expect(c!.tags?.['suite']).toBe('WASI C tests [wasm32-wasip1]');
  });

  it('bad input names the file and the key; operation-based tests and unknown suites are refused', () => {
    expect(() => parseWasiTestSpec({ exit_code: 'x' }, 'a.json')).toThrow('a.json: `exit_code` must be a non-negative integer');
    expect(() => parseWasiTestSpec({ operations: [] }, 'b.json')).toThrow(/b\.json: operation-based tests/);
    expect(() => loadSuites(['spec:foo'])).toThrow(/unknown suite `spec:foo`; valid suites: `wasi-testsuite:DIR`/);
    copyFileSync(join(DIR, 'proc_exit-success.wasm'), join(tmp, 'x.wasm'));
    writeFileSync(join(tmp, 'x.json'), '{ nope');
    expect(() => loadWasiTestsuite(tmp)).toThrow(/x\.json: malformed JSON/);
  });

  it('`trapcheck run --suite wasi-testsuite:DIR` runs the folder; a missing folder is exit 2', () => {
    const ok = trapcheck(['run', '--suite', `wasi-testsuite:${DIR}`, '--out', join(tmp, 'out'), '--seed', '1']);
    expect(ok.stdout).toMatch(/5 results: 4 pass, 0 fail, 0 imprecise, 0 known divergences, 1 skipped/);
    expect(ok.code).toBe(0);
    const bad = trapcheck(['run', '--suite', `wasi-testsuite:${join(tmp, 'nope')}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a directory/);
  });
});
