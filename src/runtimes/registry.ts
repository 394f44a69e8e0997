/**
 * The runtime registry: names → runtimes. Two sorts of names:
 *   - built-in runtimes, one each: `reference`, `node`, `deno`, `bun`, `wabt`, `wasmer-sdk`, `jco`;
 *     `name=path` picks another binary for node, deno, bun and wabt;
 *   - native runtimes, found by discovery.ts and named with the version their binary reports:
 *     `iwasm@2.4.5`; a bare family name (`iwasm`) is the newest version found; a variant
 *     (`iwasm-classic`) is part of the name; `iwasm=/path` checks that binary and reads its version.
 * `all` (in createRuntimes) is every runtime available here.
 */
import { TrapcheckError, listChoices } from '../errors.ts';
import type { Runtime } from './adapter.ts';
import { discoverDefault, familyOf, identifyExplicit, pickRuntime } from './discovery.ts';
import { createNativeRuntime } from './native-adapters.ts';
import { NATIVE_FAMILIES } from './native-kinds.ts';
import { isDriverSpec } from './protocol/driver-spec.ts';

type Factory = (binary?: string) => Promise<Runtime>;

const BUILTIN: Record<string, Factory> = {
  // sharded over child processes on a multi-core host (see defaultReferenceProcesses)
  reference: async () => {
    const { createReferenceRuntime, defaultReferenceProcesses } = await import('./reference.ts');
    return createReferenceRuntime({ processes: defaultReferenceProcesses() });
  },
  node: async (binary) => (await import('./engine.ts')).createEngineRuntime('node', binary),
  deno: async (binary) => (await import('./engine.ts')).createEngineRuntime('deno', binary),
  bun: async (binary) => (await import('./engine.ts')).createEngineRuntime('bun', binary),
  // suspendable calls through the engine's own JSPI instead of Asyncify (issue #17)
  'deno-jspi': async (binary) => (await import('./jspi/jspi-engine.ts')).createJspiRuntime('deno', binary),
  'bun-jspi': async (binary) => (await import('./jspi/jspi-engine.ts')).createJspiRuntime('bun', binary),
  wabt: async (binary) => (await import('./wabt.ts')).createWabtRuntime(binary),
  'wasmer-sdk': async () => (await import('./wasmer-sdk.ts')).createWasmerSdkRuntime(),
  jco: async () => (await import('./jco.ts')).createJcoRuntime(),
};

export const BUILTIN_RUNTIMES: readonly string[] = Object.keys(BUILTIN);

/** Every runtime name without version or variant; each has a profile of the same name. */
export const RUNTIME_NAMES: readonly string[] = [...BUILTIN_RUNTIMES, ...NATIVE_FAMILIES];

export const ALL_RUNTIMES = 'all';

export function parseRuntimeSpec(spec: string): { name: string; binary?: string } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { name: spec } : { name: spec.slice(0, eq), binary: spec.slice(eq + 1) };
}

/** `iwasm-classic@2.4.5` → base `iwasm-classic`, version `2.4.5`. */
export function parseRuntimeName(name: string): { base: string; version?: string } {
  const at = name.indexOf('@');
  return at < 0 ? { base: name } : { base: name.slice(0, at), version: name.slice(at + 1) };
}

/** Checks the form of a name without looking for binaries (that happens when the runtime is created). */
export function checkRuntimeName(name: string): void {
  if (name === ALL_RUNTIMES || isDriverSpec(name)) return;
  const { base, version } = parseRuntimeName(name);
  if (BUILTIN[base]) {
    if (version !== undefined) throw new TrapcheckError('UNKNOWN_RUNTIME', `runtime \`${name}\`: ${base} has one version here; name it \`${base}\``);
    return;
  }
  if (familyOf(base) && version !== '') return;
  throw new TrapcheckError('UNKNOWN_RUNTIME', `unknown runtime \`${name}\`; valid runtimes: ${listChoices(RUNTIME_NAMES)}, a version (\`iwasm@2.4.5\`), a variant (\`iwasm-classic\`), \`all\`, or NAME=/path`);
}

export async function createRuntime(spec: string): Promise<Runtime> {
  // `driver:CMD` (docs/driver-protocol.md): the whole spec is the command line, `=` included
  if (isDriverSpec(spec)) return (await import('./protocol/driver-runtime.ts')).createDriverRuntime(spec);
  const { name, binary } = parseRuntimeSpec(spec);
  if (name === ALL_RUNTIMES) throw new TrapcheckError('UNKNOWN_RUNTIME', '`all` stands for several runtimes, which `run` and `replay` take; name them one by one here (`trapcheck runtimes` lists them)');
  checkRuntimeName(name);
  const { base, version } = parseRuntimeName(name);
  const builtin = BUILTIN[base];
  if (builtin) return builtin(binary);
  if (binary !== undefined) return createNativeRuntime(await identifyExplicit(name, binary));
  return createNativeRuntime(pickRuntime(await discoverDefault(), base, version));
}

/** The names `all` stands for: every built-in runtime, then every native one discovered. */
export async function allRuntimeNames(): Promise<string[]> {
  return [...BUILTIN_RUNTIMES, ...(await discoverDefault()).runtimes.map((r) => r.name)];
}

/**
 * Creates the runtimes of `--runtime` into `into` (so the caller closes what was created when a
 * later one fails). Runtimes that only `all` asked for and that cannot start here (no deno
 * binary, no adapter yet) are skipped and reported through `skipped`, one line each; a runtime named
 * explicitly that cannot start is an error.
 */
export async function createRuntimes(specs: readonly string[], into: Runtime[], skipped: (name: string, reason: string) => void): Promise<void> {
  const explicit = specs.filter((s) => s !== ALL_RUNTIMES);
  const fromAll = specs.includes(ALL_RUNTIMES) ? (await allRuntimeNames()).filter((n) => !explicit.some((s) => parseRuntimeSpec(s).name === n)) : [];
  for (const spec of explicit) into.push(await createRuntime(spec));
  for (const name of fromAll) {
    // `all,iwasm`: the bare iwasm already is the newest iwasm@…
    if (into.some((r) => r.name === name)) continue;
    try {
      into.push(await createRuntime(name));
    } catch (e) {
      if (!(e instanceof TrapcheckError)) throw e;
      skipped(name, e.message);
    }
  }
}

