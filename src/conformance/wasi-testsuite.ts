/**
 * wasi-testsuite importer: a folder in WebAssembly/wasi-testsuite's layout is a suite
 * (`trapcheck run --suite wasi-testsuite:DIR`). Every `*.wasm` is a test; a `<name>.json` beside
 * it gives `args`, `env`, `exit_code`, `stdout`, `stderr` and `dirs` (or `root`). Each test
 * becomes a command case judged the way the suite's own runner (test-runner/, legacy config)
 * judges it: the process's exit code, stdout and stderr, wherever in the run the process ends
 * (a start section's proc_exit or trap included), never an outcome per step. The instantiate
 * step states nothing; the start step states the process's end (`exit … process: true`, which the
 * judge compares with the first step that ended the process):
 * - the exit code is the process's exit status, compared as is (`exit_code`, default 0);
 * - stdout / stderr are checked only where the JSON gives them, as the runner reads them: the
 *   stream as text must start with the expected string (it reads `len(expected)` characters);
 * - `args` follow the module (argv[0] is the runtime's), `env` is exactly the given variables,
 *   `dirs` are preopened under their own names, `root` as `/`; each runtime passes them with its
 *   own flags;
 * - preopened directories are copied fresh for every run of every test (wasi-preopens.ts, applied
 *   by the suite runner): tests create and delete files in them, and the suite folder is never
 *   written;
 * - the runner's 5 s wait is the case budget; stdin is empty (the runner's pipe stays open until
 *   it waits, trapcheck's reaches EOF at once: no test here reads stdin).
 *
 * Tests that preopen directories declare `wasi-preopens`, which the reference runtime lacks:
 * they are `skip` with that facility named. Threads tests (imports `wasi.thread-spawn`)
 * declare `wasi-threads`. Operation-based tests (p3, http, sockets) are not imported; the
 * error names the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Case, Step } from '../case.ts';
import { TrapcheckError } from '../errors.ts';
import type { Feature } from '../features.ts';
import { readSignatures } from '../wasm/signatures.ts';

export const SUITE_FAMILY = 'wasi-testsuite';
export const SUITE_PREFIX = 'wasi-testsuite:';

const LEGACY_KEYS = new Set(['args', 'env', 'exit_code', 'stdout', 'stderr', 'dirs', 'root', 'wasi_functions']);

export interface WasiTestSpec {
  args: string[];
  env: Record<string, string>;
  exit_code: number;
  stdout?: string;
  stderr?: string;
  dirs: string[];
  root?: string;
}

function bad(file: string, problem: string): never {
  throw new TrapcheckError('INVALID_CASE', `${file}: ${problem}`);
}

/** Validates one test's JSON (untrusted); every error names the file and the key. */
export function parseWasiTestSpec(json: unknown, file: string): WasiTestSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad(file, 'must be a JSON object');
  const o = json as Record<string, unknown>;
  if ('operations' in o) bad(file, 'operation-based tests (wasm32-wasip3, http, sockets) are not supported; only the legacy keys args, env, exit_code, stdout, stderr, dirs, root');
  const spec: WasiTestSpec = { args: [], env: {}, exit_code: 0, dirs: [] };
  for (const [k, v] of Object.entries(o)) {
    if (!LEGACY_KEYS.has(k)) continue; // unknown keys only warn in the upstream runner
    switch (k) {
      case 'args':
        if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) bad(file, '`args` must be an array of strings');
        spec.args = v as string[];
        break;
      case 'env':
        if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) bad(file, '`env` must be an object of strings');
        spec.env = v as Record<string, string>;
        break;
      case 'exit_code':
        if (!Number.isInteger(v) || (v as number) < 0) bad(file, '`exit_code` must be a non-negative integer');
        spec.exit_code = v as number;
        break;
      case 'stdout':
      case 'stderr':
        if (typeof v !== 'string') bad(file, `\`${k}\` must be a string`);
        spec[k] = v;
        break;
      case 'dirs':
        if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) bad(file, '`dirs` must be an array of directory names');
        spec.dirs = v as string[];
        break;
      case 'root':
        if (v !== null && typeof v !== 'string') bad(file, '`root` must be a directory name or null');
        if (typeof v === 'string') spec.root = v;
        break;
    }
  }
  return spec;
}

function featuresOf(bytes: Uint8Array): Feature[] {
  const features = new Set<Feature>(['wasi']);
  try {
    const sigs = readSignatures(bytes);
    if (sigs.imports.some((i) => i.module === 'wasi' && i.name === 'thread-spawn')) features.add('wasi-threads').add('threads');
  } catch {
    // unreadable: the runtime reports it when it compiles the module
  }
  return [...features];
}

/** The runner's per-test wait (test-runner/wasi_test_runner/runtime_adapter.py: 5 s unless the adapter says otherwise). */
export const RUNNER_TIMEOUT_MS = 5_000;

/**
 * A short, unique label for a suite folder: `tests/c/testsuite/wasm32-wasip1` → `c/wasm32-wasip1`
 * (the language and the WASI version; the folder name alone is the same for every language).
 */
export function suiteLabel(root: string): string {
  const name = basename(root);
  if (!/^wasm32-wasi/.test(name)) return name;
  const parent = dirname(root);
  const owner = basename(parent) === 'testsuite' ? basename(dirname(parent)) : basename(parent);
  return owner ? `${owner}/${name}` : name;
}

/** The runner's display name from `manifest.json` (`name`), when the folder has one. */
function manifestName(root: string): string | undefined {
  const file = join(root, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>)['name'] === 'string' ? ((m as Record<string, unknown>)['name'] as string) : undefined;
  } catch {
    return bad(file, 'malformed JSON');
  }
}

function readSpec(jsonPath: string): WasiTestSpec {
  if (!existsSync(jsonPath)) return { args: [], env: {}, exit_code: 0, dirs: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    bad(jsonPath, `malformed JSON (${(e as Error).message})`);
  }
  return parseWasiTestSpec(json, jsonPath);
}

/** What the runner checks at the end of the run: the exit status, and each stream the JSON names. */
function startExpectation(spec: WasiTestSpec): Step['expect'] {
  const expect: Step['expect'] = { outcome: { kind: 'exit', code: spec.exit_code, process: true } };
  if (spec.stdout !== undefined) expect.stdout = spec.stdout;
  if (spec.stderr !== undefined) expect.stderr = spec.stderr;
  if (spec.stdout !== undefined || spec.stderr !== undefined) expect.output = 'text-prefix';
  return expect;
}

/** Loads one suite folder; cases in file-name order (deterministic). */
export function loadWasiTestsuite(dir: string): Case[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new TrapcheckError('IO', `--suite ${SUITE_PREFIX}${dir}: not a directory`);
  const label = suiteLabel(root);
  const title = manifestName(root);
  const wasmFiles = readdirSync(root).filter((f) => f.endsWith('.wasm')).sort();
  if (!wasmFiles.length) throw new TrapcheckError('IO', `--suite ${SUITE_PREFIX}${dir}: no *.wasm tests in the folder`);
  return wasmFiles.map((wasmName): Case => {
    const name = wasmName.slice(0, -'.wasm'.length);
    const wasmPath = join(root, wasmName);
    const spec = readSpec(join(root, `${name}.json`));
    const bytes = new Uint8Array(readFileSync(wasmPath));
    const features = featuresOf(bytes);
    const dirs = [...spec.dirs.map((d) => ({ host: join(root, d), guest: d })), ...(spec.root !== undefined ? [{ host: join(root, spec.root), guest: '/' }] : [])];
    if (dirs.length) features.push('wasi-preopens');
    const c: Case = {
      id: `${SUITE_FAMILY}/${label}/${name}`,
      family: SUITE_FAMILY,
      modules: [{ bytes, file: wasmPath }],
      features,
      wasi: { args: [wasmName, ...spec.args], env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`) },
      steps: [
        { op: 'instantiate', expect: {} },
        { op: 'start', expect: startExpectation(spec) },
      ],
      provenance: { kind: 'hand-written', note: `${SUITE_PREFIX}${root}` },
      tags: { suite: title ?? label, exit: String(spec.exit_code) },
      timeoutMs: RUNNER_TIMEOUT_MS,
    };
    if (dirs.length) c.wasi!.dirs = dirs;
    return c;
  });
}

/** `wasi-testsuite:DIR` specs → cases; an unknown suite kind names the valid one. */
export function loadSuites(specs: readonly string[]): Case[] {
  const out: Case[] = [];
  for (const s of specs) {
    if (!s.startsWith(SUITE_PREFIX)) throw new TrapcheckError('USAGE', `unknown suite \`${s}\`; valid suites: \`${SUITE_PREFIX}DIR\` (a folder in wasi-testsuite's layout)`);
    out.push(...loadWasiTestsuite(s.slice(SUITE_PREFIX.length)));
  }
  return out;
}
