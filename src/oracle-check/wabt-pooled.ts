/**
 * The `wabt` evaluator: the registered `wabt` runtime's plan and reading (src/runtimes/wabt.ts:
 * planWabtRun, wabtArgv, readWabtOutput, its profile and capabilities) with each wasm-interp run
 * made in a long-lived child (wasi/interp-pool.ts) instead of a process per case: the same program
 * on the same arguments, a fresh emscripten instance per case, about ten times faster on a loaded
 * 2-core machine (a node start-up per case is 1–3 s there, measured). `trapcheck replay
 * --runtime wabt` still shows the same observation, a process per case.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrapcheckError } from '../errors.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { NODE_MODULES } from '../runtimes/binaries.ts';
import { loadProfile } from '../runtimes/profiles.ts';
import { WABT_CAPABILITIES, wabtCaseRunner } from '../runtimes/wabt.ts';
import { InterpPool } from './wasi/interp-pool.ts';

export async function createPooledWabtRuntime(options: { concurrency?: number } = {}): Promise<Runtime> {
  const interp = join(NODE_MODULES, 'wabt/bin/wasm-interp');
  if (!existsSync(interp)) throw new TrapcheckError('RUNTIME_NOT_FOUND', `evaluator wabt: ${interp} is missing (npm wabt)`);
  const pool = await InterpPool.start(interp, options.concurrency ?? 2);
  const [versionRun] = await pool.map([0], (_, run) => run(['--version'], 60_000));
  const version = `wasm-interp ${versionRun!.stdout.trim() || 'unknown version'}`;
  const runner = wabtCaseRunner('trapcheck-wabt-pooled-');
  return {
    name: 'wabt',
    profile: loadProfile('wabt'),
    capabilities: WABT_CAPABILITIES,
    version: () => Promise.resolve(version),
    executeAll: (cases) => pool.map(cases, (c, run) => runner.runOne(c, run)),
    close: async () => {
      await pool.close();
      runner.close();
    },
  };
}
