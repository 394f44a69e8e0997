/**
 * A wasi-testsuite test is judged the way its own runner judges it (test-runner/, legacy config):
 * a stream only where the JSON names it, read as text and compared over the expected length; the
 * exit code as the process's status. Fixture modules in test/fixtures/wasi-testsuite/output run
 * on the reference runtime; the rules themselves are checked on judge() directly.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Case, Expectation } from '../../src/case.ts';
import { loadWasiTestsuite } from '../../src/conformance/wasi-testsuite.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import { judge } from '../../src/judge.ts';
import type { Observation } from '../../src/observation.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { createReferenceRuntime } from '../../src/runtimes/reference.ts';

const OUTPUT = fileURLToPath(new URL('../fixtures/wasi-testsuite/output/', import.meta.url));

function command(expect: Expectation): Case {
  return { id: 't', family: 'wasi-testsuite', modules: [], features: ['wasi'], steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }, { op: 'start', expect }], provenance: { kind: 'hand-written', note: 'test' } };
}
function ran(code: number, stdout: string, stderr = ''): Observation {
  return { steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: { kind: 'exit', code }, stdout, stderr }], stdout, stderr };
}

describe('judging wasi-testsuite tests like their runner', () => {
  it('on the reference runtime: unchecked streams pass, a longer stream passes over the expected length, CRLF reads as LF; wrong or short text fails', async () => {
    const rt = createReferenceRuntime({ workers: 1 });
    try {
      const results = await runSuite(loadWasiTestsuite(OUTPUT), [rt]);
      expect(Object.fromEntries(results.map((r) => [r.case.id.split('/').pop(), r.verdict.verdict]))).toEqual({
        crlf: 'pass',
        'extra-after-expected': 'pass',
        'short-output': 'fail',
        'stderr-given': 'pass',
        'unchecked-noise': 'pass',
        'wrong-text': 'fail',
      });
      expect(results.find((r) => r.case.id.endsWith('/wrong-text'))!.verdict.reason).toBe('stdout differs: expected "hello", observed "bye\\n"');
    } finally {
      await rt.close();
    }
  });

  it('text-prefix is only for cases that ask for it: other cases still compare whole streams', () => {
    const profile = loadProfile('reference');
    expect(judge(command({ outcome: { kind: 'exit', code: 0 }, stdout: 'hello' }), ran(0, 'hello world'), profile).verdict).toBe('fail');
    expect(judge(command({ outcome: { kind: 'exit', code: 0 }, stdout: 'hello', output: 'text-prefix' }), ran(0, 'hello world'), profile).verdict).toBe('pass');
    expect(judge(command({ outcome: { kind: 'exit', code: 0 }, stderr: 'a\nb', output: 'text-prefix' }), ran(0, '', 'a\rb'), profile).verdict).toBe('pass');
    expect(judge(command({ outcome: { kind: 'exit', code: 0 }, stdout: 'a\r\n', output: 'text-prefix' }), ran(0, 'a\r\n'), profile).verdict).toBe('fail');
  });

  it('the exit code is the process status as the JSON states it, not projected through the runtime’s proc_exit rules', () => {
    // wasmtime's CLI turns proc_exit(200) into status 1; a test that says `exit_code: 200` means status 200
    const wasmtime = loadProfile('wasmtime');
    expect(judge(command({ outcome: { kind: 'exit', code: 200, process: true } }), ran(200, ''), wasmtime).verdict).toBe('pass');
    expect(judge(command({ outcome: { kind: 'exit', code: 200, process: true } }), ran(1, ''), wasmtime).verdict).toBe('fail');
    expect(judge(command({ outcome: { kind: 'exit', code: 200 } }), ran(1, ''), wasmtime).verdict).toBe('pass');
  });
});
