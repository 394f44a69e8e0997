/**
 * The C driver embedding WAMR (drivers/wamr), compiled here with the machine's `cc` against the
 * WAMR SDK (static libiwasm.a + headers, ../shared/runtimes/wamr-sdk or TRAPCHECK_WAMR_SDK) for
 * 2.4.5 and 2.0.0, once per file, into a temporary folder. Skipped, with the reason, without `cc`
 * or the SDK.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { judge } from '../../src/judge.ts';
import { runDriverCheck } from '../../src/runtimes/protocol/check/run-driver-check.ts';
import { DriverRuntime } from '../../src/runtimes/protocol/driver-runtime.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDK = process.env['TRAPCHECK_WAMR_SDK'] ?? resolve(ROOT, '../shared/runtimes/wamr-sdk');
const VERSIONS = ['2.4.5', '2.0.0'] as const;

function missing(): string | undefined {
  if (spawnSync('cc', ['--version']).status !== 0) return 'no `cc` on PATH';
  const absent = VERSIONS.find((v) => !existsSync(join(SDK, v, 'lib', 'libiwasm.a')));
  return absent ? `no WAMR SDK ${absent} at ${SDK}` : undefined;
}

const why = missing();
const dir = why ? '' : mkdtempSync(join(tmpdir(), 'trapcheck-wamr-driver-'));
const binary = (v: string): string => join(dir, `wamr-driver-${v}`);

describe.skipIf(why !== undefined)(`the WAMR driver (drivers/wamr)${why ? `: skipped, ${why}` : ''}`, () => {
  beforeAll(async () => {
    // both builds at once: each is a few seconds of cc
    await Promise.all(VERSIONS.map((v) => promisify(execFile)(join(ROOT, 'drivers/wamr/build.sh'), [join(SDK, v), binary(v)])));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes driver-check on WAMR 2.4.5, globals and `get` included', async () => {
    const report = await runDriverCheck(`driver:${binary('2.4.5')}`);
    expect(report.faults).toEqual([]);
    expect(report.driver).toBe('wamr 2.4.5');
    for (const name of ['i64 values', 'float values and NaN payloads', 'trap: call stack exhausted', 'memory read after a trap', 'globals read after a trap', 'get step', 'wasi: proc_exit(300)', 'feature: threads'])
      expect(report.passed).toContain(name);
  });

  it('passes driver-check on WAMR 2.0.0, which claims no global reads (no wasm_runtime_get_export_global_inst)', async () => {
    const report = await runDriverCheck(`driver:${binary('2.0.0')}`);
    expect(report.faults).toEqual([]);
    expect(report.driver).toBe('wamr 2.0.0');
    expect(report.notClaimed).toContainEqual(expect.stringMatching(/^globals read after a trap/));
  });

  it('runs a case with memory and global expectations after a trap on one instance, and reads them', async () => {
    // Arrange: stores and a global write before an OOB trap, read back after it (corpus case)
    const c = await loadCaseFile(join(ROOT, 'corpus/core-traps/effects-before-trap-persist.json'));
    expect(c.steps.some((s) => s.expect.memory) && c.steps.some((s) => s.expect.globals)).toBe(true);
    const newer = await DriverRuntime.start(`driver:${binary('2.4.5')}`);
    const older = await DriverRuntime.start(`driver:${binary('2.0.0')}`);
    try {
      // Act
      const [seen] = await newer.executeAll([c]);
      const [seenOld] = await older.executeAll([c]);
      // Assert: judged in full on 2.4.5; on 2.0.0 the globals cannot be read, which is a named skip, never a pass
      expect(judge(c, seen!, newer.profile)).toEqual({ verdict: 'pass' });
      expect(judge(c, seenOld!, older.profile)).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/does not read globals/) });
    } finally {
      await newer.close();
      await older.close();
    }
  });
});
