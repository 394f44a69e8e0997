/**
 * `conformance()`: trapcheck's generated cases as vitest tests. Called at the top level of a
 * test file (or inside a `describe`), it registers one `describe` block holding one test per
 * family (or per case); each test generates its cases, runs them through the same pipeline as
 * `trapcheck run` (skip, execute with crash recovery, judge) and fails with every failed case's
 * expected and observed outcome and its replay lines.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { generateCase, getFamily } from '../../generators/index.ts';
import type { Case } from '../case.ts';
import { runSuite } from '../conformance/suite.ts';
import { caseAtPath } from '../fuzz/shrink-path.ts';
import { writeReproBundles } from '../report/write.ts';
import type { CaseResult } from '../result.ts';
import type { ConformanceOptions, ResolvedConformanceOptions } from './options.ts';
import { resolveConformanceOptions } from './options.ts';
import { ConformanceFailure, failureMessage } from './failure-message.ts';
import { RuntimeHandle } from './runtime-handle.ts';

/** Case `path` of `family` under `seed`: a plain index as generated, a shrunk path rebuilt from its shrink tree. */
function caseAt(family: string, seed: number, path: string): Case {
  return path.includes(':') ? caseAtPath(getFamily(family), seed, path) : generateCase(family, seed, Number(path));
}

/** What a test does when its cases ran: fail listing the failures, skip when nothing could run, else pass. */
function settle(results: readonly CaseResult[], family: string, options: ResolvedConformanceOptions, handle: RuntimeHandle, skip: (note: string) => void): void {
  const failures = results.filter((r) => r.verdict.verdict === 'fail');
  if (failures.length) {
    const bundles = options.reproDir !== undefined && writeReproBundles(failures, options.reproDir).length ? `${options.reproDir}/repro/` : undefined;
    const message = failureMessage(failures, {
      family,
      seed: options.seed,
      total: results.length,
      runtimeName: handle.runtime().name,
      ...(handle.isRegistryRuntime ? { registrySpec: options.runtime as string } : {}),
      maxShown: options.maxFailuresShown,
      ...(bundles !== undefined ? { bundlesUnder: bundles } : {}),
    });
    const error = new ConformanceFailure(message, failures);
    // the message is the whole report; a stack into trapcheck's own code would only add noise
    error.stack = `${error.name}: ${message}`;
    throw error;
  }
  if (results.length && results.every((r) => r.verdict.verdict === 'skip')) skip(`${handle.runtime().name} cannot run ${family} cases: ${results[0]!.verdict.reason ?? 'unsupported'}`);
}

/**
 * Registers trapcheck conformance tests for a runtime in the current vitest file.
 *
 * @example
 * ```ts
 * import { conformance } from 'trapcheck/vitest';
 * conformance({ runtime: 'reference', families: ['wasi-exit', 'core-traps'], seed: 1, runs: 200 });
 * conformance({ runtime: myWasiHost, families: ['wasi-exit'] }); // your own `Runtime` object
 * ```
 */
export function conformance(options: ConformanceOptions): void {
  const resolved = resolveConformanceOptions(options);
  const handle = new RuntimeHandle(resolved.runtime);
  const { seed, paths, timeout } = resolved;
  describe(resolved.name ?? `trapcheck conformance on ${handle.label}`, () => {
    beforeAll(() => handle.open(), timeout);
    afterAll(() => handle.close(), timeout);
    for (const family of resolved.families) {
      const run = async (casePaths: readonly string[], skip: (note: string) => void): Promise<void> => {
        const cases = casePaths.map((p) => caseAt(family, seed, p));
        settle(await runSuite(cases, [handle.target()]), family, resolved, handle, skip);
      };
      if (resolved.per === 'family') {
        const what = resolved.path !== undefined ? `path ${resolved.path}` : `${paths.length} cases`;
        test(`${family}: ${what} (with seed=${seed})`, (ctx) => run(paths, (note) => ctx.skip(note)), timeout);
      } else for (const p of paths) test(`${family} #${p} (with seed=${seed})`, (ctx) => run([p], (note) => ctx.skip(note)), timeout);
    }
  });
}
