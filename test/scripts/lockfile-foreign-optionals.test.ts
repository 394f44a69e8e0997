/**
 * scripts/lockfile-foreign-optionals.cjs on small lockfiles: the entries `npm ci` needs for
 * platform packages the registry here does not serve, at the place npm would put them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/lockfile-foreign-optionals.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trapcheck-lockfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Packages = Record<string, { version?: string; cpu?: string[]; os?: string[]; dev?: boolean; libc?: string[]; optionalDependencies?: Record<string, string> }>;

function fix(packages: Packages): { packages: Packages; printed: string } {
  const file = join(dir, 'package-lock.json');
  writeFileSync(file, JSON.stringify({ lockfileVersion: 3, packages }));
  const printed = execFileSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' });
  return { packages: (JSON.parse(readFileSync(file, 'utf8')) as { packages: Packages }).packages, printed };
}

const wizer = (v: string) => Object.fromEntries(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-s390x', 'linux-x64', 'win32-x64'].map((p) => [`@bytecodealliance/wizer-${p}`, v]));

describe('lockfile-foreign-optionals', () => {
  it('adds the missing platform packages with os and cpu, s390x included', () => {
    const { packages, printed } = fix({ '': {}, 'node_modules/wizer-11': { version: '11.0.3', dev: true, optionalDependencies: wizer('11.0.3') }, 'node_modules/@bytecodealliance/wizer-linux-x64': { version: '11.0.3' } });
    expect(printed.trim()).toBe('added 5');
    expect(packages['node_modules/@bytecodealliance/wizer-linux-s390x']).toEqual({ version: '11.0.3', cpu: ['s390x'], os: ['linux'], optional: true, dev: true });
    expect(packages['node_modules/@bytecodealliance/wizer-darwin-arm64']).toMatchObject({ cpu: ['arm64'], os: ['darwin'] });
  });

  it('a second version of the same platform package goes under its dependent, as npm nests it', () => {
    const { packages } = fix({
      '': {},
      'node_modules/wizer-10': { version: '10.0.0', dev: true, optionalDependencies: wizer('10.0.0') },
      'node_modules/wizer-11': { version: '11.0.3', dev: true, optionalDependencies: wizer('11.0.3') },
      ...Object.fromEntries(Object.keys(wizer('')).map((n) => [`node_modules/${n}`, { version: '10.0.0' }])),
      'node_modules/wizer-11/node_modules/@bytecodealliance/wizer-linux-x64': { version: '11.0.3' },
    });
    const nested = Object.keys(packages).filter((k) => k.startsWith('node_modules/wizer-11/node_modules/'));
    expect(nested).toHaveLength(6);
    expect(packages['node_modules/wizer-11/node_modules/@bytecodealliance/wizer-win32-x64']).toMatchObject({ version: '11.0.3', cpu: ['x64'], os: ['win32'] });
    expect(packages['node_modules/@bytecodealliance/wizer-win32-x64']).toEqual({ version: '10.0.0' });
  });

  it('is idempotent, keeps libc, and stops on a platform it cannot name', () => {
    const once = fix({ '': {}, 'node_modules/deno': { version: '2.9.6', optionalDependencies: { '@deno/linux-arm64-glibc': '2.9.6' } } }).packages;
    expect(once['node_modules/@deno/linux-arm64-glibc']).toMatchObject({ libc: ['glibc'], cpu: ['arm64'], os: ['linux'] });
    expect(fix(once).printed.trim()).toBe('added 0');
    expect(() => fix({ '': {}, 'node_modules/x': { version: '1.0.0', optionalDependencies: { 'x-plan9-vax': '1.0.0' } } })).toThrow(/cannot infer platform of x-plan9-vax/);
  });
});
