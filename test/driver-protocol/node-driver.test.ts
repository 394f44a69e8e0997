/**
 * The node driver on the public protocol passes driver-check, and the `driver:` runtime survives
 * what drivers do wrong (fixtures/fake-driver.mjs): a driver that dies or hangs costs its step a
 * `crash` naming the exit or a `timeout`, the steps before it are recovered and the next case
 * runs on a restarted driver; noise on stdout is a protocol error for that case.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { runDriverCheck } from '../../src/runtimes/protocol/check/run-driver-check.ts';
import { DriverRuntime } from '../../src/runtimes/protocol/driver-runtime.ts';

const NODE_DRIVER = fileURLToPath(new URL('../../drivers/node/driver.js', import.meta.url));

let open: DriverRuntime | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('the node driver (drivers/node)', () => {
  it('passes driver-check: every claim it makes holds', async () => {
    // Act
    const report = await runDriverCheck(`driver:node ${NODE_DRIVER}`);
    // Assert
    expect(report.faults).toEqual([]);
    expect(report.driver).toMatch(/^node v\d+/);
    for (const name of ['i64 values', 'float values and NaN payloads', 'register step', 'wasi: proc_exit(0)', 'wasi: stdout and stderr', 'timeout (an endless loop is killed, the driver restarted)'])
      expect(report.passed).toContain(name);
  });
});

describe('the driver: runtime', () => {
  const FAKE = fileURLToPath(new URL('./fixtures/fake-driver.mjs', import.meta.url));
  const invoking = (name: string): Case => ({
    id: `fake/${name}`,
    family: 'fake',
    modules: [{ bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) }],
    features: ['mvp'],
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: name, args: [], expect: { outcome: { kind: 'return', values: [] } } },
    ],
    provenance: { kind: 'hand-written', note: 'driver: runtime test' },
    timeoutMs: 1_000,
  });

  it('observes a driver that dies as a crash of that step, recovers the steps before it, restarts it', async () => {
    // Arrange
    open = await DriverRuntime.start(`driver:node ${FAKE}`);
    // Act
    const [died, after] = await open.executeAll([invoking('die'), invoking('fine')]);
    // Assert
    expect(died!.steps.map((s) => s.outcome)).toEqual([{ kind: 'return', values: [] }, { kind: 'crash', detail: expect.stringMatching(/^driver process died \(exit code 9\)/) }]);
    expect(judge(invoking('fine'), after!, open.profile).verdict).toBe('pass');
    expect(open.restarts).toBeGreaterThanOrEqual(1);
  });

  it('observes a hang as a timeout of that step and goes on', async () => {
    open = await DriverRuntime.start(`driver:node ${FAKE}`);
    const [hung, after] = await open.executeAll([invoking('hang'), invoking('fine')]);
    expect(hung!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'timeout']);
    // the timeout was confirmed by a second run with twice the budget (load alone cannot make one)
    expect(hung!.raw?.['firstRunTimedOut']).toEqual({ step: 1, confirmed: true, budgetScale: 2 });
    expect(after!.steps.map((s) => s.outcome.kind)).toEqual(['return', 'return']);
  });

  it('observes a line that is not JSON on stdout as a protocol error of that case', async () => {
    open = await DriverRuntime.start(`driver:node ${FAKE}`);
    const [obs] = await open.executeAll([invoking('noise')]);
    expect(obs!.steps.at(-1)!.outcome).toMatchObject({ kind: 'crash', detail: expect.stringMatching(/protocol error: a stdout line that is not JSON: "loading module\.\.\."/) });
  });

  it('skips a step whose globals the driver cannot read, unless the memory it did read is wrong', async () => {
    // Arrange: the driver reads memory (as zeros) but no globals
    open = await DriverRuntime.start(`driver:node ${FAKE} --reads-memory`);
    const withState = (hex: string): Case => {
      const c = invoking('fine');
      c.steps[1]!.expect = { outcome: { kind: 'return', values: [] }, memory: [{ offset: 0, hex }], globals: { g: { type: 'i32', value: '1' } } };
      return c;
    };
    const [right, wrong] = [withState('0000'), withState('0100')];
    // Act
    const [sawRight, sawWrong] = await open.executeAll([right, wrong]);
    // Assert
    expect(judge(right, sawRight!, open.profile)).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/does not read globals/) });
    expect(judge(wrong, sawWrong!, open.profile)).toMatchObject({ verdict: 'fail', reason: 'memory at 0 differs: expected 0100, observed 0000' });
  });
});
