/**
 * `wasmtime@<version>`: wasmtime as embedded in wizer (npm @bytecodealliance/wizer; wizer 10.0.0
 * embeds wasmtime 36.0.2, wizer 11.0.3 wasmtime 42.0.1). wizer instantiates a module in wasmtime
 * (Cranelift, wasmtime-wasi), calls one `() -> ()` export and, when it returns, writes a snapshot
 * module holding the instance's memory and globals. So each step is one wizer process and the
 * steps of an instance are chained through snapshots (wizer-case.ts says where that is sound);
 * traps and exits come back as wasmtime's own error texts (wizer-output.ts).
 *
 * Judged under profiles/wasmtime-wizer.json, not the wasmtime CLI's profile: wizer has no exit
 * status of its own for a trap or a proc_exit (both are status 1 with a report), and what it can
 * observe differs (no state after a trap).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import type { Observation } from '../../observation.ts';
import type { Capabilities, Runtime } from '../adapter.ts';
import { loadProfile } from '../profiles.ts';
import type { NativeRuntimeOptions } from './options.ts';
import { runWizerCase } from './wizer-case.ts';
import { runConfirmingTimeouts } from './confirm-timeout.ts';
import { DEFAULT_CASE_TIMEOUT_MS } from '../../case.ts';
import { probeWizerFeatures } from './wizer-features.ts';

/** Cases run side by side; each takes a process slot per wizer process (process-slots.ts). */
const CONCURRENCY = 2;
/**
 * Most extra wall time a wizer process that was starved of CPU gets past the case's budget
 * (wizer-process.ts: a process that used its budget of CPU is killed at once). wasmtime spends
 * ~0.8 s of CPU building the ~32,700-frame report of a stack overflow; on this 2-core machine,
 * loaded by other work, that took 2–15 s of wall time.
 */
const GRACE_MS = 30_000;

export async function createWizerRuntime(opts: NativeRuntimeOptions): Promise<Runtime> {
  const features = await probeWizerFeatures(opts.binary);
  const capabilities: Capabilities = {
    steps: new Set(['instantiate', 'invoke', 'get', 'start', 'compile']),
    features: new Set(features),
    // `dirs` (preopens) and `threadLimit` (wasi-threads) have no wizer counterpart
    wasiOptions: new Set(['args', 'env', 'stdin', 'stdinOpen']),
    // steps run through the probe plan's integer-bits wrappers
    exactValues: true,
    compileAlone: true,
  };
  const profile = loadProfile('wasmtime-wizer');
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wizer-'));
  const context = { binary: opts.binary, dir, exitRules: profile.exitCodes, graceMs: GRACE_MS };
  // a timeout is kept only when a re-run alone with a larger budget times out again (confirm-timeout.ts)
  const runOne = (c: Case): Promise<Observation> =>
    runConfirmingTimeouts((scale) => runWizerCase(scale === 1 ? c : { ...c, timeoutMs: (c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) * scale }, context), { slotPerProcess: true });
  return {
    name: opts.name,
    profile,
    capabilities,
    version: () => Promise.resolve(opts.versionLine || `wasmtime ${opts.version} (embedded in wizer at ${opts.binary})`),
    executeAll: async (cases) => {
      const out = new Array<Observation>(cases.length);
      let next = 0;
      const lanes = Array.from({ length: Math.min(CONCURRENCY, cases.length) }, async () => {
        while (next < cases.length) {
          const i = next++;
          out[i] = await runOne(cases[i]!);
        }
      });
      await Promise.all(lanes);
      return out;
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
