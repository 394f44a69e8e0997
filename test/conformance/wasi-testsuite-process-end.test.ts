/**
 * A wasi-testsuite test is judged on how its process ended (exit code, stdout, stderr), wherever
 * in the run that happened: a start section that writes and calls proc_exit is the process's end,
 * as it is for the suite's runner, not an `instantiate` that failed to return. The suite folder is
 * built here, in the upstream layout, from WAT.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadWasiTestsuite } from '../../src/conformance/wasi-testsuite.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import type { Verdict } from '../../src/judge.ts';
import { judge } from '../../src/judge.ts';
import type { Observation } from '../../src/observation.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';
import { wat } from '../runtime/helpers.ts';

const HEAD = `(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hi from start\\n")`;
/** fd_write(1, "hi from start\n") through an iovec at 0. */
const WRITE = '(i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 14)) (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))';

/** name → [module text, the test's JSON]. */
const TESTS: Record<string, [string, Record<string, unknown>]> = {
  'start-exits': [`(module ${HEAD} (func $s (call $exit (i32.const 7))) (start $s) (func (export "_start") (call $exit (i32.const 1))))`, { exit_code: 7 }],
  'start-writes-exits': [`(module ${HEAD} (func $s ${WRITE} (call $exit (i32.const 5))) (start $s) (func (export "_start") (call $exit (i32.const 1))))`, { exit_code: 5, stdout: 'hi from start\n' }],
  'start-exits-wrong-code': [`(module ${HEAD} (func $s (call $exit (i32.const 7))) (start $s) (func (export "_start")))`, { exit_code: 0 }],
  'start-traps': [`(module ${HEAD} (func $s unreachable) (start $s) (func (export "_start")))`, { exit_code: 0 }],
  'start-writes-main-exits': [`(module ${HEAD} (func $s ${WRITE}) (start $s) (func (export "_start") (call $exit (i32.const 3))))`, { exit_code: 3, stdout: 'hi from start\n' }],
  'start-writes-wrong-text': [`(module ${HEAD} (func $s ${WRITE} (call $exit (i32.const 5))) (start $s) (func (export "_start")))`, { exit_code: 5, stdout: 'bye' }],
};

describe('wasi-testsuite: the process’s end, wherever it happens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wts-end-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, [text, json]] of Object.entries(TESTS)) {
    writeFileSync(join(dir, `${name}.wasm`), wat(text));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
  }
  const byName = (cases: readonly Case[]): Record<string, Case> => Object.fromEntries(cases.map((c) => [c.id.split('/').pop()!, c]));

  it('the instantiate step states nothing; the start step states the process’s exit status and streams', () => {
    const c = byName(loadWasiTestsuite(dir))['start-writes-exits']!;
    expect(c.steps).toEqual([
      { op: 'instantiate', expect: {} },
      { op: 'start', expect: { outcome: { kind: 'exit', code: 5, process: true }, stdout: 'hi from start\n', output: 'text-prefix' } },
    ]);
  });

  it('on the reference runtime: a start section’s exit and output are the process’s; a wrong code, a trap or wrong text fail with the real end named', async () => {
    const rt = createReferenceRuntime({ workers: 1 });
    try {
      const results = await runSuite(loadWasiTestsuite(dir), [rt]);
      const verdicts: Record<string, Verdict> = Object.fromEntries(results.map((r) => [r.case.id.split('/').pop()!, r.verdict]));
      expect(Object.fromEntries(Object.entries(verdicts).map(([n, v]) => [n, v.verdict]))).toEqual({
        'start-exits': 'pass',
        'start-writes-exits': 'pass',
        'start-writes-main-exits': 'pass',
        'start-exits-wrong-code': 'fail',
        'start-traps': 'fail',
        'start-writes-wrong-text': 'fail',
      });
      expect(verdicts['start-exits-wrong-code']!.reason).toBe('expected exit 0, observed exit 7');
      expect(verdicts['start-traps']!.reason).toBe('expected exit 0, observed trap "unreachable"');
      expect(verdicts['start-writes-wrong-text']!.reason).toBe('stdout differs: expected "bye", observed "hi from start\\n"');
    } finally {
      await rt.close();
    }
  });

  it('a runtime that stops after the step that ended the process is judged on that end and the whole output', () => {
    const c = byName(loadWasiTestsuite(dir))['start-writes-exits']!;
    const profile = loadProfile('reference');
    const stopped = (code: number, stdout: string): Observation => ({ steps: [{ outcome: { kind: 'exit', code } }], stdout, stderr: '' });
    expect(judge(c, stopped(5, 'hi from start\n'), profile).verdict).toBe('pass');
    expect(judge(c, stopped(5, ''), profile).reason).toBe('stdout differs: expected "hi from start\\n", observed ""');
    expect(judge(c, stopped(6, 'hi from start\n'), profile).reason).toBe('expected exit 5, observed exit 6');
    // a process runtime puts the end on the last step: the same verdicts
    const command = (code: number): Observation => ({ steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'exit', code }, stdout: 'hi from start\n' }], stdout: 'hi from start\n', stderr: '' });
    expect(judge(c, command(5), profile).verdict).toBe('pass');
    expect(judge(c, command(4), profile).verdict).toBe('fail');
  });
});
