/**
 * wasm3 (`wasm3 [--func NAME] file args…`, `wasm3 --repl file`), driven as measured on the real
 * 0.5.0 and head (0.9.0) binaries; the rules and the commands that showed them are in
 * profiles/wasm3.json, the texts in wasm3-messages.ts.
 *
 *   - core cases: one REPL session per instance, invoke / get steps and the memory / global reads
 *     through the probe plan's exports (wasm3-repl.ts); also WASI cases that expect no exit and
 *     no output (wasiOnRepl);
 *   - other WASI cases: one process, because only a process that runs `_start` turns proc_exit
 *     into its status; the REPL drops exits silently (wasm3-command.ts).
 * Each step has a watchdog on wasm3's CPU time (cpu-watchdog.ts; the process group is killed),
 * and a timeout is only kept when a re-run alone times out again (confirm-timeout.ts), so a hung
 * or crashed wasm3 costs only its case and a loaded machine none; two cases run at a time, each
 * holding a shared native process slot.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import type { Capabilities, Runtime } from '../adapter.ts';
import { loadProfile } from '../profiles.ts';
import { mapLimit } from '../wabt.ts';
import type { NativeRuntimeOptions } from './options.ts';
import { planProbes } from './probe-plan.ts';
import { runConfirmingTimeouts } from './confirm-timeout.ts';
import { commandShapeProblem, runCommandCase } from './wasm3-command.ts';
import type { Wasm3Line } from './wasm3-messages.ts';
import { WASM3_FEATURES, wasm3Line } from './wasm3-messages.ts';
import { runReplCase } from './wasm3-repl.ts';

/** Cases in flight per wasm3 runtime. */
const PARALLEL_CASES = 2;

export function wasm3Capabilities(line: Wasm3Line): Capabilities {
  return {
    steps: new Set(['instantiate', 'invoke', 'get', 'start']),
    features: new Set(WASM3_FEATURES[line]),
    // simple WASI: argv yes (argv[0] is the file name), the environment is always empty, no preopens
    wasiOptions: new Set(['args', 'stdin', 'stdinOpen']),
    // steps run through the probe plan's integer-bits wrappers
    exactValues: true,
    compileAlone: true,
  };
}

/**
 * A WASI case that needs no exit code, no output and no process settings runs on the REPL like a
 * core case (several calls on one instance, state read back): the REPL links WASI too. argv is
 * empty there and stdin carries the REPL's own commands, so a case setting either stays a process.
 */
export function wasiOnRepl(c: Case): boolean {
  if (!c.features.includes('wasi')) return false;
  if (c.wasi && (c.wasi.args !== undefined || c.wasi.stdin !== undefined || c.wasi.stdinOpen)) return false;
  return c.steps.every((s) => s.op !== 'start' && s.expect.outcome?.kind !== 'exit' && s.expect.stdout === undefined && s.expect.stderr === undefined);
}

/** Why a case cannot run on wasm3 beyond its capabilities, or undefined. */
export function wasm3CaseProblem(c: Case): string | undefined {
  if (wasiOnRepl(c)) return undefined;
  if (c.features.includes('wasi')) return commandShapeProblem(c);
  if (c.steps.some((s) => s.op === 'start')) return 'step start outside a WASI case';
  for (const m of c.modules) {
    let imports;
    try {
      imports = readSignatures(m.bytes).imports;
    } catch {
      continue; // wasm3 itself reports what it makes of a malformed module
    }
    const first = imports[0];
    if (first) return `imports (${first.module}.${first.name}): a core case on wasm3's REPL has nothing to link them to`;
  }
  return undefined;
}

export async function createWasm3Runtime(opts: NativeRuntimeOptions): Promise<Runtime> {
  const line = wasm3Line(opts.version);
  const profile = loadProfile('wasm3');
  const root = mkdtempSync(join(tmpdir(), 'trapcheck-wasm3-'));
  let n = 0;
  const runOne = async (c: Case): Promise<Observation> => {
    const unsupported = (feature: string): Observation => ({ steps: [{ outcome: { kind: 'unsupported', feature } }], stdout: '', stderr: '' });
    const problem = wasm3CaseProblem(c);
    if (problem) return unsupported(problem);
    const plan = planProbes(c, { mode: 'return' });
    if ('unsupported' in plan) return unsupported(plan.unsupported);
    const dir = join(root, String(n++));
    mkdirSync(dir);
    try {
      const asProcess = c.features.includes('wasi') && !wasiOnRepl(c);
      return await runConfirmingTimeouts((scale) => {
        const run = { binary: opts.binary, line, dir, budgetMs: (c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) * scale };
        return asProcess ? runCommandCase(run, c, plan) : runReplCase({ ...run, wasi: c.features.includes('wasi') }, c, plan);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    name: opts.name,
    profile,
    capabilities: wasm3Capabilities(line),
    version: () => Promise.resolve(opts.version),
    executeAll: (cases) => mapLimit(cases, PARALLEL_CASES, runOne),
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}
