/**
 * Issue #14 item 6: an output folder that cannot take files, a binary file given to `spec` and a
 * negative count are one-line errors with exit 2, before any work starts (the whole process,
 * node start-up included, must end well within 5 s; no timing is asserted, the spawn timeout
 * catches a hang). `run` (and `spec` once) go through the real bin; the other commands through
 * the same entry in-process (runCli: where the check, the message and the code come from), sparing
 * a node + loader start-up each.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutDir } from '../../src/report/out-dir.ts';
import type { CliRun } from './helpers.ts';
import { trapcheck, trapcheckInProcess } from './helpers.ts';

function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^trapcheck: /);
  expect(lines[0]).toMatch(pattern);
}

const scratch = (): string => mkdtempSync(join(tmpdir(), 'trapcheck-out-'));
const isRoot = process.getuid?.() === 0;

describe('--out that cannot take files', () => {
  it('a folder inside /proc (node\'s recursive mkdir would loop there forever)', () => {
    expectOneLineError(trapcheck(['run', '--seed', '1', '--runs', '1', '--family', 'core-traps', '--out', '/proc/trapcheck-out']), /--out \/proc\/trapcheck-out: cannot create \/proc\/trapcheck-out/);
  });

  it('a folder under a file, for run, fuzz, replay, spec, gen', async () => {
    const file = join(scratch(), 'a-file');
    writeFileSync(file, 'x');
    const out = join(file, 'reports');
    expectOneLineError(trapcheck(['run', '--seed', '1', '--runs', '1', '--family', 'core-traps', '--out', out]), /is a file, not a folder/);
    for (const args of [
      ['fuzz', '--seed', '1', '--runs', '1', '--family', 'core-traps'],
      ['replay', '--family', 'core-traps', '--seed', '1', '--path', '0'],
      ['spec', 'spec-tests/trap-state.wast'],
      ['gen', 'core-traps', '--seed', '1', '--count', '1'],
    ])
      expectOneLineError(await trapcheckInProcess([...args, '--out', out]), /is a file, not a folder/);
  });

  it.skipIf(isRoot)('a read-only folder', async () => {
    const dir = scratch();
    chmodSync(dir, 0o555);
    expectOneLineError(await trapcheckInProcess(['run', '--seed', '1', '--runs', '1', '--family', 'core-traps', '--out', join(dir, 'out')]), /cannot create .*EACCES/);
  });

  it('a folder the file system refuses (sysfs: EPERM, even for root)', () => {
    expect(() => prepareOutDir('/sys/trapcheck-out')).toThrow(/--out \/sys\/trapcheck-out: cannot create \/sys\/trapcheck-out \(EPERM/);
  });

  it('a writable folder is created level by level and left empty', () => {
    const dir = join(scratch(), 'a', 'b', 'c');
    expect(prepareOutDir(dir)).toBe(dir);
    expect(prepareOutDir(dir)).toBe(dir);
  });
});

describe('other bad input named in #14', () => {
  it('a binary file given to spec is not a .wast script', async () => {
    const dir = scratch();
    const wasm = join(dir, 'm.wast');
    writeFileSync(wasm, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expectOneLineError(trapcheck(['spec', wasm, '--out', join(dir, 'out')]), /m\.wast: not a \.wast script \(a binary wasm module\)/);
    const blob = join(dir, 'blob');
    writeFileSync(blob, new Uint8Array([0x28, 0x6d, 0, 0xff]));
    expectOneLineError(await trapcheckInProcess(['spec', blob, '--out', join(dir, 'out')]), /blob: not a \.wast script \(binary data\)/);
  });

  it('--runs -5 says what is wrong with it', async () => {
    expectOneLineError(await trapcheckInProcess(['run', '--runs', '-5']), /--runs must be an integer ≥ 0, got `-5`/);
    expectOneLineError(await trapcheckInProcess(['fuzz', '--runs', '-5']), /--runs must be an integer ≥ 1, got `-5`/);
  });
});
