/**
 * Runtime discovery: finding native binaries, naming them with the version they print, resolving
 * `--runtime` names, and refusing binaries that are not what they claim — over fake executables in
 * a temporary folder (version-printing scripts), and over the real runtimes folder when present.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrapcheckError } from '../../src/errors.ts';
import type { Discovery } from '../../src/runtimes/discovery.ts';
import { compareVersions, defaultRuntimesDir, discoverRuntimes, identifyExplicit, pickRuntime } from '../../src/runtimes/discovery.ts';
import { embeddedCrateVersion } from '../../src/runtimes/embedded-version.ts';
import { createNativeRuntime } from '../../src/runtimes/native-adapters.ts';
import { NATIVE_KINDS, variantFromFileName } from '../../src/runtimes/native-kinds.ts';
import { checkRuntimeName, createRuntime, parseRuntimeName, parseRuntimeSpec } from '../../src/runtimes/registry.ts';
import { NODE_MODULES, onPath } from '../../src/runtimes/binaries.ts';
import { trapcheck } from '../cli/helpers.ts';

let root: string;
const script = (dir: string, name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'trapcheck-discovery-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('discovery over fake executables', () => {
  let found: Discovery;
  let bin: string;
  beforeAll(async () => {
    bin = join(root, 'bin');
    const pathDir = join(root, 'path');
    const nm = join(root, 'node_modules');
    mkdirSync(bin);
    mkdirSync(pathDir);
    script(bin, 'iwasm-2.0.0', 'echo "iwasm 2.0.0"');
    script(bin, 'iwasm-2.4.5', 'echo "iwasm 2.4.5"; echo; echo "About Wasm Proposals:"');
    script(bin, 'iwasm-2.4.5-classic', 'echo "iwasm 2.4.5"');
    script(bin, 'wasm3-head', 'echo "Wasm3 v0.9.0 on x86_64"; echo "Build: today"');
    script(bin, 'wazero-1.6.0', '[ "$1" = version ] && echo v1.6.0 || printf "wazero CLI\\n\\nUsage:\\n"');
    script(bin, 'iwasm-broken', 'echo "hello"');
    script(bin, 'unrelated-tool', 'echo "iwasm 9.9.9"');
    writeFileSync(join(bin, 'iwasm-not-executable'), 'iwasm 1.0.0\n');
    // PATH: a second iwasm 2.4.5 (shadowed by the folder's), a wasmtime CLI, a gjs
    script(pathDir, 'iwasm', 'echo "iwasm 2.4.5"');
    script(pathDir, 'wasmtime', 'echo "wasmtime 30.0.0 (abc1234 2025-01-20)"');
    script(pathDir, 'gjs', '[ "$1" = -c ] && echo "gjs 1.74.2 mozjs 102 WebAssembly object"');
    // an npm alias of wizer whose platform binary is nested under it, as npm lays out a second version
    const alias = join(nm, 'wizer-x');
    const platform = join(alias, 'node_modules', '@bytecodealliance', `wizer-${process.platform}-${process.arch}`);
    mkdirSync(platform, { recursive: true });
    writeFileSync(join(alias, 'package.json'), JSON.stringify({ name: '@bytecodealliance/wizer', version: '10.0.0' }));
    writeFileSync(join(platform, 'package.json'), JSON.stringify({ version: '10.0.0', bin: { wizer: 'wizer' } }));
    script(platform, 'wizer', '# /cargo/registry/src/wasmtime-36.0.2/src/lib.rs /cargo/registry/src/wasmtime-wasi-99.0.0/x\necho "wizer 10.0.0"');
    found = await discoverRuntimes({ runtimesDir: bin, path: pathDir, nodeModules: nm, timeoutMs: 3000 });
  });

  it('names every runtime with the version its binary printed, variants from the file name', () => {
    expect(found.runtimes.map((r) => r.name)).toEqual(['iwasm@2.0.0', 'iwasm@2.4.5', 'iwasm-classic@2.4.5', 'wasm3@0.9.0', 'wazero@1.6.0', 'wasmtime@30.0.0', 'wasmtime@36.0.2', 'spidermonkey@102']);
    const byName = new Map(found.runtimes.map((r) => [r.name, r]));
    expect(byName.get('iwasm-classic@2.4.5')).toMatchObject({ base: 'iwasm-classic', kind: 'iwasm', version: '2.4.5', versionLine: 'iwasm 2.4.5', binary: join(bin, 'iwasm-2.4.5-classic'), source: 'runtimes dir' });
    expect(byName.get('wasm3@0.9.0')).toMatchObject({ versionLine: 'Wasm3 v0.9.0 on x86_64', kind: 'wasm3' });
    expect(byName.get('wasmtime@36.0.2')).toMatchObject({ kind: 'wasmtime', versionLine: 'wizer 10.0.0, embedding wasmtime 36.0.2', source: 'npm wizer-x (@bytecodealliance/wizer 10.0.0)' });
    expect(byName.get('wasmtime@30.0.0')?.source).toBe('PATH');
    expect(byName.get('spidermonkey@102')?.versionLine).toBe('gjs 1.74.2, libmozjs-102');
  });

  it('a file named like a runtime that does not answer like one is a one-line problem; others are ignored', () => {
    expect(found.problems.map((p) => p.message)).toEqual([`${join(bin, 'iwasm-broken')} (runtimes dir): not iwasm: \`--version\` printed \`hello\`; expected \`iwasm X.Y.Z\``]);
    expect(found.shadowed.map((p) => p.message)).toEqual([`iwasm@2.4.5 also at ${join(root, 'path', 'iwasm')} (PATH); using ${join(bin, 'iwasm-2.4.5')}`]);
  });

  it('a bare name is the newest version; NAME@VERSION that one; a missing one says what exists', () => {
    expect(pickRuntime(found, 'iwasm').name).toBe('iwasm@2.4.5');
    expect(pickRuntime(found, 'iwasm', '2.0.0').binary).toBe(join(bin, 'iwasm-2.0.0'));
    expect(pickRuntime(found, 'wasmtime').name).toBe('wasmtime@36.0.2');
    expect(() => pickRuntime(found, 'iwasm', '2.4')).toThrow('runtime iwasm@2.4: no such version here; found iwasm@2.0.0, iwasm@2.4.5');
    expect(() => pickRuntime(found, 'wasmer')).toThrow(`runtime wasmer: not found (looked for wasmer* in ${bin}, \`wasmer\` on PATH); give one with --runtime wasmer=/path/to/binary`);
  });

  it('an empty folder and PATH find nothing, and the reason names the places', async () => {
    const none = await discoverRuntimes({ runtimesDir: join(root, 'absent'), path: '', nodeModules: join(root, 'absent') });
    expect(none.runtimes).toEqual([]);
    expect(() => pickRuntime(none, 'iwasm-classic')).toThrow(`runtime iwasm-classic: not found (looked for iwasm* in ${join(root, 'absent')} (no such folder), \`iwasm\` on PATH)`);
  });

  it('NAME=/path reads the version from that binary; a variant in NAME is kept', async () => {
    expect(await identifyExplicit('iwasm', join(bin, 'iwasm-2.4.5-classic'))).toMatchObject({ name: 'iwasm-classic@2.4.5', source: 'given' });
    expect(await identifyExplicit('iwasm-classic', join(bin, 'iwasm-2.0.0'))).toMatchObject({ name: 'iwasm-classic@2.0.0', base: 'iwasm-classic' });
    expect((await identifyExplicit('wasmtime', join(root, 'path', 'wasmtime'))).name).toBe('wasmtime@30.0.0');
    await expect(identifyExplicit('iwasm@2.4.5', join(bin, 'iwasm-2.0.0'))).rejects.toThrow(`runtime iwasm@2.4.5: \`${join(bin, 'iwasm-2.0.0')}\` reports version 2.0.0 (iwasm 2.0.0)`);
  });
});

describe('bad input: one-line errors within seconds', () => {
  it('a path that is not executable', async () => {
    await expect(createRuntime('iwasm=/etc/passwd')).rejects.toThrow(new TrapcheckError('RUNTIME_NOT_FOUND', 'runtime iwasm: `/etc/passwd` is not an executable file'));
  });

  it('a binary that is not the runtime it claims', async () => {
    await expect(createRuntime('iwasm=/bin/true')).rejects.toThrow(/^runtime iwasm: `\/bin\/true` is not iwasm: `--version` printed `true \(GNU coreutils\) [\d.]+`; expected `iwasm X\.Y\.Z`$/);
    await expect(createRuntime('wasm3=/usr/bin/yes')).rejects.toThrow(/^runtime wasm3: `\/usr\/bin\/yes` is not wasm3: `--version` printed `yes \(GNU coreutils\) [\d.]+`; expected `Wasm3 vX\.Y\.Z`$/);
    // `yes version` prints forever: stopped at the output cap
    await expect(createRuntime('wazero=/usr/bin/yes')).rejects.toThrow('runtime wazero: `/usr/bin/yes` is not wazero: `version` printed `version` without end; expected `vX.Y.Z` (and a usage text starting `wazero CLI`)');
    const silent = script(root, 'silent', 'exit 3');
    await expect(identifyExplicit('spidermonkey', silent)).rejects.toThrow(`runtime spidermonkey: \`${silent}\` is not spidermonkey: \`-c …\` printed nothing (exit status 3); expected gjs to run a script naming its \`libmozjs-N\``);
  });

  it('a runtime that hangs on start is killed at the probe timeout, with whatever it started', async () => {
    const hang = script(root, 'iwasm-hang', 'sleep 30 & sleep 30');
    const started = performance.now();
    await expect(identifyExplicit('iwasm', hang, 1000)).rejects.toThrow(`runtime iwasm: \`${hang}\` is not iwasm: \`--version\` did not answer within 1000 ms (killed); expected \`iwasm X.Y.Z\``);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('gjs without WebAssembly is refused with the reason', async () => {
    const gjs = script(root, 'gjs', 'echo "gjs 1.60.0 mozjs 68 WebAssembly undefined"');
    await expect(identifyExplicit('spidermonkey', gjs)).rejects.toThrow(`runtime spidermonkey: \`${gjs}\` is not spidermonkey: gjs 1.60.0 (SpiderMonkey 68) has no WebAssembly object (\`typeof WebAssembly\` is undefined)`);
  });

  it('a found runtime whose adapter module does not exist cannot start: one line', async () => {
    const kind = { ...NATIVE_KINDS[0]!, adapter: { module: './native/no-such-adapter.ts', factory: 'createNothing' } };
    const d = { name: 'iwasm@1.0.0', base: 'iwasm', family: 'iwasm', kind: 'iwasm', binary: '/x/iwasm', version: '1.0.0', versionLine: 'iwasm 1.0.0', source: 'test', nativeKind: kind };
    await expect(createNativeRuntime(d)).rejects.toThrow('runtime iwasm@1.0.0: adapter not available (src/runtimes/native/no-such-adapter.ts does not exist); binary /x/iwasm (iwasm 1.0.0)');
  });

  it('through the CLI: exit 2 and one line on stderr, no stack trace', () => {
    const hang = script(root, 'wasm3-hang', 'sleep 30');
    for (const [spec, message] of [
      ['iwasm=/bin/true', /^trapcheck: runtime iwasm: `\/bin\/true` is not iwasm: `--version` printed `true \(GNU coreutils\) [\d.]+`; expected `iwasm X\.Y\.Z`\n$/],
      [`wasm3=${hang}`, /^trapcheck: runtime wasm3: `[^`]+` is not wasm3: `--version` did not answer within 4000 ms \(killed\); expected `Wasm3 vX\.Y\.Z`\n$/],
    ] as const) {
      const r = trapcheck(['run', '--runtime', spec, '--runs', '1', '--family', 'core-traps', '--out', join(root, 'out')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('runtime names', () => {
  it('parses NAME, NAME@VERSION and NAME=/path', () => {
    expect(parseRuntimeName('iwasm-classic@2.4.5')).toEqual({ base: 'iwasm-classic', version: '2.4.5' });
    expect(parseRuntimeName('iwasm')).toEqual({ base: 'iwasm' });
    expect(parseRuntimeSpec('iwasm=/opt/iwasm')).toEqual({ name: 'iwasm', binary: '/opt/iwasm' });
    expect(parseRuntimeSpec('wasmtime@42.0.1')).toEqual({ name: 'wasmtime@42.0.1' });
  });

  it('accepts versions, variants and `all`; refuses the rest with the valid forms', () => {
    for (const ok of ['all', 'iwasm', 'iwasm@2.0.0', 'iwasm-classic', 'iwasm-classic@2.4.5', 'wasm3@0.9.0', 'spidermonkey@102', 'deno']) expect(() => checkRuntimeName(ok)).not.toThrow();
    expect(() => checkRuntimeName('node@20')).toThrow('runtime `node@20`: node has one version here; name it `node`');
    expect(() => checkRuntimeName('iwasm@')).toThrow(/^unknown runtime `iwasm@`; valid runtimes: `reference`, .*`spidermonkey`, a version \(`iwasm@2\.4\.5`\), a variant \(`iwasm-classic`\), `all`, or NAME=\/path$/);
    expect(() => checkRuntimeName('iwasmx')).toThrow(/^unknown runtime `iwasmx`/);
  });

  it('`all` is for commands that take several runtimes', async () => {
    await expect(createRuntime('all')).rejects.toThrow('`all` stands for several runtimes, which `run` and `replay` take; name them one by one here (`trapcheck runtimes` lists them)');
  });

  it('versions compare numerically; variants come from file names, version labels do not', () => {
    expect(compareVersions('0.10.0', '0.9.0')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0', '2.4.5')).toBeLessThan(0);
    expect(variantFromFileName('iwasm-2.4.5-classic', 'iwasm', '2.4.5')).toBe('classic');
    expect(variantFromFileName('wasm3-head', 'wasm3', '0.9.0')).toBeUndefined();
    expect(variantFromFileName('wasm3-v0.9.0', 'wasm3', '0.9.0')).toBeUndefined();
    expect(variantFromFileName('wizer', 'wizer', '42.0.1')).toBeUndefined();
  });
});

const REAL = defaultRuntimesDir();
const realPresent = existsSync(REAL);

describe.skipIf(!realPresent)(`the real runtimes at ${REAL}`, () => {
  it('finds each binary under the name and version it prints', async () => {
    const d = await discoverRuntimes({ path: '', timeoutMs: 10_000 });
    const names = d.runtimes.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['iwasm@2.0.0', 'iwasm@2.4.5', 'iwasm-classic@2.4.5', 'wasm3@0.5.0', 'wasm3@0.9.0', 'wazero@1.6.0']));
    expect(d.problems).toEqual([]);
    expect(d.runtimes.find((r) => r.name === 'wasm3@0.9.0')?.binary).toBe(join(REAL, 'wasm3-head'));
  }, 30_000);
});
if (!realPresent) it.skip(`the real runtimes folder ${REAL} is absent (set TRAPCHECK_RUNTIMES_DIR): skipped`, () => undefined);

const WIZERS = [
  ['wizer-10', join(NODE_MODULES, '@bytecodealliance/wizer-linux-x64/wizer'), '36.0.2'],
  ['wizer-11', join(NODE_MODULES, 'wizer-11/node_modules/@bytecodealliance/wizer-linux-x64/wizer'), '42.0.1'],
] as const;
const wizerPresent = process.platform === 'linux' && process.arch === 'x64' && WIZERS.every(([, p]) => existsSync(p));

describe.skipIf(!wizerPresent)('wasmtime inside the npm wizer packages', () => {
  it.each(WIZERS)('%s: %s embeds wasmtime %s (read from the binary)', async (_alias, path, version) => {
    expect(await embeddedCrateVersion(path, 'wasmtime')).toBe(version);
  });

  it('both are discovered as wasmtime versions', async () => {
    const d = await discoverRuntimes({ runtimesDir: join(root, 'absent'), path: '' });
    expect(d.runtimes.map((r) => r.name)).toEqual(['wasmtime@36.0.2', 'wasmtime@42.0.1']);
    expect(d.runtimes[1]!.versionLine).toBe('wizer (prints no version), embedding wasmtime 42.0.1');
  }, 30_000);
});
if (!wizerPresent) it.skip('npm wizer-10 / wizer-11 (linux x64) not installed: skipped', () => undefined);

const GJS = onPath('gjs');
describe.skipIf(!GJS)('gjs (SpiderMonkey)', () => {
  it('is named by the libmozjs it loaded', async () => {
    const d = await identifyExplicit('spidermonkey', GJS!, 10_000);
    expect(d.name).toMatch(/^spidermonkey@\d+$/);
    expect(d.versionLine).toMatch(new RegExp(`^gjs \\d+\\.\\d+\\.\\d+, libmozjs-${d.version}$`));
  });
});
if (!GJS) it.skip('gjs not on PATH: skipped', () => undefined);
