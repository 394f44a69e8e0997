/**
 * binaryen's interpreter as an oracle-check evaluator: its `wasm-shell` (npm binaryen 132, an
 * emscripten build run by node) runs a script of many cases (script.ts). Not the in-process
 * `Module.interpret()`: that runs only a start function, so nothing after a first trap can be
 * seen, and each trap leaks the C++ exception through JS: measured, binaryen.js 132 corrupts its
 * own heap after ~8,500 trapping `interpret()` calls ("memory access out of bounds" in the next
 * call) — and the generators share that binaryen instance.
 *
 * wasm-shell aborts a script at a module that fails to instantiate or validate; the case in
 * progress gets that outcome and a new process continues after it. A watchdog kills a process
 * that prints nothing for the case's time budget: the case in progress is a `timeout`.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import type { Outcome } from '../../outcome.ts';
import type { Profile } from '../../profile.ts';
import type { Capabilities, Runtime } from '../../runtimes/adapter.ts';
import { NODE_MODULES, findBinary } from '../../runtimes/binaries.ts';
import { WABT_FEATURES, mapLimit } from '../../runtimes/wabt.ts';
import { trackChild } from '../child-reaper.ts';
import { planShellRun } from './plan.ts';
import type { PlannedCase } from './script.ts';
import { caseObservation, shellScript, splitOutput } from './script.ts';

/** node start-up of the 10 MB emscripten build, before the first line (seconds on a loaded machine). */
const STARTUP_MS = 60_000;
/** Cases per script: large enough to pay the start-up once, small enough to keep two processes busy. */
const CHUNK = 64;

const PROFILE: Profile = {
  runtime: 'binaryen',
  versions: 'binaryen 132 wasm-shell (npm binaryen; emscripten build run by node)',
  exitCodes: { trap: 1, exit: 'posix' },
  instanceAfterTrap: 'usable',
  knownDivergences: [],
  sources: ['https://github.com/WebAssembly/binaryen/blob/version_132/src/shell-interface.h (trap and host-limit lines; spectest print imports)'],
};

/** wasm-shell's last line after the whole script ran (stderr). */
const ALL_PASSED = 'all checks passed.';

interface ShellRun {
  stdout: string;
  stderr: string;
  code: number | null;
  idle: boolean;
}

function runShell(command: string, file: string, idleMs: number): Promise<ShellRun> {
  return new Promise((resolve) => {
    // a SIGTERM / SIGINT of trapcheck kills the shell too (it would run its script on as an
    // orphan); tracked before the spawn, so that a signal arriving during it is ours, not fatal at once
    let shell: ChildProcess | undefined;
    const untrack = trackChild({ kill: () => shell?.kill('SIGKILL') });
    const p = spawn(command, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    shell = p;
    let stdout = '';
    let stderr = '';
    let idle = false;
    let timer = setTimeout(() => kill(), STARTUP_MS);
    const kill = (): void => {
      idle = true;
      p.kill('SIGKILL');
    };
    const alive = (): void => {
      clearTimeout(timer);
      timer = setTimeout(kill, idleMs);
    };
    p.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), alive()));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-65536);
      alive();
      // the script is done: wasm-shell then takes seconds to exit (measured ~9 s); the output is whole
      if (stderr.includes(ALL_PASSED)) {
        clearTimeout(timer);
        p.kill('SIGKILL');
      }
    });
    p.on('error', (e) => ((stderr += e.message), undefined));
    p.on('close', (code) => {
      untrack();
      clearTimeout(timer);
      resolve({ stdout, stderr, code: stderr.includes(ALL_PASSED) ? 0 : code, idle });
    });
  });
}

/** Why the process stopped inside a case: its last words on stderr, or the watchdog. */
function endingOf(r: ShellRun, budgetMs: number): Outcome {
  if (r.idle) return { kind: 'timeout', budgetMs };
  const last = r.stderr.split('\n').filter((l) => l.trim() && !/^\d+ (BUILDING MODULE|CHECKING)/.test(l)).slice(-2).join(' | ');
  if (/failed validation|parse|error/i.test(last)) return { kind: 'unsupported', feature: `a module binaryen's wasm-shell refuses (${last.slice(0, 200)})` };
  return { kind: 'crash', detail: `wasm-shell ended (exit code ${r.code}): ${last.slice(0, 200)}` };
}

/** Script files of this process, numbered (names only need to be unique within `dir`; no randomness). */
let chunkSerial = 0;

/** Runs `cases` through as many scripts as aborts need; one observation per case, in order. */
async function runChunk(command: string, dir: string, cases: readonly PlannedCase[]): Promise<Observation[]> {
  const out: Observation[] = [];
  let n = 0;
  while (out.length < cases.length) {
    const rest = cases.slice(out.length);
    const file = join(dir, `chunk-${process.pid}-${chunkSerial++}-${n++}.wast`);
    writeFileSync(file, shellScript(rest));
    const budget = Math.max(...rest.map(({ c }) => c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS));
    const r = await runShell(command, file, budget);
    rmSync(file, { force: true });
    const outputs = splitOutput(r.stdout);
    const finished = r.code === 0 && !r.idle;
    // an abort: the case whose marker came last is where it stopped; at least one case moves on
    const stoppedAt = finished ? rest.length : Math.max(0, ...outputs.keys());
    for (let j = 0; j < stoppedAt; j++) out.push(caseObservation(rest[j]!, outputs.get(j)));
    if (!finished) out.push(caseObservation(rest[stoppedAt]!, outputs.get(stoppedAt), endingOf(r, budget)));
  }
  return out;
}

const SHELL = 'binaryen/bin/wasm-shell';

/** npm's copy is versioned by its package (no 2–8 s start-up to ask it); another one is asked. */
async function shellVersion(command: string): Promise<string> {
  if (command === join(NODE_MODULES, SHELL)) {
    const pkg = JSON.parse(readFileSync(join(NODE_MODULES, 'binaryen/package.json'), 'utf8')) as { version: string };
    return `wasm-shell (npm binaryen ${pkg.version})`;
  }
  return (await runShell(command, '--version', STARTUP_MS)).stdout.trim() || 'wasm-shell (unknown version)';
}

export async function createBinaryenRuntime(options: { concurrency?: number } = {}): Promise<Runtime> {
  const command = findBinary('binaryen', undefined, [SHELL], ['wasm-shell']);
  const version = await shellVersion(command);
  const capabilities: Capabilities = { steps: new Set(['instantiate', 'invoke', 'get']), features: new Set(WABT_FEATURES), shape: 'single-instance', wasiOptions: new Set() };
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-binaryen-'));
  const executeAll = async (cases: readonly Case[]): Promise<Observation[]> => {
    const observations = new Array<Observation>(cases.length);
    const planned: Array<PlannedCase & { at: number }> = [];
    for (let i = 0; i < cases.length; i++) {
      const plan = await planShellRun(cases[i]!);
      if (typeof plan === 'string') observations[i] = { steps: [{ outcome: { kind: 'unsupported', feature: plan } }], stdout: '', stderr: '' };
      else planned.push({ c: cases[i]!, plan, at: i });
    }
    const concurrency = options.concurrency ?? 2;
    const size = Math.max(1, Math.min(CHUNK, Math.ceil(planned.length / concurrency)));
    const chunks = Array.from({ length: Math.ceil(planned.length / size) }, (_, k) => planned.slice(k * size, (k + 1) * size));
    const results = await mapLimit(chunks, concurrency, (chunk) => runChunk(command, dir, chunk));
    chunks.forEach((chunk, k) => chunk.forEach((pc, j) => (observations[pc.at] = results[k]![j]!)));
    return observations;
  };
  return {
    name: 'binaryen',
    profile: PROFILE,
    capabilities,
    version: () => Promise.resolve(version),
    executeAll,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
