/**
 * The TypeScript loader's disk cache (src/loader/ts-cache.js, ts-transform.js): a hit returns the
 * stored code without transforming, a changed source gets new code, a damaged or unwritable cache
 * only means transforming again, and writers racing on one entry never leave a torn file.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain-JS loader module without type declarations
import { cacheKey, pruneEntries, readEntry, sha256, writeEntry } from '../../src/loader/ts-cache.js';
// @ts-expect-error plain-JS loader module without type declarations
import { esbuildTransform, transformTypeScript } from '../../src/loader/ts-transform.js';

type Transform = (source: string, sourcefile: string) => Promise<string>;
const transformTs = transformTypeScript as (source: string, sourcefile: string, cacheDir: string | undefined, transform?: Transform) => Promise<string>;
const realTransform = esbuildTransform as Transform;

const scratch = mkdtempSync(join(tmpdir(), 'trapcheck-ts-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let dirs = 0;
const freshDir = (): string => join(scratch, `cache-${dirs++}`);

/** esbuild's transform, counting its calls. */
function counting(): { transform: Transform; calls: () => number } {
  let n = 0;
  return {
    transform: (source, file) => {
      n++;
      return realTransform(source, file);
    },
    calls: () => n,
  };
}

const SOURCE = 'export const answer: number = 41 + 1;\n';
const FILE = '/virtual/answer.ts';

/** The one entry file of a cache folder. */
function onlyEntry(dir: string): string {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
}

describe('TypeScript loader cache', () => {
  it('transforms once, then serves the same code without transforming', async () => {
    const dir = freshDir();
    const c = counting();
    const first = await transformTs(SOURCE, FILE, dir, c.transform);
    expect(first).toContain('const answer = 41 + 1;');
    expect(first).not.toContain(': number');
    expect(c.calls()).toBe(1);
    const second = await transformTs(SOURCE, FILE, dir, c.transform);
    expect(second).toBe(first);
    expect(c.calls()).toBe(1);
  });

  it('gives new code for a changed source (and keeps both entries)', async () => {
    const dir = freshDir();
    const c = counting();
    await transformTs(SOURCE, FILE, dir, c.transform);
    const changed = await transformTs(SOURCE.replace('41', '40'), FILE, dir, c.transform);
    expect(changed).toContain('const answer = 40 + 1;');
    expect(c.calls()).toBe(2);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('keys entries by path too (the inline source map names the file)', () => {
    expect(cacheKey(SOURCE, 'salt\0/a.ts')).not.toBe(cacheKey(SOURCE, 'salt\0/b.ts'));
    expect(cacheKey(SOURCE, 'salt\0/a.ts')).toBe(cacheKey(SOURCE, 'salt\0/a.ts'));
  });

  it('replaces a damaged entry (garbage, truncated, or a body that does not match its hash)', async () => {
    const dir = freshDir();
    const c = counting();
    const good = await transformTs(SOURCE, FILE, dir, c.transform);
    const entry = onlyEntry(dir);
    const intact = readFileSync(entry, 'utf8');
    const damaged = ['garbage', '', intact.slice(0, intact.length - 10), intact.replace('41', '99')];
    for (const [i, text] of damaged.entries()) {
      writeFileSync(entry, text);
      expect(await transformTs(SOURCE, FILE, dir, c.transform)).toBe(good);
      expect(c.calls()).toBe(2 + i);
      expect(readFileSync(entry, 'utf8')).toBe(intact);
    }
  });

  it('falls back to transforming when the cache folder cannot be created', async () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const c = counting();
    for (let i = 1; i <= 2; i++) {
      expect(await transformTs(SOURCE, FILE, join(blocker, 'cache'), c.transform)).toContain('const answer = 41 + 1;');
      expect(c.calls()).toBe(i);
    }
  });

  it('transforms every time with no cache folder', async () => {
    const c = counting();
    await transformTs(SOURCE, FILE, undefined, c.transform);
    await transformTs(SOURCE, FILE, undefined, c.transform);
    expect(c.calls()).toBe(2);
  });

  it('never leaves a torn entry when processes write one entry at once', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const key = 'f'.repeat(64);
    // each writer stores its own 512 KB body under the same key, 20 times
    const bodies = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(512 << 10));
    const whole = new Set(bodies.map((b) => `//trapcheck-ts ${sha256(b) as string}\n${b}`));
    const module = new URL('../../src/loader/ts-cache.js', import.meta.url).href;
    const writer = (ch: string) =>
      new Promise<void>((resolve, reject) => {
        const script = `const { writeEntry } = await import(${JSON.stringify(module)}); const body = ${JSON.stringify(ch)}.repeat(512 << 10); for (let i = 0; i < 20; i++) if (!writeEntry(process.argv[1], ${JSON.stringify(key)}, body)) process.exit(3);`;
        execFile(process.execPath, ['--input-type=module', '-e', script, dir], (err) => (err ? reject(err) : resolve()));
      });
    const writers = Promise.all(['a', 'b', 'c', 'd'].map(writer));
    let done = false;
    void writers.finally(() => (done = true));
    let seen = 0;
    while (!done) {
      let text: string | undefined;
      try {
        text = readFileSync(join(dir, `${key}.js`), 'utf8');
      } catch {
        // not written yet
      }
      if (text !== undefined) {
        expect(whole.has(text)).toBe(true);
        seen++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await writers;
    expect(bodies).toContain(readEntry(dir, key));
    expect(readdirSync(dir)).toEqual([`${key}.js`]); // no temporary file left behind
    expect(seen).toBeGreaterThan(0);
  });

  it('writeEntry reports an unusable folder instead of throwing', () => {
    const blocker = join(scratch, 'another-file');
    writeFileSync(blocker, 'x');
    expect(writeEntry(join(blocker, 'sub'), 'k', 'code')).toBe(false);
    expect(readEntry(join(blocker, 'sub'), 'k')).toBeUndefined();
  });
});

describe('TypeScript loader cache pruning', () => {
  const prune = pruneEntries as (dir: string, now?: number, above?: number) => number;
  const DAY = 24 * 60 * 60 * 1000;
  const NOW = Date.UTC(2026, 11, 7);

  /** A cache folder with files last read (atime) and written (mtime) `days` ago. */
  function folder(files: Record<string, { readDaysAgo: number; writtenDaysAgo?: number }>): string {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    for (const [name, age] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, 'x');
      utimesSync(path, (NOW - age.readDaysAgo * DAY) / 1000, (NOW - (age.writtenDaysAgo ?? age.readDaysAgo) * DAY) / 1000);
    }
    return dir;
  }

  it('removes entries unread for 14 days and abandoned temporary files, keeps the rest', () => {
    const dir = folder({
      'dead.js': { readDaysAgo: 15 },
      'read-yesterday.js': { readDaysAgo: 1, writtenDaysAgo: 40 },
      'read-13-days-ago.js': { readDaysAgo: 13 },
      'abandoned.js.123.ab.tmp': { readDaysAgo: 1 },
      'being-written.js.456.cd.tmp': { readDaysAgo: 0 },
      'not-ours.txt': { readDaysAgo: 400 },
    });
    expect(prune(dir, NOW, 2)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['being-written.js.456.cd.tmp', 'not-ours.txt', 'read-13-days-ago.js', 'read-yesterday.js']);
  });

  it('leaves a folder at or below the threshold alone, however old its entries', () => {
    const dir = folder({ 'a.js': { readDaysAgo: 100 }, 'b.js': { readDaysAgo: 100 } });
    expect(prune(dir, NOW, 2)).toBe(0);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('never throws on a folder that does not exist', () => {
    expect(prune(join(scratch, 'no-such-folder'), NOW, 0)).toBe(0);
  });
});
