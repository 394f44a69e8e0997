/**
 * A `trapcheck.driver/1` driver on Node's own WebAssembly engine (V8), for embedders to read
 * beside the C one (drivers/wamr/): it speaks only the public protocol (src/runtimes/protocol/
 * messages.ts) and runs each case with trapcheck's step executor (src/runtime/exec.ts, the
 * reference host: WASI preview1 subset, trap classification per engine). Traps and proc_exit are
 * outcomes; it never exits on a wasm event and ends at end of input.
 */
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { createInterface } from 'node:readline';
import type { Expectation, Step } from '../../src/case.ts';
import type { Feature } from '../../src/features.ts';
import type { Observation } from '../../src/observation.ts';
import type { Outcome } from '../../src/outcome.ts';
import type { RunnableCase } from '../../src/runtime/exec.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { engineFeatures } from '../../src/runtimes/reference.ts';
import { wireLine } from '../../src/runtimes/driver/wire.ts';
import type { CaseRequest, HelloMessage, WireCase, WireRead, WireStep, WireStepResult } from '../../src/runtimes/protocol/messages.ts';
import { DRIVER_PROTOCOL, PROTOCOL_STEPS } from '../../src/runtimes/protocol/messages.ts';
import { fromWireValue, toWireValue } from '../../src/runtimes/protocol/wire-value.ts';

// Guests never see JS stacks, and capturing them is most of a trap's cost.
Error.stackTraceLimit = 0;

/** The executor's host layers that protocol version 1 does not carry (their data is not on the wire). */
const NOT_ON_THE_WIRE: ReadonlySet<Feature> = new Set<Feature>(['wasi-threads', 'wasi-preopens', 'fuel', 'asyncify', 'component', 'lunatic']);

function send(m: unknown): void {
  process.stdout.write(`${wireLine(m)}\n`);
}

/** The executor observes what a step's expectation names; the values in it are never read. */
function expectationFor(read: WireRead | undefined): Expectation {
  const exp: Expectation = {};
  if (!read) return exp;
  if (read.memory) exp.memory = read.memory.map((r) => ({ offset: r.offset, hex: '00'.repeat(r.length) }));
  if (read.globals) exp.globals = Object.fromEntries(read.globals.map((g) => [g, { type: 'i32', value: '0' }]));
  if (read.stdout) exp.stdout = '';
  if (read.stderr) exp.stderr = '';
  return exp;
}

function stepOf(w: WireStep, i: number): Step {
  const expect = expectationFor(w.read);
  const instance = 'instance' in w && w.instance !== undefined ? { instance: w.instance } : {};
  switch (w.op) {
    case 'instantiate':
      return w.as !== undefined ? { op: w.op, module: w.module, as: w.as, expect } : { op: w.op, module: w.module, expect };
    case 'invoke':
      return { op: w.op, export: w.export, args: w.args.map((a, k) => fromWireValue(a, `step ${i} argument ${k}`)), ...instance, expect };
    case 'get':
      return { op: w.op, global: w.global, ...instance, expect };
    case 'start':
      return { op: w.op, ...instance, expect };
    case 'register':
      return { op: w.op, as: w.as, ...instance, expect };
    case 'compile':
      return { op: w.op, module: w.module, expect };
  }
}

function runnable(w: WireCase): RunnableCase {
  const c: RunnableCase = { id: w.id, modules: w.modules.map((b) => ({ bytes: new Uint8Array(Buffer.from(b, 'base64')) })), steps: w.steps.map(stepOf) };
  if (w.wasi) c.wasi = w.wasi;
  return c;
}

/** The executor's outcome in the protocol's terms (floats as bits). */
function wireOutcome(o: Outcome): Record<string, unknown> {
  switch (o.kind) {
    case 'return':
      return { kind: 'return', values: o.values.map(toWireValue) };
    case 'trap':
    case 'exit':
    case 'rejected':
    case 'unsupported':
    case 'crash':
    case 'deadlock':
    case 'timeout':
      return o;
    default:
      return { kind: 'crash', detail: `the executor reported ${o.kind}, which ${DRIVER_PROTOCOL} does not carry` };
  }
}

function wireResult(id: number, obs: Observation): unknown {
  const steps: WireStepResult[] = obs.steps.map((s) => {
    const r: WireStepResult = { outcome: wireOutcome(s.outcome) };
    if (s.memory) r.memory = s.memory;
    if (s.globals) r.globals = Object.fromEntries(Object.entries(s.globals).map(([k, v]) => [k, toWireValue(v)]));
    if (s.stdout !== undefined) r.stdout = s.stdout;
    if (s.stderr !== undefined) r.stderr = s.stderr;
    return r;
  });
  return { t: 'result', id, steps, stdout: obs.stdout, stderr: obs.stderr };
}

const hello: HelloMessage = {
  t: 'hello',
  protocol: DRIVER_PROTOCOL,
  name: 'node',
  version: `${process.version} (V8 ${process.versions.v8})`,
  capabilities: {
    steps: [...PROTOCOL_STEPS],
    features: [...engineFeatures()].filter((f) => !NOT_ON_THE_WIRE.has(f)),
    shape: 'script',
    wasi: ['args', 'env', 'stdin'],
    reads: ['memory', 'globals', 'stdout', 'stderr'],
  },
  profile: {
    exit: 'raw',
    instanceAfterTrap: 'usable',
    sources: ['drivers/node/driver.ts: trapcheck\'s own WASI preview1 host (src/runtime/wasi/), whose proc_exit ends the case, not the process; the JS API leaves an instance usable after a trap'],
  },
};
send(hello);

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let req: CaseRequest;
  try {
    req = JSON.parse(line) as CaseRequest;
  } catch {
    return; // not ours to answer: trapcheck never sends anything but case lines
  }
  if (req.t !== 'case') return;
  try {
    const obs = executeCase(runnable(req.case), { onStep: (i) => send({ t: 'step', id: req.id, i }) });
    send(wireResult(req.id, obs));
  } catch (e) {
    send({ t: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
});
lines.on('close', () => process.exit(0));
