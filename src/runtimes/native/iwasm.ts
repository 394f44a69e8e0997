/**
 * WAMR's iwasm (2.0.0, 2.4.5 fast interpreter, 2.4.5 classic), measured on the real binaries
 * (profiles/iwasm.json cites each command). Two ways to run a case:
 *   - a WASI command (`instantiate` [+ `start`] on a module exporting `_start`, nothing read
 *     back): `iwasm [flags] file args…` as one process (iwasm-command.ts);
 *   - anything else: one `iwasm --repl` session per instance, every step and every state read a
 *     line on that session, through the probe plan's integer-returning exports (iwasm-repl.ts).
 * Each step of a case has a budget of iwasm's CPU time (cpu-watchdog.ts), and a timeout is only
 * kept when a re-run alone times out again (confirm-timeout.ts); a hang or a crash of iwasm costs
 * only its case (its process group is killed). At most two cases run at once, each holding a
 * process slot.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Feature } from '../../features.ts';
import type { Observation } from '../../observation.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import type { Capabilities, Runtime } from '../adapter.ts';
import { commandProblem } from '../adapter.ts';
import { loadProfile } from '../profiles.ts';
import { mapLimit } from '../wabt.ts';
import type { NativeRuntimeOptions } from './options.ts';
import { planProbes } from './probe-plan.ts';
import { runConfirmingTimeouts } from './confirm-timeout.ts';
import { runCommandCase } from './iwasm-command.ts';
import { runCompileCase, runReplCase } from './iwasm-repl.ts';

/**
 * What these builds run (`iwasm --version` lists the proposals; measured: tail calls →
 * `unsupported opcode 12`, SIMD → `unsupported opcode fd`, a second memory → `multiple
 * memories`; extended-const, exceptions, memory64 and GC are off in the build).
 */
export const IWASM_FEATURES: readonly Feature[] = ['mvp', 'mutable-globals', 'sign-ext', 'nontrapping-fptoint', 'multi-value', 'bulk-memory', 'reference-types', 'threads', 'wasi', 'wasi-threads', 'wasi-preopens'];

/** Imports iwasm provides itself; a module importing anything else needs a host we are not. */
const PROVIDED_IMPORT_MODULES = new Set(['wasi_snapshot_preview1', 'wasi']);

/** CPU time over the case budget for process start-up (~0.1 s per iwasm start, measured). */
const STARTUP_MS = 1_000;
const CONCURRENCY = 2;

export const IWASM_CAPABILITIES: Capabilities = {
  steps: new Set(['instantiate', 'invoke', 'get', 'start', 'compile']),
  features: new Set(IWASM_FEATURES),
  // `threadLimit` counts spawns; iwasm's --max-threads bounds live threads (measured), so no flag says it
  wasiOptions: new Set(['args', 'env', 'stdin', 'stdinOpen', 'dirs']),
  // steps run through the probe plan's integer-bits wrappers
  exactValues: true,
  compileAlone: true,
};

/** Whether the case runs as one `iwasm file` process (a WASI command, nothing to read back). */
export function runsAsCommand(c: Case): boolean {
  return commandProblem(c) === undefined;
}

/** Why the REPL cannot drive the case, or undefined. */
export function replProblem(c: Case): string | undefined {
  if (c.wasi?.stdin !== undefined || c.wasi?.stdinOpen) return 'stdin for a case driven through `iwasm --repl` (the REPL reads its commands from stdin)';
  for (const [i, m] of c.modules.entries()) {
    let imports;
    try {
      imports = readSignatures(m.bytes).imports;
    } catch {
      continue; // iwasm reports the malformed module itself
    }
    const foreign = imports.find((imp) => !PROVIDED_IMPORT_MODULES.has(imp.module) && imp.kind !== 'memory');
    if (foreign) return `module ${i} imports ${foreign.module}.${foreign.name}: iwasm links only its own WASI (no host functions, no other instance's exports)`;
  }
  return undefined;
}

export async function createIwasmRuntime(opts: NativeRuntimeOptions): Promise<Runtime> {
  const profile = loadProfile('iwasm');
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-iwasm-'));
  let n = 0;
  const runOne = (c: Case): Promise<Observation> =>
    runConfirmingTimeouts(async (scale) => {
      // one folder per case: its module files go with it, whatever happened
      const caseDir = join(dir, `case-${n++}`);
      mkdirSync(caseDir);
      const label = 'module';
      const budgetMs = ((c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) + STARTUP_MS) * scale;
      try {
        if (runsAsCommand(c)) return await runCommandCase({ binary: opts.binary, dir: caseDir, label, budgetMs }, c);
        if (c.steps.every((s) => s.op === 'compile')) return await runCompileCase({ binary: opts.binary, dir: caseDir, label, budgetMs }, c);
        const problem = replProblem(c);
        if (problem) return { steps: [{ outcome: { kind: 'unsupported', feature: problem } }], stdout: '', stderr: '' };
        const plan = planProbes(c, { mode: 'return' });
        if ('unsupported' in plan) return { steps: [{ outcome: { kind: 'unsupported', feature: plan.unsupported } }], stdout: '', stderr: '' };
        return await runReplCase({ binary: opts.binary, dir: caseDir, label, budgetMs }, c, plan);
      } finally {
        rmSync(caseDir, { force: true, recursive: true });
      }
    });
  return {
    name: opts.name,
    profile,
    capabilities: IWASM_CAPABILITIES,
    version: () => Promise.resolve(opts.version),
    executeAll: (cases) => mapLimit(cases, CONCURRENCY, runOne),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
