/**
 * `wabt`: wabt's interpreter, `wasm-interp` (npm wabt 1.0.39 ships it as an emscripten build run
 * by node; a native one can be given with `--runtime wabt=/usr/bin/wasm-interp`, which needs
 * `-r`-less `--run-all-exports` only). It has no WASI and runs exported functions only, in one
 * process per module, so a case must be one module driven by invoke / get steps.
 *
 * wasm-interp keeps one instance for `--run-all-exports` and runs the exports in export order,
 * printing `name() => results` or `name() => error: <trap>`. The adapter therefore rewrites the
 * case's module (binaryen): every function export is removed and replaced, in step order, by one
 * parameterless wrapper per step (the invoke with its constant arguments; float results are
 * returned as their bit patterns so they print exactly), plus readers for the memory bytes and
 * globals the expectations inspect. One process then runs the whole case on one instance.
 * Its convention of exiting 0 after a trapped export is in profiles/wabt.json; the adapter reads
 * traps from the printed lines, not from the exit status.
 */
import { CONFIRM_SCALE, hasTimeout } from './native/confirm-timeout.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case, Step } from '../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS, expectsStream } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation, StepObservation } from '../observation.ts';
import type { Outcome, TrapKind, WasmValue } from '../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../values.ts';
import type { SigType } from '../wasm/signatures.ts';
import { readSignatures } from '../wasm/signatures.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import { singleInstanceProblem } from './adapter.ts';
import { findBinary } from './binaries.ts';
import { loadProfile } from './profiles.ts';

export const WABT_FEATURES: readonly Feature[] = ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'bulk-memory', 'reference-types', 'simd', 'threads', 'tail-call', 'extended-const'];
/** Flags for the features above that wasm-interp 1.0.39 leaves off by default. */
export const WABT_FLAGS: readonly string[] = ['--enable-threads', '--enable-tail-call', '--enable-extended-const'];

/** What the rewritten module's exports mean: which step (and which inspection) each prints. */
export type PlanEntry =
  | { kind: 'step'; step: number; name: string; results: SigType[] }
  | { kind: 'global'; step: number; name: string; global: string; type: SigType }
  | { kind: 'byte'; step: number; name: string; region: number; offset: number };

export interface WabtPlan {
  bytes: Uint8Array;
  entries: PlanEntry[];
}

// --- message classification ----------------------------------------------------------------------

/** wasm-interp's trap texts (prefixes), measured on npm wabt 1.0.39 (feasibility §5). */
const WABT_TRAPS: ReadonlyArray<[string, TrapKind[]]> = [
  ['unreachable executed', ['unreachable']],
  ['integer divide by zero', ['integer divide by zero']],
  ['integer overflow', ['integer overflow']],
  ['invalid conversion to integer', ['invalid conversion to integer']],
  ['out of bounds memory access', ['out of bounds memory access']],
  ['out of bounds table access', ['out of bounds table access']],
  ['uninitialized table element', ['uninitialized element']],
  ['undefined table index', ['undefined element']],
  ['indirect call signature mismatch', ['indirect call type mismatch']],
  ['call stack exhausted', ['call stack exhausted']],
  // one message for a misaligned and an out-of-bounds atomic access
  ['invalid atomic access', ['unaligned atomic', 'out of bounds memory access']],
  ['null reference', ['null reference']],
  ['expected shared memory', ['expected shared memory']],
];

export function classifyWabt(text: string): Outcome {
  const t = text.trim();
  for (const [prefix, kinds] of WABT_TRAPS) if (t.startsWith(prefix)) return { kind: 'trap', trap: [...kinds], message: t };
  if (t === 'not implemented') return { kind: 'unsupported', feature: 'an instruction wasm-interp does not implement' };
  return { kind: 'crash', detail: `unclassified wasm-interp error: ${t}` };
}

// --- values ----------------------------------------------------------------------------------------

/** A printed wasm-interp value (`i32:4294967294`, `i64:…`, and our float wrappers' bit patterns) → WasmValue of `type`. */
export function parseWabtValue(printed: string, type: SigType): WasmValue | undefined {
  const m = /^(i32|i64|f32|f64):(.*)$/.exec(printed.trim());
  if (!m) return undefined;
  const [, t, v] = m;
  switch (type) {
    case 'i32':
      return t === 'i32' ? { type, value: String(Number(BigInt.asIntN(32, BigInt(v!)))) } : undefined;
    case 'i64':
      return t === 'i64' ? { type, value: BigInt.asIntN(64, BigInt(v!)).toString() } : undefined;
    case 'f32': // returned as i32 bits by the wrapper
      return t === 'i32' ? { type, value: f32BitsToText(Number(BigInt.asUintN(32, BigInt(v!)))) } : undefined;
    case 'f64':
      return t === 'i64' ? { type, value: f64BitsToText(BigInt.asUintN(64, BigInt(v!))) } : undefined;
    default:
      return undefined;
  }
}


// --- planning ----------------------------------------------------------------------------------------

const NUMERIC = new Set<SigType>(['i32', 'i64', 'f32', 'f64']);

/**
 * Rewrites the case's module for `--run-all-exports` (see the file comment). Returns an
 * `unsupported` outcome when the case needs something wasm-interp cannot show.
 */
export async function planWabtRun(c: Case): Promise<WabtPlan | Outcome> {
  const shape = singleInstanceProblem(c);
  if (shape) return { kind: 'unsupported', feature: shape };
  const bytes = c.modules[0]!.bytes;
  let sigs;
  try {
    sigs = readSignatures(bytes);
  } catch (e) {
    return { kind: 'rejected', stage: 'malformed', message: (e as Error).message };
  }
  if (sigs.imports.length) return { kind: 'unsupported', feature: `imports (${sigs.imports[0]!.module}.${sigs.imports[0]!.name}): wasm-interp links none` };
  const { binaryen, valueConst } = await import('../wasm/builder.ts');
  let m: InstanceType<typeof binaryen.Module>;
  try {
    m = binaryen.readBinary(bytes);
  } catch (e) {
    // binaryen is the rewriter here, not the runtime under test: a module it cannot read is one
    // this adapter cannot prepare (seen: a declarative element segment), never wasm-interp's rejection
    return { kind: 'unsupported', feature: `a module binaryen cannot read to rewrite for wasm-interp (${(e as Error).message})` };
  }
  // not GC: with it binaryen writes `ref.null func` as GC's `nofunc` (d0 73), which wasm-interp
  // 1.0.39 (no GC) rejects — 87 of 2,000 core-traps cases (found by `trapcheck oracle-check`)
  m.setFeatures(binaryen.Features.All & ~binaryen.Features.GC);
  try {
    const exportsByName = new Map<string, { kind: number; value: string }>();
    for (let i = 0; i < m.getNumExports(); i++) {
      const info = binaryen.getExportInfo(m.getExportByIndex(i));
      exportsByName.set(info.name, { kind: info.kind, value: info.value });
    }
    const typeOf = (t: SigType): number => ({ i32: binaryen.i32, i64: binaryen.i64, f32: binaryen.f32, f64: binaryen.f64 })[t as 'i32'];
    const asPrintable = (e: number, t: SigType): number => (t === 'f32' ? m.i32.reinterpret(e) : t === 'f64' ? m.i64.reinterpret(e) : e);
    const printableType = (t: SigType): number => (t === 'f32' ? binaryen.i32 : t === 'f64' ? binaryen.i64 : typeOf(t));
    const entries: PlanEntry[] = [];
    const wrappers: Array<[string, string]> = [];
    const add = (name: string, result: number, body: number): void => {
      m.addFunction(name, binaryen.none, result, [], body);
      wrappers.push([name, name]);
    };
    const inspect = (k: number, step: Step): Outcome | undefined => {
      for (const [g, expected] of Object.entries(step.expect.globals ?? {})) {
        const exp = exportsByName.get(g);
        const sig = sigs.exports.get(g);
        if (!exp || exp.kind !== binaryen.ExternalGlobal || sig?.kind !== 'global') continue; // reported missing by the judge
        if (!NUMERIC.has(sig.type)) return { kind: 'unsupported', feature: `reading a ${expected.type} global through wasm-interp` };
        const name = `__tc_${k}_g${entries.length}`;
        add(name, printableType(sig.type), asPrintable(m.global.get(exp.value, typeOf(sig.type)), sig.type));
        entries.push({ kind: 'global', step: k, name, global: g, type: sig.type });
      }
      (step.expect.memory ?? []).forEach((region, r) => {
        for (let b = 0; b < region.hex.length / 2; b++) {
          const name = `__tc_${k}_m${entries.length}`;
          add(name, binaryen.i32, m.i32.load8_u(0, 1, m.i32.const(region.offset + b)));
          entries.push({ kind: 'byte', step: k, name, region: r, offset: region.offset + b });
        }
      });
      return undefined;
    };
    for (let k = 0; k < c.steps.length; k++) {
      const step = c.steps[k]!;
      if (step.op === 'invoke') {
        const exp = exportsByName.get(step.export);
        const sig = sigs.exports.get(step.export);
        if (!exp || exp.kind !== binaryen.ExternalFunction || sig?.kind !== 'func') return { kind: 'unsupported', feature: `invoking a missing export ${JSON.stringify(step.export)} through wasm-interp` };
        const bad = [...sig.params, ...sig.results].find((t) => !NUMERIC.has(t));
        if (bad) return { kind: 'unsupported', feature: `${bad} values at wasm-interp's command line` };
        if (sig.results.length > 1 && sig.results.some((t) => t === 'f32' || t === 'f64')) return { kind: 'unsupported', feature: 'multi-value float results through wasm-interp' };
        const args = (step.args ?? []).map((a) => valueConst(m, a));
        const resultType = sig.results.length === 0 ? binaryen.none : sig.results.length === 1 ? printableType(sig.results[0]!) : binaryen.createType(sig.results.map(typeOf));
        const call = m.call(exp.value, args, sig.results.length === 1 ? typeOf(sig.results[0]!) : resultType);
        const name = `__tc_${k}`;
        add(name, resultType, sig.results.length === 1 ? asPrintable(call, sig.results[0]!) : call);
        entries.push({ kind: 'step', step: k, name, results: sig.results });
      } else if (step.op === 'get') {
        const exp = exportsByName.get(step.global);
        const sig = sigs.exports.get(step.global);
        if (!exp || exp.kind !== binaryen.ExternalGlobal || sig?.kind !== 'global') return { kind: 'unsupported', feature: `reading a missing global ${JSON.stringify(step.global)} through wasm-interp` };
        if (!NUMERIC.has(sig.type)) return { kind: 'unsupported', feature: `${sig.type} values at wasm-interp's command line` };
        const name = `__tc_${k}`;
        add(name, printableType(sig.type), asPrintable(m.global.get(exp.value, typeOf(sig.type)), sig.type));
        entries.push({ kind: 'step', step: k, name, results: [sig.type] });
      } else if (step.op !== 'instantiate') {
        return { kind: 'unsupported', feature: `step ${step.op} through wasm-interp` };
      }
      const problem = inspect(k, step);
      if (problem) return problem;
    }
    for (const [name, { kind }] of exportsByName) if (kind === binaryen.ExternalFunction) m.removeExport(name);
    for (const [internal, external] of wrappers) m.addFunctionExport(internal, external);
    if (!m.validate()) return { kind: 'crash', detail: 'wabt adapter: the rewritten module does not validate' };
    return { bytes: m.emitBinary(), entries };
  } finally {
    m.dispose();
  }
}

// --- running and reading --------------------------------------------------------------------------------

export function wabtArgv(file: string): string[] {
  return [...WABT_FLAGS, '--run-all-exports', file];
}

export interface ProcessResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  budgetMs: number;
}

/** Turns wasm-interp's output for a planned run back into one observation per step. */
export function readWabtOutput(c: Case, plan: WabtPlan, r: ProcessResult): Observation {
  const lines = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(__tc_\w+)\(\) =>\s?(.*)$/.exec(line);
    if (m) lines.set(m[1]!, m[2]!);
  }
  const text = `${r.stdout}\n${r.stderr}`;
  const steps: StepObservation[] = [];
  const init = /error initializing module: (.*)/.exec(text);
  const raw = { exitCode: r.code, signal: r.signal };
  if (init) {
    steps.push({ outcome: classifyWabt(init[1]!) });
    return { steps, stdout: '', stderr: '', raw };
  }
  if (lines.size === 0 && !r.timedOut && r.code !== 0) {
    const msg = text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit code ${r.code}`;
    const outcome: Outcome = /read|valid|malformed|section|opcode/i.test(msg) ? { kind: 'rejected', stage: 'compile', message: msg } : { kind: 'crash', detail: `wasm-interp: ${msg}` };
    return { steps: [{ outcome }], stdout: '', stderr: '', raw };
  }
  for (let k = 0; k < c.steps.length; k++) {
    const step = c.steps[k]!;
    const mine = plan.entries.filter((e) => e.step === k);
    let outcome: Outcome;
    const main = mine.find((e) => e.kind === 'step');
    if (step.op === 'instantiate') outcome = { kind: 'return', values: [] };
    else if (!main) outcome = { kind: 'crash', detail: 'wabt adapter: no wrapper for this step' };
    else {
      const printed = lines.get(main.name);
      if (printed === undefined) {
        // the process ended before this step printed: a hang (killed) or a crash
        outcome = r.timedOut ? { kind: 'timeout', budgetMs: r.budgetMs } : { kind: 'crash', detail: `wasm-interp ended before step ${k} (${r.signal ? `signal ${r.signal}` : `exit code ${r.code}`})` };
        steps.push({ outcome });
        break;
      }
      outcome = readStep(printed, main.kind === 'step' ? main.results : []);
    }
    const obs: StepObservation = { outcome };
    if (step.expect.globals) {
      obs.globals = {};
      for (const e of mine) {
        if (e.kind !== 'global') continue;
        const v = parseWabtValue(lines.get(e.name) ?? '', e.type);
        if (v) obs.globals[e.global] = v;
      }
    }
    if (step.expect.memory) {
      obs.memory = step.expect.memory.map((region, r) => {
        let hex = '';
        for (const e of mine) {
          if (e.kind !== 'byte' || e.region !== r) continue;
          const v = /^i32:(\d+)$/.exec(lines.get(e.name) ?? '');
          if (!v) break; // out of range: cut off, as the reference does
          hex += Number(v[1]).toString(16).padStart(2, '0');
        }
        return { offset: region.offset, hex };
      });
    }
    if (expectsStream(step.expect, 'stdout')) obs.stdout = '';
    if (expectsStream(step.expect, 'stderr')) obs.stderr = '';
    steps.push(obs);
  }
  return { steps, stdout: '', stderr: '', raw };
}

function readStep(printed: string, results: readonly SigType[]): Outcome {
  if (printed.startsWith('error: ')) return classifyWabt(printed.slice('error: '.length));
  const parts = printed.trim() === '' ? [] : printed.split(', ');
  if (parts.length !== results.length) return { kind: 'crash', detail: `wasm-interp printed ${JSON.stringify(printed)} for ${results.length} result(s)` };
  const values: WasmValue[] = [];
  for (let i = 0; i < parts.length; i++) {
    const v = parseWabtValue(parts[i]!, results[i]!);
    if (!v) return { kind: 'crash', detail: `unreadable wasm-interp value ${JSON.stringify(parts[i])}` };
    values.push(v);
  }
  return { kind: 'return', values };
}

export function runProcess(command: string, args: readonly string[], budgetMs: number, options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const p = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-65536)));
    p.stdin.on('error', () => undefined);
    p.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, budgetMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: `${stderr}${e.message}`, code: null, signal: null, timedOut, budgetMs });
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut, budgetMs });
    });
  });
}

/** Runs `f` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Extra wall time a process gets over the case budget: node start-up of the emscripten build. */
const STARTUP_MS = 1_500;

export const WABT_CAPABILITIES: Capabilities = { steps: new Set(['instantiate', 'invoke', 'get']), features: new Set(WABT_FEATURES), shape: 'single-instance', wasiOptions: new Set() };

/** Runs wasm-interp with these arguments under a wall budget: a process per run, or a pooled child (the oracle check). */
export type WabtExec = (argv: string[], budgetMs: number) => Promise<ProcessResult>;

/**
 * One case through wasm-interp, whatever runs it: the plan, a scratch `.wasm` file, `exec`, the
 * reading. The `wabt` runtime and the oracle check's pooled evaluator share it, so both observe a
 * case the same way.
 */
export function wabtCaseRunner(scratchPrefix: string): { runOne(c: Case, exec: WabtExec): Promise<Observation>; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), scratchPrefix));
  let n = 0;
  return {
    async runOne(c, exec) {
      const plan = await planWabtRun(c);
      if (!('bytes' in plan)) return { steps: [{ outcome: plan }], stdout: '', stderr: '' };
      const file = join(dir, `case-${n++}.wasm`);
      writeFileSync(file, plan.bytes);
      try {
        const budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
        const first = readWabtOutput(c, plan, { ...(await exec(wabtArgv(file), budget + STARTUP_MS)), budgetMs: budget });
        if (!hasTimeout(first)) return first;
        // a wall-clock timeout that load could have caused counts only if it repeats with a larger budget (DESIGN §6)
        const second = readWabtOutput(c, plan, { ...(await exec(wabtArgv(file), budget * CONFIRM_SCALE + STARTUP_MS)), budgetMs: budget * CONFIRM_SCALE });
        return { ...second, raw: { ...second.raw, firstRunTimedOut: { confirmed: hasTimeout(second), budgetScale: CONFIRM_SCALE } } };
      } finally {
        rmSync(file, { force: true });
      }
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function createWabtRuntime(binary?: string, options: { concurrency?: number } = {}): Promise<Runtime> {
  const command = findBinary('wabt', binary, ['wabt/bin/wasm-interp'], ['wasm-interp']);
  const versionRun = await runProcess(command, ['--version'], 20_000);
  const version = `wasm-interp ${versionRun.stdout.trim() || 'unknown version'}${binary ? ` at ${command}` : ''}`;
  const runner = wabtCaseRunner('trapcheck-wabt-');
  const exec: WabtExec = (argv, budgetMs) => runProcess(command, argv, budgetMs);
  return {
    name: 'wabt',
    profile: loadProfile('wabt'),
    capabilities: WABT_CAPABILITIES,
    version: () => Promise.resolve(version),
    executeAll: (cases) => mapLimit(cases, options.concurrency ?? 2, (c) => runner.runOne(c, exec)),
    close: async () => runner.close(),
  };
}
