/**
 * CLI runtimes found on PATH: wasmtime, wasmer and wasmedge (iwasm, wasm3 and wazero have adapters
 * measured on their real binaries in native/). Each runs a case as a WASI
 * command in its own process (shape `command`): the module is written to a temporary file, the
 * command line is built from the runtime's documented flags, and the process's exit status and
 * output are read back into an outcome with the runtime's profile (trap exit code, thread-trap
 * code) and its trap message texts. None of these binaries exists on the CI machine; they are
 * enabled when found on PATH or given as `--runtime wasmtime=/path/to/wasmtime`. Command lines
 * follow wasi-testsuite's adapters (wasi-and-exit-codes.md §1.4); exit rules §4.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Case } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Outcome, TrapKind } from '../outcome.ts';
import { TRAP_KINDS } from '../outcome.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import { findBinary } from './binaries.ts';
import { commandObservation, unknownTrap } from './command.ts';
import type { Profile } from '../profile.ts';
import { loadProfile } from './profiles.ts';
import type { ProcessResult } from './wabt.ts';
import { mapLimit, runProcess } from './wabt.ts';
import { runProcessOnPipes } from './piped-process.ts';

export type CliName = 'wasmtime' | 'wasmer' | 'wasmedge';

/** A preopened directory: host path → guest path. */
export interface Preopen {
  host: string;
  guest: string;
}

export interface CliRun {
  /** The module file on the host. */
  file: string;
  /** Guest argv after argv[0] (the CLIs set argv[0] themselves; wasmtime takes --argv0). */
  args: string[];
  argv0?: string;
  env: string[];
  dirs: Preopen[];
  threads: boolean;
}

export interface CliSpec {
  name: CliName;
  /** Names tried on PATH. */
  commands: string[];
  versionArgs: string[];
  features: readonly Feature[];
  argv(run: CliRun): string[];
  /** The trap text the runtime printed, if any: [stream text] → trap message. */
  trapMessage(stdout: string, stderr: string): string | undefined;
  /** Trap text → kinds (prefix match, longest first). */
  messages: ReadonlyArray<[string, TrapKind[]]>;
}

const CORE: readonly Feature[] = ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'bulk-memory', 'reference-types', 'simd', 'wasi', 'wasi-preopens'];

/** Texts that are the spec's own assert_trap words: each names exactly its own kind. */
function specWords(...kinds: TrapKind[]): Array<[string, TrapKind[]]> {
  return kinds.map((k) => [k, [k]]);
}
const NUMERIC_AND_MEMORY: TrapKind[] = ['integer divide by zero', 'integer overflow', 'invalid conversion to integer', 'out of bounds memory access'];

/** wasmtime's Trap Display texts (crates/environ/src/trap_encoding.rs). */
const WASMTIME_MESSAGES: Array<[string, TrapKind[]]> = [
  ['wasm `unreachable` instruction executed', ['unreachable']],
  ...specWords(...NUMERIC_AND_MEMORY, 'uninitialized element', 'indirect call type mismatch', 'call stack exhausted', 'unaligned atomic', 'null reference', 'cannot enter component instance'),
  ['undefined element: out of bounds table access', ['undefined element', 'out of bounds table access']],
  ['atomic wait on non-shared memory', ['expected shared memory']],
  ['all fuel consumed by WebAssembly', ['out of fuel']],
];

/** wasmer's TrapCode texts (lib/types/src/trapcode.rs). */
const WASMER_MESSAGES: Array<[string, TrapKind[]]> = [
  ...specWords('unreachable', ...NUMERIC_AND_MEMORY, 'uninitialized element', 'indirect call type mismatch', 'call stack exhausted'),
  ['misaligned heap', ['unaligned atomic']],
  ['unaligned atomic access', ['unaligned atomic']],
  ['undefined element: out of bounds table access', ['undefined element', 'out of bounds table access']],
];

/**
 * WasmEdge's ErrCode texts (include/common/enum_errcode.hpp): the spec's own words, for every
 * core trap kind of outcome.ts up to `expected shared memory` (the list is not copied here).
 */
const WASMEDGE_MESSAGES: Array<[string, TrapKind[]]> = specWords(...TRAP_KINDS.slice(0, TRAP_KINDS.indexOf('expected shared memory') + 1));

function lastMatch(text: string, re: RegExp): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(re)) found = m[1]!.trim();
  return found;
}

export const CLI_SPECS: Record<CliName, CliSpec> = {
  wasmtime: {
    name: 'wasmtime',
    commands: ['wasmtime'],
    versionArgs: ['--version'],
    features: [...CORE, 'threads', 'tail-call', 'extended-const', 'multi-memory', 'memory64', 'wasi-threads'],
    // wasi-testsuite adapters/wasmtime.py; wasi-threads flags for wasmtime 14..46 (removed in 47)
    argv: (r) => [
      'run',
      ...(r.threads ? ['-W', 'threads=y', '-S', 'threads=y'] : []),
      ...(r.argv0 !== undefined ? ['--argv0', r.argv0] : []),
      ...r.env.flatMap((kv) => ['--env', kv]),
      ...r.dirs.flatMap((d) => ['--dir', `${d.host}::${d.guest}`]),
      r.file,
      ...r.args,
    ],
    // `Error: failed to run main module …` / `Caused by: … wasm trap: <text>` or the text on its own line
    trapMessage: (_out, err) => lastMatch(err, /wasm trap: ([^\n]*)/g) ?? lastMatch(err, /^\s*\d+: (wasm `unreachable` instruction executed|[a-z][^\n:]*(?:: out of bounds table access)?)\s*$/gm),
    messages: WASMTIME_MESSAGES,
  },
  wasmer: {
    name: 'wasmer',
    commands: ['wasmer'],
    versionArgs: ['--version'],
    features: [...CORE, 'threads', 'wasi-threads'],
    argv: (r) => ['run', ...r.env.flatMap((kv) => ['--env', kv]), ...r.dirs.flatMap((d) => ['--mapdir', `${d.guest}:${d.host}`]), r.file, ...(r.args.length ? ['--', ...r.args] : [])],
    // `error: RuntimeError: unreachable` (PrettyError chain on stderr)
    trapMessage: (_out, err) => lastMatch(err, /RuntimeError: ([^\n]*)/g),
    messages: WASMER_MESSAGES,
  },
  wasmedge: {
    name: 'wasmedge',
    commands: ['wasmedge'],
    versionArgs: ['--version'],
    features: [...CORE, 'threads', 'tail-call', 'extended-const', 'multi-memory'],
    argv: (r) => [...r.env.flatMap((kv) => ['--env', kv]), ...r.dirs.flatMap((d) => ['--dir', `${d.guest}:${d.host}`]), r.file, ...r.args],
    // `[error] execution failed: unreachable, Code: 0x89`
    trapMessage: (_out, err) => lastMatch(err, /execution failed: ([^,\n]*)/g),
    messages: WASMEDGE_MESSAGES,
  },
};

export function classifyCliTrap(spec: CliSpec, message: string): TrapKind[] | undefined {
  const sorted = [...spec.messages].sort(([a], [b]) => b.length - a.length);
  for (const [prefix, kinds] of sorted) if (message.startsWith(prefix)) return [...kinds];
  return undefined;
}

/** How the process ended → the case's outcome, under the runtime's profile. Pure; unit-tested. */
export function cliOutcome(spec: CliSpec, profile: Profile, r: ProcessResult, c: Pick<Case, 'features'>): Outcome {
  if (r.timedOut) return { kind: 'timeout', budgetMs: r.budgetMs };
  if (r.code === null) return { kind: 'crash', detail: `${spec.name} killed by signal ${r.signal ?? 'unknown'}` };
  const message = spec.trapMessage(r.stdout, r.stderr);
  const trapCodes = new Set([profile.exitCodes.trap, ...(profile.exitCodes.threadTrap !== undefined ? [profile.exitCodes.threadTrap] : [])]);
  if (message !== undefined && trapCodes.has(r.code)) {
    const kinds = classifyCliTrap(spec, message);
    return kinds ? { kind: 'trap', trap: kinds, message } : { kind: 'crash', detail: `unclassified ${spec.name} trap message: ${message}` };
  }
  if (r.code === profile.exitCodes.trap && profile.exitCodes.trap >= 128) return unknownTrap(`exit status ${r.code} without a trap message`);
  if (profile.exitCodes.threadTrap !== undefined && r.code === profile.exitCodes.threadTrap && c.features.includes('wasi-threads'))
    return unknownTrap(`exit status ${r.code}: a thread failed (the kind is not reported)`);
  return { kind: 'exit', code: r.code };
}

/** The command line for a case (exported for tests). */
export function cliArgv(spec: CliSpec, file: string, c: Pick<Case, 'id' | 'wasi' | 'features'>, dirs: Preopen[] = c.wasi?.dirs ?? []): string[] {
  const guestArgs = c.wasi?.args ?? [c.id];
  const run: CliRun = { file, args: guestArgs.slice(1), env: c.wasi?.env ?? [], dirs, threads: c.features.includes('wasi-threads') };
  if (guestArgs[0] !== undefined) run.argv0 = guestArgs[0];
  return spec.argv(run);
}

export async function createCliRuntime(name: CliName, binary?: string): Promise<Runtime> {
  const spec = CLI_SPECS[name];
  const command = findBinary(name, binary, [], spec.commands);
  const v = await runProcess(command, spec.versionArgs, 20_000);
  const version = `${(v.stdout || v.stderr).trim().split('\n')[0] || 'unknown version'}${binary ? ` at ${command}` : ''}`;
  const profile = loadProfile(name);
  const capabilities: Capabilities = { steps: new Set(['instantiate', 'start']), features: new Set(spec.features), shape: 'command', wasiOptions: new Set(['args', 'env', 'stdin', 'dirs']) };
  const dir = mkdtempSync(join(tmpdir(), `trapcheck-${name}-`));
  let n = 0;
  const runOne = async (c: Case): Promise<Observation> => {
    const file = join(dir, `${basename(c.id).replace(/[^\w.-]+/g, '_')}-${n++}.wasm`);
    writeFileSync(file, c.modules[0]!.bytes);
    try {
      const budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
      // real pipes on stdio, as under a shell or wasi-testsuite's runner (piped-process.ts)
      const r = await runProcessOnPipes(command, cliArgv(spec, file, c), budget, { input: c.wasi?.stdin ?? '' });
      const end = cliOutcome(spec, profile, r, c);
      return commandObservation(c, end, r.stdout, r.stderr, { exitCode: r.code, signal: r.signal, argv: [basename(command), ...cliArgv(spec, basename(file), c)] });
    } finally {
      rmSync(file, { force: true });
    }
  };
  return {
    name,
    profile,
    capabilities,
    version: () => Promise.resolve(version),
    executeAll: (cases) => mapLimit(cases, 2, runOne),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
