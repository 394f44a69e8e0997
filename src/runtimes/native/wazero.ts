/**
 * wazero 1.6's CLI (`wazero run`): it instantiates one module and calls `_start`, nothing else.
 * A WASI command case (instantiate + start) runs as it is; every other core case is lowered to a
 * command first (lower-command.ts) and its run read back per step (lower-records.ts); a case of
 * `compile` steps runs each module as it is and reads only which phase failed.
 *
 * Everything below was measured on wazero-1.6.0 (profiles/wazero.json cites each command):
 *   - a trap: rc 1, stderr `error instantiating wasm binary: module[] function[_start] failed:
 *     wasm error: <text>` (start section: `start function[N] failed: wasm error: <text>`), then
 *     `wasm stack trace:` lines; guest output written before it is already on stdout/stderr;
 *   - proc_exit(N): rc N & 255, nothing printed; `_start` returning: rc 0;
 *   - compile errors (malformed, invalid, unsupported feature): rc 1, `error compiling wasm binary: …`;
 *   - a missing import: rc 1, `error instantiating wasm binary: module[env] not instantiated`;
 *   - an active data segment past the memory: rc 1, `error instantiating wasm binary: data[0]: out
 *     of bounds memory access` (no `wasm error:`); one past its table is ignored (known divergence);
 *   - `-timeout`: rc 255, `error: module closed with context deadline exceeded (timeout …)` (wall
 *     time: the adapter does not use it, its watchdog counts CPU time, wazero-process.ts);
 *   - WASI argv[0] is the module file's base name.
 * The compiler (default) and `-interpreter` print the same texts for every trap kind; they differ
 * only in stack depth (2,000-deep recursion overflows the interpreter); 119 lowered cases of the
 * three command families (seed 1) gave identical rc, stdout and report line on both. `-optimizing-compiler`
 * panics on amd64 ("only supported on arm64"). So the adapter runs the default compiler only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Feature } from '../../features.ts';
import type { Observation } from '../../observation.ts';
import type { Outcome, TrapKind } from '../../outcome.ts';
import { WA } from '../../runtime/wasm-api.ts';
import type { Capabilities, Runtime } from '../adapter.ts';
import { commandProblem } from '../adapter.ts';
import { readLayout } from '../../wasm/layout.ts';
import { commandObservation } from '../command.ts';
import { loadProfile } from '../profiles.ts';
import type { ProcessResult } from '../wabt.ts';
import { mapLimit } from '../wabt.ts';
import { runConfirmingTimeouts } from './confirm-timeout.ts';
import { lowerCommand } from './lower-command.ts';
import { decodeLowered } from './lower-records.ts';
import type { NativeRuntimeOptions } from './options.ts';
import type { WazeroProcessResult } from './wazero-process.ts';
import { runWazeroProcess } from './wazero-process.ts';

/** Features wazero 1.6's CLI accepts (measured: threads, tail-call, extended-const, multi-memory and memory64 are compile errors). */
export const WAZERO_FEATURES: readonly Feature[] = ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'bulk-memory', 'reference-types', 'simd', 'wasi', 'wasi-preopens'];

/** `wasm error: <text>` → trap kinds, measured for every kind wazero can raise here. */
export const WAZERO_TRAPS: ReadonlyArray<readonly [string, readonly TrapKind[]]> = [
  ['unreachable', ['unreachable']],
  ['integer divide by zero', ['integer divide by zero']],
  // also a float → int truncation out of range (the spec says "integer overflow" there too)
  ['integer overflow', ['integer overflow']],
  ['invalid conversion to integer', ['invalid conversion to integer']],
  ['out of bounds memory access', ['out of bounds memory access']],
  ['indirect call type mismatch', ['indirect call type mismatch']],
  // one text for every bad table index: call_indirect past the end or on a null slot, table.get/set/fill/copy/init out of bounds
  ['invalid table access', ['out of bounds table access', 'undefined element', 'uninitialized element']],
  ['stack overflow', ['call stack exhausted']],
];

/** The texts wazero prints about a run (after the guest's own stderr). */
const REPORTS = ['error instantiating wasm binary: ', 'error compiling wasm binary: ', 'error: module closed with '];

/** Wall-clock backstop for a guest that blocks without spending CPU: this many budgets (the watchdog counts CPU time, wazero-process.ts). */
const BACKSTOP_BUDGETS = 4;

export function classifyWazeroTrap(text: string): Outcome {
  const t = text.trim();
  for (const [prefix, kinds] of WAZERO_TRAPS) if (t === prefix) return { kind: 'trap', trap: [...kinds], message: t };
  return { kind: 'crash', detail: `unclassified wazero error: ${t}` };
}

/** The process's end as an outcome, and the guest's stderr (wazero's report removed). Pure; unit-tested. */
export function wazeroEnd(r: ProcessResult): { outcome: Outcome; stderr: string } {
  if (r.timedOut) return { outcome: { kind: 'timeout', budgetMs: r.budgetMs }, stderr: r.stderr };
  if (r.code === null) return { outcome: { kind: 'crash', detail: `wazero killed by signal ${r.signal ?? 'unknown'}` }, stderr: r.stderr };
  const at = Math.max(...REPORTS.map((p) => r.stderr.lastIndexOf(p)));
  if (at < 0 || (r.code !== 1 && r.code !== 255)) return { outcome: { kind: 'exit', code: r.code }, stderr: r.stderr };
  const stderr = r.stderr.slice(0, at);
  const report = r.stderr.slice(at);
  const line = report.split('\n')[0]!;
  const trap = /wasm error: (.*)$/.exec(line);
  if (trap) return { outcome: classifyWazeroTrap(trap[1]!), stderr };
  // an active data segment past the memory's end: instantiation fails (applyData), no `wasm error:` prefix
  const segment = /^error instantiating wasm binary: data\[\d+\]: (out of bounds memory access)$/.exec(line);
  if (segment) return { outcome: { kind: 'trap', trap: ['out of bounds memory access'], message: segment[1]! }, stderr };
  if (line.startsWith('error: module closed with context deadline exceeded')) return { outcome: { kind: 'timeout', budgetMs: r.budgetMs }, stderr };
  if (line.startsWith('error compiling wasm binary: ')) return { outcome: { kind: 'rejected', stage: 'compile', message: line.slice('error compiling wasm binary: '.length) }, stderr };
  if (/^error instantiating wasm binary: module\[[^\]]*\] not instantiated/.test(line)) return { outcome: { kind: 'rejected', stage: 'unlinkable', message: line }, stderr };
  return { outcome: { kind: 'crash', detail: `wazero: ${line}` }, stderr };
}

/** WASI argv[0] is the file's base name: name the file after the case's argv[0] when that is a plain file name. */
function fileName(c: Case): string {
  const argv0 = c.wasi?.args?.[0];
  return argv0 && /^[\w.+-]+$/.test(argv0) && argv0 !== '.' && argv0 !== '..' ? argv0 : 'module.wasm';
}

export function wazeroArgv(file: string, c: Pick<Case, 'wasi'>): string[] {
  return [
    'run',
    ...(c.wasi?.env ?? []).map((kv) => `-env=${kv}`),
    ...(c.wasi?.dirs ?? []).map((d) => `-mount=${d.host}:${d.guest}`),
    file,
    ...(c.wasi?.args ?? []).slice(1),
  ];
}

async function runModule(binary: string, bytes: Uint8Array, c: Case): Promise<{ r: WazeroProcessResult; argv: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wazero-'));
  try {
    const file = join(dir, fileName(c));
    writeFileSync(file, bytes);
    const argv = wazeroArgv(file, c);
    const budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    const r = await runWazeroProcess(binary, argv, budget * BACKSTOP_BUDGETS, budget, c.wasi?.stdin ?? '');
    return { r, argv: [basename(binary), ...wazeroArgv(basename(file), c)] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the module has a start section (section id 8): running it would execute code. */
function hasStartSection(bytes: Uint8Array): boolean {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    let size = 0;
    let shift = 0;
    let x: number;
    do {
      x = bytes[pos++] ?? 0;
      size += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80 && pos < bytes.length);
    if (id === 8) return true;
    pos += size;
  }
  return false;
}

/**
 * `compile` steps (decode + validate + link, spec assert_invalid / assert_malformed): wazero has no
 * compile-only command, but it names the phase that failed: `error compiling wasm binary:` is the
 * compile phase, anything after it (an instantiation error, a trap, rc 0) means the module
 * compiled. A module that would run code (a start section, a `_start`) could hang or loop: not
 * compiled this way.
 */
async function compileOnly(binary: string, c: Case): Promise<Observation> {
  const steps = [];
  for (const step of c.steps) {
    const bytes = step.op === 'compile' ? c.modules[step.module]?.bytes : undefined;
    if (!bytes) {
      steps.push({ outcome: { kind: 'unsupported' as const, feature: 'compile step on a missing module' } });
      continue;
    }
    if (WA.validate(bytes) && (hasStartSection(bytes) || readSignaturesSafe(bytes))) {
      steps.push({ outcome: { kind: 'unsupported' as const, feature: 'compile-only on wazero: the module has a start function or `_start`, which `wazero run` would execute' } });
      continue;
    }
    const { r } = await runModule(binary, bytes, c);
    const end = wazeroEnd(r);
    steps.push({ outcome: end.outcome.kind === 'rejected' && end.outcome.stage === 'compile' ? end.outcome : { kind: 'return' as const, values: [] } });
  }
  return { steps, stdout: '', stderr: '' };
}

function readSignaturesSafe(bytes: Uint8Array): boolean {
  try {
    return readLayout(bytes).exports.has('_start');
  } catch {
    return false;
  }
}

/** One case on wazero: as a command when it is one, else through its lowered command. */
export async function runOnWazero(binary: string, c: Case): Promise<Observation> {
  if (c.steps.every((s) => s.op === 'compile')) return compileOnly(binary, c);
  if (commandProblem(c) === undefined) {
    const { r, argv } = await runModule(binary, c.modules[0]!.bytes, c);
    const end = wazeroEnd(r);
    return commandObservation(c, end.outcome, r.stdout, end.stderr, { exitCode: r.code, signal: r.signal, argv, traceCut: r.traceCut });
  }
  if (!WA.validate(c.modules[0]!.bytes)) return rejectedModule(binary, c);
  const lowered = lowerCommand(c);
  // every step gets the reason: per-step judges (the .wast runner) must see a skip, not a step that never ran
  if ('unsupported' in lowered) return { steps: c.steps.map(() => ({ outcome: { kind: 'unsupported', feature: lowered.unsupported } })), stdout: '', stderr: '' };
  const { r, argv } = await runModule(binary, lowered.bytes, c);
  const end = wazeroEnd(r);
  const obs = decodeLowered(c, lowered, { outcome: end.outcome, stdout: r.stdout, stderr: end.stderr });
  return { ...obs, raw: { ...obs.raw, exitCode: r.code, signal: r.signal, argv, traceCut: r.traceCut, watchdog: r.watchdog, report: r.stderr.slice(end.stderr.length, end.stderr.length + 300) } };
}

/**
 * A module that does not validate cannot be lowered (its code cannot be walked): it runs as it
 * is, and how wazero ends (a compile error, normally) is the instantiate step's outcome.
 */
async function rejectedModule(binary: string, c: Case): Promise<Observation> {
  const { r, argv } = await runModule(binary, c.modules[0]!.bytes, c);
  const end = wazeroEnd(r);
  const outcome = end.outcome.kind === 'exit' && end.outcome.code === 0 ? { kind: 'return' as const, values: [] } : end.outcome;
  const steps = c.steps.map((_, i) => (i === 0 ? { outcome } : { outcome: { kind: 'unsupported' as const, feature: 'not observable: the module did not validate here, so it ran as it is' } }));
  return { steps, stdout: r.stdout, stderr: end.stderr, raw: { exitCode: r.code, signal: r.signal, argv } };
}

export async function createWazeroRuntime(opts: NativeRuntimeOptions): Promise<Runtime> {
  const capabilities: Capabilities = {
    // compile-only cases run module by module; every other shape check is the lowering's (one module, one instance)
    steps: new Set(['instantiate', 'invoke', 'get', 'start', 'compile']),
    features: new Set(WAZERO_FEATURES),
    wasiOptions: new Set(['args', 'env', 'stdin', 'dirs']),
    // steps run through the probe plan's integer-bits wrappers
    exactValues: true,
    compileAlone: true,
  };
  return {
    name: opts.name,
    profile: loadProfile('wazero'),
    capabilities,
    version: () => Promise.resolve(opts.version),
    // one process slot per case, shared with every native runtime of the run (process-slots.ts)
    // a timeout is kept only when a re-run alone with a larger budget times out again (confirm-timeout.ts)
    executeAll: (cases) => mapLimit(cases, 2, (c) => runConfirmingTimeouts((scale) => runOnWazero(opts.binary, scale === 1 ? c : { ...c, timeoutMs: (c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) * scale }))),
    close: () => Promise.resolve(),
  };
}
