/**
 * A case as a driver gets it. Expectations never cross the wire: each step carries only what to
 * read after it (`read`: the memory ranges, globals and output its expectation names), so a driver
 * cannot shape its answer on what trapcheck expects, and a driver need not understand the
 * expectation language at all.
 */
import { Buffer } from 'node:buffer';
import type { Case, Expectation, Step } from '../../case.ts';
import { DEFAULT_CASE_TIMEOUT_MS, expectsStream } from '../../case.ts';
import type { WireCase, WireRead, WireStep } from './messages.ts';
import { toWireValue } from './wire-value.ts';

function readOf(exp: Expectation): WireRead | undefined {
  const read: WireRead = {};
  if (exp.memory) read.memory = exp.memory.map((r) => ({ offset: r.offset, length: r.hex.length / 2 }));
  if (exp.globals) read.globals = Object.keys(exp.globals);
  if (expectsStream(exp, 'stdout')) read.stdout = true;
  if (expectsStream(exp, 'stderr')) read.stderr = true;
  return Object.keys(read).length ? read : undefined;
}

function wireStep(s: Step): WireStep {
  let w: WireStep;
  switch (s.op) {
    case 'instantiate':
      w = { op: 'instantiate', module: s.module ?? 0 };
      if (s.as !== undefined) w.as = s.as;
      break;
    case 'invoke':
      w = { op: 'invoke', export: s.export, args: (s.args ?? []).map(toWireValue) };
      break;
    case 'get':
      w = { op: 'get', global: s.global };
      break;
    case 'start':
      w = { op: 'start' };
      break;
    case 'register':
      w = { op: 'register', as: s.as };
      break;
    case 'compile':
      w = { op: 'compile', module: s.module };
      break;
    default:
      throw new Error(`driver protocol: step ${s.op} is not part of ${'trapcheck.driver/1'}`);
  }
  if (s.instance !== undefined && w.op !== 'instantiate' && w.op !== 'compile') w.instance = s.instance;
  const read = readOf(s.expect);
  if (read) w.read = read;
  return w;
}

/** The case for the wire; `steps` cuts it short (recovering the steps before a hang). */
export function toWireCase(c: Case, steps = c.steps.length): WireCase {
  const w: WireCase = {
    id: c.id,
    modules: c.modules.map((m) => Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength).toString('base64')),
    features: [...c.features],
    steps: c.steps.slice(0, steps).map(wireStep),
    timeoutMs: c.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS,
  };
  if (c.wasi) w.wasi = c.wasi;
  return w;
}
