/**
 * `wabt-wasi`: wabt's wasm-interp (npm wabt 1.0.39, the same binary as the `wabt` runtime) on
 * WASI commands, through a WASI preview1 shim written in wasm (lower-wasi.ts, shim-code.ts) and
 * reported through `--host-print`. One wasm-interp run per case (a fresh emscripten instance in a
 * long-lived child, interp-pool.ts), steps run as exports in order (plan.ts), read back by
 * read-output.ts.
 *
 * Independence: the interpreter is wabt's (no V8, no binaryen: the module is rewritten at the
 * binary level); the WASI semantics are the shim's, 60 lines of wasm that share no code with the
 * reference runtime's WASI host (src/runtime/hosts/) nor with the generators' expectations.
 * A misreading of preview1 shared by the shim and the reference host would hide from it: the
 * shim does only what preview1 states plainly (fd_write's iovecs and `nwritten`, proc_exit's u32).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import type { Profile } from '../../profile.ts';
import type { Capabilities, Runtime } from '../../runtimes/adapter.ts';
import { NODE_MODULES } from '../../runtimes/binaries.ts';
import { TrapcheckError } from '../../errors.ts';
import { WABT_FEATURES, WABT_FLAGS } from '../../runtimes/wabt.ts';
import type { InterpRun } from './interp-pool.ts';
import { InterpPool } from './interp-pool.ts';
import { planWasiRun } from './plan.ts';
import { readWasiRun } from './read-output.ts';

const PROFILE: Profile = {
  runtime: 'wabt-wasi',
  versions: 'wabt 1.0.39 wasm-interp (npm wabt) with trapcheck\'s WASI preview1 shim (proc_exit, fd_write)',
  // the shim reports the guest's u32 as is: no process exit status is involved
  exitCodes: { trap: 1, exit: 'raw' },
  instanceAfterTrap: 'usable',
  knownDivergences: [],
  sources: ['WASI preview1 proc_exit(rval: exitcode u32) and fd_write(fd, iovs, iovs_len) -> size: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md', 'wabt wasm-interp --host-print: https://github.com/WebAssembly/wabt/blob/main/src/tools/wasm-interp.cc'],
};

/** Extra wall time a run gets over the case budget (a fresh emscripten instance of wasm-interp). */
const STARTUP_MS = 1_500;

export async function createWabtWasiRuntime(options: { concurrency?: number } = {}): Promise<Runtime> {
  // the npm build only: the child runs its emscripten script in-process
  const interp = join(NODE_MODULES, 'wabt/bin/wasm-interp');
  if (!existsSync(interp)) throw new TrapcheckError('RUNTIME_NOT_FOUND', `evaluator wabt-wasi: ${interp} is missing (npm wabt)`);
  const pool = await InterpPool.start(interp, options.concurrency ?? 2);
  const [versionRun] = await pool.map([0], (_, run) => run(['--version'], 60_000));
  const version = `wasm-interp ${versionRun!.stdout.trim() || 'unknown version'} + WASI shim (proc_exit, fd_write)`;
  const capabilities: Capabilities = { steps: new Set(['instantiate', 'start', 'invoke', 'get']), features: new Set([...WABT_FEATURES, 'wasi']), shape: 'single-instance' };
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wabt-wasi-'));
  let n = 0;
  const runOne = async (c: Case, run: InterpRun): Promise<Observation> => {
    const plan = planWasiRun(c);
    if ('unsupported' in plan) return { steps: [{ outcome: { kind: 'unsupported', feature: plan.unsupported } }], stdout: '', stderr: '' };
    if ('rejected' in plan) return { steps: [{ outcome: { kind: 'rejected', stage: 'malformed', message: plan.rejected } }], stdout: '', stderr: '' };
    const file = join(dir, `case-${n++}.wasm`);
    writeFileSync(file, plan.bytes);
    try {
      const budget = c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
      const r = await run([...WABT_FLAGS, '--host-print', '--run-all-exports', file], budget + STARTUP_MS);
      return readWasiRun(c, plan, { ...r, budgetMs: budget });
    } finally {
      rmSync(file, { force: true });
    }
  };
  return {
    name: 'wabt-wasi',
    profile: PROFILE,
    capabilities,
    version: () => Promise.resolve(version),
    executeAll: (cases) => pool.map(cases, runOne),
    close: async () => {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
