/**
 * Finding the native runtimes on this machine and naming each with the version its binary
 * reports: `iwasm@2.4.5`, `iwasm-classic@2.4.5`, `wasm3@0.9.0`, `wasmtime@42.0.1`, `spidermonkey@102`.
 *
 * Looked in, first found first: the runtimes folder (`TRAPCHECK_RUNTIMES_DIR`, else
 * `../shared/runtimes/bin` beside the repository), the `@bytecodealliance/wizer` packages in
 * node_modules (any npm alias: `wizer-10`, `wizer-11`), then PATH. Every file is asked for its
 * version (native-kinds.ts says how, per runtime); a file that does not answer like the runtime its
 * name claims is a one-line problem in the listing, never a crash. Two files reporting the same
 * name: the first is used, the second noted.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrapcheckError } from '../errors.ts';
import { executable, NODE_MODULES, onPath } from './binaries.ts';
import type { NativeKind } from './native-kinds.ts';
import { kindsForFile, NATIVE_FAMILIES, NATIVE_KINDS, printed, variantFromFileName } from './native-kinds.ts';
import type { NativeRuntimeOptions } from './native/options.ts';
import type { ProbeOutput } from './version-probe.ts';
import { PROBE_TIMEOUT_MS, probeBinary } from './version-probe.ts';

export interface DiscoveredRuntime extends NativeRuntimeOptions {
  /** The name without version: `iwasm`, `iwasm-classic`. */
  base: string;
  family: string;
  /** Where it was found, for the listing: `runtimes dir`, `PATH`, `npm wizer-11`. */
  source: string;
  nativeKind: NativeKind;
}

export interface DiscoveryNote {
  family: string;
  /** A one-line reason naming the file. */
  message: string;
}

export interface Discovery {
  runtimes: DiscoveredRuntime[];
  /** Files that look like a runtime by name but did not answer like one. */
  problems: DiscoveryNote[];
  /** Same name found again further down the search order (not used). */
  shadowed: DiscoveryNote[];
  /** Per family, where it was looked for: for the one-line "missing" reason. */
  searched: Map<string, string[]>;
}

export interface DiscoveryOptions {
  /** The runtimes folder; default: TRAPCHECK_RUNTIMES_DIR, else ../shared/runtimes/bin beside the repo. */
  runtimesDir?: string;
  /** PATH to search; default: process.env.PATH. */
  path?: string;
  nodeModules?: string;
  timeoutMs?: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function defaultRuntimesDir(): string {
  return process.env['TRAPCHECK_RUNTIMES_DIR'] || resolve(REPO_ROOT, '..', 'shared', 'runtimes', 'bin');
}

interface Candidate {
  path: string;
  fileName: string;
  source: string;
  kinds: Array<{ kind: NativeKind; stem: string }>;
}

function dirCandidates(dir: string): Candidate[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const kinds = kindsForFile(f);
      const path = join(dir, f);
      return kinds.length && executable(path) ? [{ path, fileName: f, source: 'runtimes dir', kinds }] : [];
    });
}

const WIZER_KIND = NATIVE_KINDS.find((k) => k.stems.includes('wizer'))!;

/** Every installed copy of @bytecodealliance/wizer (under any alias) and its platform binary. */
function npmWizerCandidates(nodeModules: string): Candidate[] {
  if (!existsSync(nodeModules)) return [];
  const dirs = readdirSync(nodeModules).filter((d) => d.includes('wizer')).map((d) => join(nodeModules, d));
  const scoped = join(nodeModules, '@bytecodealliance', 'wizer');
  if (existsSync(scoped)) dirs.push(scoped);
  const platformPackage = `@bytecodealliance/wizer-${process.platform}-${process.arch}`;
  return dirs.sort().flatMap((dir) => {
    const pkg = readJson(join(dir, 'package.json'));
    if (pkg?.['name'] !== '@bytecodealliance/wizer') return [];
    // npm nests the platform package under the alias when another wizer version took the top level
    const platformDir = [join(dir, 'node_modules', platformPackage), join(nodeModules, platformPackage)].find((d) => readJson(join(d, 'package.json'))?.['version'] === pkg['version']);
    if (!platformDir) return [];
    const bin = readJson(join(platformDir, 'package.json'))?.['bin'];
    const file = typeof bin === 'string' ? bin : bin && typeof bin === 'object' ? String(Object.values(bin)[0]) : 'wizer';
    const path = join(platformDir, file);
    return executable(path) ? [{ path, fileName: 'wizer', source: `npm ${basename(dir)} (@bytecodealliance/wizer ${String(pkg['version'])})`, kinds: [{ kind: WIZER_KIND, stem: 'wizer' }] }] : [];
  });
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function pathCandidates(path: string): Candidate[] {
  return NATIVE_KINDS.flatMap((kind) =>
    kind.pathCommands.flatMap((command) => {
      const found = onPath(command, path);
      return found ? [{ path: found, fileName: basename(found), source: 'PATH', kinds: [{ kind, stem: command }] }] : [];
    }),
  );
}

const showArgs = (args: readonly string[]) => args.map((a) => (a.length > 24 || a.includes('\n') ? '…' : a)).join(' ');

/**
 * What a binary is, among `kinds` (tried in order; probes with the same arguments run once), or
 * a one-line reason why it is none of them.
 */
export async function identifyBinary(path: string, fileName: string, kinds: ReadonlyArray<{ kind: NativeKind; stem?: string }>, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ runtime: Omit<DiscoveredRuntime, 'source'> } | { reason: string }> {
  const runs = new Map<string, Promise<ProbeOutput>>();
  const run = (args: readonly string[]) => {
    const key = JSON.stringify(args);
    if (!runs.has(key)) runs.set(key, probeBinary(path, args, timeoutMs));
    return runs.get(key)!;
  };
  const outputs = kinds.map(({ kind }) => Promise.all(kind.probes.map(run)));
  for (const [i, { kind, stem }] of kinds.entries()) {
    const id = await kind.identify(await outputs[i]!, path);
    if (id === null) continue;
    if ('reason' in id) return { reason: id.reason };
    const variant = stem !== undefined && (fileName === stem || fileName.startsWith(`${stem}-`)) ? variantFromFileName(fileName, stem, id.version) : undefined;
    const base = variant ? `${kind.family}-${variant}` : kind.family;
    return { runtime: { name: `${base}@${id.version}`, base, family: kind.family, kind: kind.kind, binary: path, version: id.version, versionLine: id.versionLine, nativeKind: kind } };
  }
  const first = kinds[0]!.kind;
  const shown = await run(first.probes[0]!);
  return { reason: `\`${showArgs(first.probes[0]!)}\` ${printed(shown)}; expected ${[...new Set(kinds.map((k) => k.kind.expected))].join(' or ')}` };
}

export async function discoverRuntimes(options: DiscoveryOptions = {}): Promise<Discovery> {
  const dir = options.runtimesDir ?? defaultRuntimesDir();
  const path = options.path ?? process.env['PATH'] ?? '';
  const nodeModules = options.nodeModules ?? NODE_MODULES;
  const seen = new Set<string>();
  const candidates = [...dirCandidates(dir), ...npmWizerCandidates(nodeModules), ...pathCandidates(path)].filter((c) => {
    const real = realpathSync(c.path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  const identified = await Promise.all(candidates.map((c) => identifyBinary(c.path, c.fileName, c.kinds, options.timeoutMs)));
  const discovery: Discovery = { runtimes: [], problems: [], shadowed: [], searched: searchedPlaces(dir, nodeModules) };
  for (const [i, c] of candidates.entries()) {
    const result = identified[i]!;
    const family = c.kinds[0]!.kind.family;
    if ('reason' in result) {
      discovery.problems.push({ family, message: `${c.path} (${c.source}): not ${family}: ${result.reason}` });
      continue;
    }
    const first = discovery.runtimes.find((r) => r.name === result.runtime.name);
    if (first) discovery.shadowed.push({ family, message: `${result.runtime.name} also at ${c.path} (${c.source}); using ${first.binary}` });
    else discovery.runtimes.push({ ...result.runtime, source: c.source });
  }
  discovery.runtimes.sort((a, b) => NATIVE_FAMILIES.indexOf(a.family) - NATIVE_FAMILIES.indexOf(b.family) || a.base.localeCompare(b.base) || compareVersions(a.version, b.version));
  return discovery;
}

function searchedPlaces(dir: string, nodeModules: string): Map<string, string[]> {
  const places = new Map<string, string[]>();
  for (const kind of NATIVE_KINDS) {
    const list = places.get(kind.family) ?? [];
    const stems = kind.stems.filter((s) => s !== 'wizer');
    if (stems.length) list.push(`${stems.map((s) => `${s}*`).join(', ')} in ${dir}${existsSync(dir) ? '' : ' (no such folder)'}`);
    if (kind.stems.includes('wizer')) list.push(`wizer* in ${dir}`, `@bytecodealliance/wizer in ${nodeModules}`);
    for (const c of kind.pathCommands) list.push(`\`${c}\` on PATH`);
    places.set(kind.family, list);
  }
  return places;
}

/** Numeric where both parts are numbers: 2.4.5 > 2.0.0, 0.10.0 > 0.9.0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/** `iwasm` → the newest iwasm found; `iwasm@2.0.0` → exactly that one. */
export function pickRuntime(discovery: Discovery, base: string, version?: string): DiscoveredRuntime {
  const family = familyOf(base) ?? base;
  const same = discovery.runtimes.filter((r) => r.base === base);
  const label = version === undefined ? base : `${base}@${version}`;
  if (!same.length) {
    const why = discovery.problems.filter((p) => p.family === family).map((p) => p.message);
    const found = discovery.runtimes.filter((r) => r.family === family).map((r) => r.name);
    const looked = `looked for ${(discovery.searched.get(family) ?? []).join(', ')}`;
    throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${label}: not found (${found.length ? `found ${found.join(', ')}` : looked})${why.length ? `; ${why.join('; ')}` : ''}; give one with --runtime ${base}=/path/to/binary`);
  }
  if (version === undefined) return same.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a));
  const exact = same.find((r) => r.version === version);
  if (!exact) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${label}: no such version here; found ${same.map((r) => r.name).join(', ')}`);
  return exact;
}

/** `iwasm-classic` → `iwasm`; undefined when the name is no native family. */
export function familyOf(base: string): string | undefined {
  return NATIVE_FAMILIES.find((f) => base === f || (base.startsWith(`${f}-`) && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(base.slice(f.length + 1))));
}

/**
 * `--runtime NAME=/path`: that binary, checked to be NAME (`iwasm=/bin/true` is refused) and named
 * with the version it reports. A variant in NAME (`iwasm-classic=…`) is kept; otherwise the file
 * name's variant applies as in discovery.
 */
export async function identifyExplicit(name: string, given: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<DiscoveredRuntime> {
  const at = name.indexOf('@');
  const base = at < 0 ? name : name.slice(0, at);
  const wanted = at < 0 ? undefined : name.slice(at + 1);
  const family = familyOf(base);
  if (!family) throw new TrapcheckError('UNKNOWN_RUNTIME', `unknown runtime \`${base}\``);
  const path = given.includes('/') ? resolve(given) : (onPath(given) ?? given);
  if (!existsSync(path) || !executable(path)) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${name}: \`${given}\` is not an executable file`);
  const kinds = NATIVE_KINDS.filter((k) => k.family === family).map((kind) => ({ kind, stem: kind.stems.find((s) => basename(path) === s || basename(path).startsWith(`${s}-`)) }));
  const result = await identifyBinary(path, basename(path), kinds, timeoutMs);
  if ('reason' in result) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${name}: \`${given}\` is not ${family}: ${result.reason}`);
  const found = result.runtime;
  if (wanted !== undefined && found.version !== wanted) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${name}: \`${given}\` reports version ${found.version} (${found.versionLine})`);
  const named = base === family ? found : { ...found, base, name: `${base}@${found.version}` };
  return { ...named, source: 'given' };
}

let memo: Promise<Discovery> | undefined;

/** Discovery with the default places, once per process (the files are probed once). */
export function discoverDefault(): Promise<Discovery> {
  memo ??= discoverRuntimes();
  return memo;
}
