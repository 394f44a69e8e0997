/**
 * Fresh preopened directories (src/conformance/wasi-preopens.ts), with a test-double runtime that
 * does to its preopens what wasi-testsuite's tests do (delete, create, symlink), so every claim
 * is checked without a native binary: each case sees the untouched inputs, the copies go away,
 * and the source folder is byte-identical afterwards.
 */
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadWasiTestsuite } from '../../src/conformance/wasi-testsuite.ts';
import { removeTree, sandboxPreopens, withFreshPreopens } from '../../src/conformance/wasi-preopens.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import type { Observation } from '../../src/observation.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { treeListing } from './wasi-testsuite-tree.ts';

const MUTATING = fileURLToPath(new URL('../fixtures/wasi-testsuite/mutating/', import.meta.url));

/** What a test saw in its first preopen when it started, then what it did there. */
interface Seen {
  host: string;
  keep: boolean;
  marker: boolean;
}

/** A runtime that runs every case "in" its first preopen: records what it finds, then unlinks keep.txt, creates a marker and a symlink. */
function mutatingRuntime(seen: Seen[]): Runtime {
  return {
    name: 'mutating-double',
    profile: loadProfile('reference'),
    capabilities: { steps: new Set(['instantiate', 'start']), features: new Set(['wasi', 'wasi-preopens']), shape: 'command' },
    version: async () => 'test double',
    close: async () => undefined,
    executeAll: async (cases: readonly Case[]): Promise<Observation[]> =>
      cases.map((c) => {
        const host = c.wasi!.dirs![0]!.host;
        const marker = join(host, 'marker.cleanup');
        seen.push({ host, keep: existsSync(join(host, 'keep.txt')), marker: existsSync(marker) });
        rmSync(join(host, 'keep.txt'), { force: true });
        writeFileSync(marker, 'x', { flag: 'a' });
        try {
          symlinkSync('keep.txt', join(host, 'made-link.cleanup'));
        } catch {
          // an earlier case's link (visible only without fresh copies)
        }
        return { steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'exit', code: 0 } }], stdout: '', stderr: '' };
      }),
  };
}

describe('fresh preopened directories', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'trapcheck-preopens-test-'));
  afterAll(() => removeTree(tmp));

  it('two tests that mutate the same folder each see it untouched; the copies are removed; the suite folder is byte-identical', async () => {
    const before = treeListing(MUTATING);
    const cases = loadWasiTestsuite(MUTATING);
    expect(cases.length).toBe(5);
    const seen: Seen[] = [];
    const results = await runSuite(cases, [mutatingRuntime(seen)]);
    expect(results.map((r) => r.verdict.verdict)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(seen.map((s) => [s.keep, s.marker])).toEqual(cases.map(() => [true, false]));
    expect(new Set(seen.map((s) => s.host)).size).toBe(5);
    for (const s of seen) {
      expect(s.host.startsWith(MUTATING)).toBe(false);
      expect(existsSync(s.host)).toBe(false);
    }
    expect(treeListing(MUTATING)).toEqual(before);
  });

  it('the same runtime without the sandbox shows why it exists: the second test sees the first one’s changes', async () => {
    const scratch = join(tmp, 'in-place');
    cpSync(MUTATING, scratch, { recursive: true, verbatimSymlinks: true });
    const seen: Seen[] = [];
    await mutatingRuntime(seen).executeAll(loadWasiTestsuite(scratch).slice(0, 2));
    expect(seen.map((s) => [s.keep, s.marker])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('a copy keeps symlinks as links, file contents, and file and folder modes; the guest name and the source stay as they were', () => {
    const src = join(tmp, 'modes');
    mkdirSync(join(src, 'locked'), { recursive: true });
    writeFileSync(join(src, 'locked', 'f'), 'data');
    writeFileSync(join(src, 'ro.txt'), 'ro');
    chmodSync(join(src, 'ro.txt'), 0o444);
    chmodSync(join(src, 'locked'), 0o555);
    symlinkSync('ro.txt', join(src, 'rel-link'));
    symlinkSync('/nonexistent/target', join(src, 'dangling'));
    const c = { wasi: { dirs: [{ host: src, guest: 'fs-tests.dir' }] } } as unknown as Case;
    const box = sandboxPreopens([c]);
    try {
      const copy = box.cases[0]!.wasi!.dirs![0]!;
      expect(copy.guest).toBe('fs-tests.dir');
      expect(copy.host.startsWith(box.root!)).toBe(true);
      expect(readlinkSync(join(copy.host, 'rel-link'))).toBe('ro.txt');
      expect(readlinkSync(join(copy.host, 'dangling'))).toBe('/nonexistent/target');
      expect(readFileSync(join(copy.host, 'locked', 'f'), 'utf8')).toBe('data');
      expect(lstatSync(join(copy.host, 'ro.txt')).mode & 0o777).toBe(0o444);
      expect(lstatSync(join(copy.host, 'locked')).mode & 0o777).toBe(0o555);
      expect(c.wasi!.dirs![0]!.host).toBe(src);
    } finally {
      box.dispose();
    }
    expect(existsSync(box.root!)).toBe(false);
    chmodSync(join(src, 'locked'), 0o755);
  });

  it('one folder preopened under two names is one copy; a missing folder stays missing, inside the sandbox', () => {
    const c = { wasi: { dirs: [{ host: MUTATING, guest: 'a' }, { host: join(MUTATING, '.'), guest: 'b' }, { host: join(tmp, 'absent'), guest: 'c' }] } } as unknown as Case;
    const box = sandboxPreopens([c]);
    try {
      const [a, b, missing] = box.cases[0]!.wasi!.dirs!;
      expect(b!.host).toBe(a!.host);
      expect(missing!.host.startsWith(box.root!)).toBe(true);
      expect(existsSync(missing!.host)).toBe(false);
      expect(existsSync(join(tmp, 'absent'))).toBe(false);
    } finally {
      box.dispose();
    }
  });

  it('every executeAll (a retried batch too) gets new copies; cases without preopens are passed through untouched', async () => {
    const seen: Seen[] = [];
    const rt = withFreshPreopens(mutatingRuntime(seen));
    const [first] = loadWasiTestsuite(MUTATING);
    await rt.executeAll([first!]);
    await rt.executeAll([first!]);
    expect(seen.map((s) => s.keep)).toEqual([true, true]);
    expect(seen[0]!.host).not.toBe(seen[1]!.host);
    const plain = { id: 'x', wasi: { args: ['x'] } } as unknown as Case;
    expect(sandboxPreopens([plain]).cases[0]).toBe(plain);
  });

  it('removeTree deletes what a test left unwritable', () => {
    const dir = join(tmp, 'unwritable');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'f'), 'x');
    chmodSync(join(dir, 'sub'), 0o500);
    removeTree(dir);
    expect(existsSync(dir)).toBe(false);
  });
});
