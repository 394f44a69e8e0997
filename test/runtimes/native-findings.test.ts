/**
 * The native-runtime findings of the seed-11 campaign (reports/findings/*.md), kept as corpus
 * cases in corpus/regressions/: each must still fail on exactly the versions that have the bug,
 * with the observation the report describes, and pass on every version here that does not.
 * This is the bisection of the reports, re-checked on every run; each suite skips, with the
 * reason, when its binary is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { judge } from '../../src/judge.ts';
import type { Runtime } from '../../src/runtimes/adapter.ts';
import { missingCapability } from '../../src/runtimes/adapter.ts';
import { createIwasmRuntime } from '../../src/runtimes/native/iwasm.ts';
import { createWasm3Runtime } from '../../src/runtimes/native/wasm3.ts';
import { runOnWazero } from '../../src/runtimes/native/wazero.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { inst, mkCase, start } from '../runtime/helpers.ts';

const BIN = process.env['TRAPCHECK_RUNTIMES_DIR'] ?? new URL('../../../shared/runtimes/bin/', import.meta.url).pathname;
const REGRESSIONS = new URL('../../corpus/regressions/', import.meta.url).pathname;
const load = (name: string): Promise<Case> => loadCaseFile(join(REGRESSIONS, `${name}.json`));
const i32 = (value: number) => ({ kind: 'return', values: [{ type: 'i32', value: String(value) }] });

const MAX_ZERO = 'wasm3-memory-max-zero-grows';
const TABLE_MAX_ZERO = 'wasm3-table-max-zero-grows';
const GROW_WRAP = 'memory-grow-wrap-shrinks';

/** Runs the cases on one runtime; returns each case's observation and verdict. */
async function runAll(rt: Runtime, names: string[]) {
  const cases = await Promise.all(names.map(load));
  const obs = await rt.executeAll(cases);
  return cases.map((c, i) => ({ c, obs: obs[i]!, verdict: judge(c, obs[i]!, rt.profile) }));
}

/** [binary file, the version it prints] */
const WASM3: Array<[string, string]> = [
  ['wasm3-0.5.0', '0.5.0'],
  ['wasm3-head', '0.9.0'],
];

for (const [file, version] of WASM3) {
  const binary = join(BIN, file);
  const present = existsSync(binary);
  describe.skipIf(!present)(`findings on ${file}${present ? '' : ` (skipped: ${binary} is absent)`}`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await createWasm3Runtime({ name: `wasm3@${version}`, kind: 'wasm3', binary, version, versionLine: `Wasm3 v${version}` });
    });
    afterAll(() => rt?.close());

    it('a memory declared (memory 0 0) grows: memory.grow 1 returns 0, the size becomes 1 page and the load succeeds (both versions)', async () => {
      const [r] = await runAll(rt, [MAX_ZERO]);
      expect(r!.obs.steps.slice(1).map((s) => s.outcome)).toEqual([i32(0), i32(1), i32(0)]);
      expect(r!.verdict).toMatchObject({ verdict: 'fail', step: 1 });
    }, 30_000);

    it('memory.grow whose delta wraps the page count shrinks the memory on 0.5.0; head refuses it (-1)', async () => {
      const [r] = await runAll(rt, [GROW_WRAP]);
      if (version === '0.5.0') {
        // the "successful" grow returns the old size 2 and leaves 0 pages: the data is gone
        expect(r!.obs.steps[1]!.outcome).toEqual(i32(2));
        expect(r!.obs.steps[2]!.outcome).toEqual(i32(0));
        expect(r!.obs.steps[3]!.outcome).toMatchObject({ kind: 'trap', trap: ['out of bounds memory access'] });
        expect(r!.verdict).toMatchObject({ verdict: 'fail', step: 1 });
      } else {
        expect(r!.verdict).toEqual({ verdict: 'pass' });
      }
    }, 30_000);

    it('a table declared (table 0 0) grows on head: table.grow 1 returns 0 (0.5.0 has no reference types: skipped)', async () => {
      const c = await load(TABLE_MAX_ZERO);
      if (version === '0.5.0') {
        expect(missingCapability(c, rt.capabilities)).toMatch(/reference-types/);
        return;
      }
      const [r] = await runAll(rt, [TABLE_MAX_ZERO]);
      expect(r!.obs.steps.slice(1).map((s) => s.outcome)).toEqual([i32(0), i32(1)]);
      expect(r!.verdict).toMatchObject({ verdict: 'fail', step: 1 });
    }, 30_000);
  });
}

const WAZERO = join(BIN, 'wazero-1.6.0');
const wazeroPresent = existsSync(WAZERO);

/** A WASI command whose exit code is `memory.grow(delta) & 255` on memory (min max): 255 when the grow fails. */
const growExit = (min: number, max: number, delta: number): Case =>
  mkCase(
    [
      `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") ${min} ${max})
        (func (export "_start") (call $exit (i32.and (memory.grow (i32.const ${delta})) (i32.const 255)))))`,
    ],
    [inst(), start({ outcome: { kind: 'exit', code: 255 } })],
    { features: ['wasi'] },
  );

describe.skipIf(!wazeroPresent)(`findings on wazero-1.6.0${wazeroPresent ? '' : ` (skipped: ${WAZERO} is absent)`}`, () => {
  const profile = loadProfile('wazero');

  it('memory.grow(-2) on (memory 2 2) "succeeds" with the old size 2, as a plain WASI command', async () => {
    const c = growExit(2, 2, -2);
    const obs = await runOnWazero(WAZERO, c);
    expect(obs.steps[1]!.outcome).toEqual({ kind: 'exit', code: 2 });
    expect(judge(c, obs, profile)).toMatchObject({ verdict: 'fail', step: 1 });
  }, 30_000);

  it('the corpus case fails at the grow step: the memory is gone, so the lowered command cannot even print the result', async () => {
    const c = await load(GROW_WRAP);
    const obs = await runOnWazero(WAZERO, c);
    expect(obs.steps[1]!.outcome).toMatchObject({ kind: 'trap', trap: ['out of bounds memory access'] });
    expect(judge(c, obs, profile)).toMatchObject({ verdict: 'fail', step: 1 });
  }, 30_000);

  it('has no max-0 bug: memory.grow 1 on (memory 0 0) fails (-1 → exit 255)', async () => {
    const c = growExit(0, 0, 1);
    expect(judge(c, await runOnWazero(WAZERO, c), profile)).toEqual({ verdict: 'pass' });
  }, 30_000);
});

for (const name of ['iwasm-2.0.0', 'iwasm-2.4.5', 'iwasm-2.4.5-classic']) {
  const binary = join(BIN, name);
  const present = existsSync(binary);
  describe.skipIf(!present)(`the same cases on ${name}${present ? '' : ` (skipped: ${binary} is absent)`}`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await createIwasmRuntime({ name: `iwasm-test@${name}`, kind: 'iwasm', binary, version: name.slice(6), versionLine: name });
    });
    afterAll(() => rt?.close());

    it('pass: WAMR has none of these bugs', async () => {
      const results = await runAll(rt, [MAX_ZERO, TABLE_MAX_ZERO, GROW_WRAP]);
      expect(results.map((r) => r.verdict)).toEqual([{ verdict: 'pass' }, { verdict: 'pass' }, { verdict: 'pass' }]);
    }, 30_000);
  });
}
