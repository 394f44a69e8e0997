/**
 * The options of `conformance()` (trapcheck/vitest): what a user may pass, their defaults, and
 * their resolution into one fully-filled form, checked once when the test file is collected.
 */
import fc from 'fast-check';
import { FAMILY_NAMES, getFamily } from '../../generators/index.ts';
import { TrapcheckError } from '../errors.ts';
import type { Runtime } from '../runtimes/adapter.ts';

/** A runtime under test: a registry name, your own `Runtime` object, or a function creating one. */
export type RuntimeSource = string | Runtime | (() => Runtime | Promise<Runtime>);

export interface ConformanceOptions {
  /**
   * The runtime under test:
   *   - a registry name (`'reference'`, `'node'`, `'iwasm@2.4.5'`, `'wabt=/path/to/wasm-interp'`):
   *     created before the tests and closed after them; failures print a CLI replay line for it;
   *   - an object implementing `Runtime` (e.g. your own WASI host): used as is and never closed
   *     by trapcheck (you own it: close it in your own `afterAll`);
   *   - a function returning one: called before the tests, and its runtime closed after them.
   */
  runtime: RuntimeSource;
  /** Families to generate cases from. @defaultValue every family (`FAMILY_NAMES`) */
  families?: readonly string[];
  /**
   * The run seed: case i of a family is the same bytes for the same seed everywhere.
   * @defaultValue fast-check's global seed when one is set (`fc.configureGlobal({ seed })`, the
   * convention of `@fast-check/vitest`), else a fresh seed per test file. The seed in use is in
   * every test name, `(with seed=N)`, and in every replay line.
   */
  seed?: number;
  /** Generated cases per family. @defaultValue 100 */
  runs?: number;
  /**
   * Replays one case: its path as a failure printed it (`17`, or a shrunk `17:3:0`). Takes one
   * family and the seed of the failure; `runs` is then ignored.
   */
  path?: string;
  /** One vitest test per family, or one per generated case. @defaultValue 'family' */
  per?: 'family' | 'case';
  /** The name of the `describe` block around the tests. @defaultValue `trapcheck conformance on <runtime name>` */
  name?: string;
  /** Timeout of each test, in ms (and of starting the runtime). @defaultValue 60_000 */
  timeout?: number;
  /** A failure message lists this many failed cases in full; the rest are counted. @defaultValue 5 */
  maxFailuresShown?: number;
  /** Writes a repro bundle per failed case under `<reproDir>/repro/` (as `trapcheck run` does). @defaultValue none */
  reproDir?: string;
}

/** The options with every default filled in. */
export interface ResolvedConformanceOptions {
  runtime: RuntimeSource;
  families: string[];
  seed: number;
  /** The case indices (or shrunk paths) each family runs. */
  paths: string[];
  /** The one path being replayed, when `path` was given. */
  path: string | undefined;
  per: 'family' | 'case';
  name: string | undefined;
  timeout: number;
  maxFailuresShown: number;
  reproDir: string | undefined;
}

export const CONFORMANCE_DEFAULTS = { runs: 100, per: 'family', timeout: 60_000, maxFailuresShown: 5 } as const;

function usage(message: string): TrapcheckError {
  return new TrapcheckError('USAGE', `conformance: ${message}`);
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw usage(`\`${name}\` must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/**
 * The seed of a run without an explicit one: fast-check's global seed when set, as
 * @fast-check/vitest does, made a non-negative integer (trapcheck seeds are; fast-check's may be
 * negative), else a fresh one. This is an edge like the CLI's seed resolution (src/cli/seed.ts):
 * the only place a seed is invented, and it is shown in every test name.
 */
export function defaultSeed(): number {
  const global = fc.readConfigureGlobal().seed;
  if (global !== undefined) return Number.isSafeInteger(global) && global >= 0 ? global : global >>> 0;
  return (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
}

export function resolveConformanceOptions(options: ConformanceOptions): ResolvedConformanceOptions {
  if (options.runtime === undefined || options.runtime === null || !['string', 'object', 'function'].includes(typeof options.runtime))
    throw usage('`runtime` must be a runtime name, an object implementing `Runtime`, or a function returning one');
  const families = [...(options.families ?? FAMILY_NAMES)];
  if (families.length === 0) throw usage('`families` is empty; valid families: ' + FAMILY_NAMES.join(', '));
  for (const f of families) getFamily(f);
  const seed = options.seed === undefined ? defaultSeed() : checkInteger('seed', options.seed, 0);
  let paths: string[];
  if (options.path !== undefined) {
    if (families.length !== 1) throw usage(`\`path\` replays one case of one family; got ${families.length} families`);
    if (!/^\d+(:\d+)*$/.test(options.path)) throw usage(`\`path\` must look like '17' or '17:3:0', got ${JSON.stringify(options.path)}`);
    paths = [options.path];
  } else paths = Array.from({ length: checkInteger('runs', options.runs ?? CONFORMANCE_DEFAULTS.runs, 1) }, (_, i) => String(i));
  const per = options.per ?? CONFORMANCE_DEFAULTS.per;
  if (per !== 'family' && per !== 'case') throw usage(`\`per\` must be 'family' or 'case', got ${JSON.stringify(per)}`);
  return {
    runtime: options.runtime,
    families,
    seed,
    paths,
    path: options.path,
    per,
    name: options.name,
    timeout: checkInteger('timeout', options.timeout ?? CONFORMANCE_DEFAULTS.timeout, 1),
    maxFailuresShown: checkInteger('maxFailuresShown', options.maxFailuresShown ?? CONFORMANCE_DEFAULTS.maxFailuresShown, 1),
    reproDir: options.reproDir,
  };
}
