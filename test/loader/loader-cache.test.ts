/**
 * The loader end to end (src/loader/register.js in a fresh Node process): the first import of a
 * `.ts` file starts esbuild and fills the cache, the next process imports it from the cache with
 * no esbuild process at all, and an edited file is transformed again.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REGISTER = new URL('../../src/loader/register.js', import.meta.url).href;
const scratch = mkdtempSync(join(tmpdir(), 'trapcheck-loader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Imports the module, then counts this process's esbuild children (the service esbuild starts).
const PROBE = `
import { readdirSync, readFileSync } from 'node:fs';
const { value } = await import(process.argv[1]);
let esbuild = 0;
for (const pid of readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
  try {
    const stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid && stat.includes('(esbuild)')) esbuild++;
  } catch {}
}
console.log(JSON.stringify({ value, esbuild }));
`;

function importInFreshProcess(file: string, cacheDir: string): Promise<{ value: number; esbuild: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', PROBE, pathToFileURL(file).href], { env: { ...process.env, TRAPCHECK_TS_CACHE: cacheDir } }, (err, out) =>
      err ? reject(err) : resolve(JSON.parse(out) as { value: number; esbuild: number }),
    );
  });
}

describe.skipIf(!existsSync('/proc/self/stat'))('TypeScript loader with its disk cache', () => {
  it('starts esbuild on a miss only, and transforms an edited file again', async () => {
    const file = join(scratch, 'value.ts');
    const cache = join(scratch, 'cache');
    writeFileSync(file, 'const base: number = 6;\nexport const value: number = base * 7;\n');
    expect(await importInFreshProcess(file, cache)).toEqual({ value: 42, esbuild: 1 });
    expect(readdirSync(cache)).toHaveLength(1);
    expect(await importInFreshProcess(file, cache)).toEqual({ value: 42, esbuild: 0 });
    writeFileSync(file, 'const base: number = 5;\nexport const value: number = base * 7;\n');
    expect(await importInFreshProcess(file, cache)).toEqual({ value: 35, esbuild: 1 });
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('runs without a cache when TRAPCHECK_TS_CACHE=off', async () => {
    const file = join(scratch, 'uncached.ts');
    writeFileSync(file, 'export const value: number = 1;\n');
    expect(await importInFreshProcess(file, 'off')).toEqual({ value: 1, esbuild: 1 });
    expect(await importInFreshProcess(file, 'off')).toEqual({ value: 1, esbuild: 1 });
  });
});
