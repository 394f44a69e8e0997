/**
 * The line protocol between trapcheck and a driver child process (node, deno, bun): one JSON
 * object per line. Module bytes travel as base64; everything else is already plain data.
 *
 *   parent → child  {"t":"run","id":N,"case":WireCase,"maxSteps"?:K}
 *                   a `fuel` / `asyncify` case carries its modules instrumented by the parent
 *                   (`instrumented`, base64, or the instrumentation error): the child needs no binaryen
 *   child → parent  {"t":"hello",...}  once, at start-up: engine, version, features
 *                   {"t":"step","id":N,"i":K}  before step K (so a kill can be blamed on a step)
 *                   {"t":"done","id":N,"obs":Observation}
 *
 * Every line is written with `wireLine`: JSON with U+2028 / U+2029 escaped. JSON.stringify leaves
 * those two characters raw (they are legal inside JSON strings), but Node's readline (and Deno's
 * and Bun's node:readline) end a line at them, so an export name such as "\u2028" (names.wast)
 * would cut a message in two and kill the driver. Escaped, any string — every valid export name,
 * even lone surrogates, which JSON.stringify already writes as \uXXXX — round-trips on one line.
 */
import { Buffer } from 'node:buffer';
import type { RunnableCase } from '../../runtime/exec.ts';
import type { Observation } from '../../observation.ts';

export interface WireCase {
  id: string;
  modules: string[];
  steps: RunnableCase['steps'];
  wasi?: RunnableCase['wasi'];
  fuel?: boolean;
  asyncify?: boolean;
  component?: RunnableCase['component'];
  /** Per module: its fuel / Asyncify instrumentation (base64), or why binaryen could not make it. */
  instrumented?: Array<{ bytes: string } | { error: string }>;
}

export interface RunRequest {
  t: 'run';
  id: number;
  case: WireCase;
  maxSteps?: number;
}

export interface Hello {
  t: 'hello';
  engine: string;
  version: string;
  features: string[];
  /** JSPI mode only (TRAPCHECK_DRIVER_JSPI=1, runtimes deno-jspi / bun-jspi): `yes`, or why this engine cannot. */
  jspi?: string;
}

export type DriverMessage = Hello | { t: 'step'; id: number; i: number } | { t: 'done'; id: number; obs: Observation };

const LINE_BREAKING = /[\u2028\u2029]/g;

/** One protocol line (without its newline): JSON that no line reader can split. */
export function wireLine(message: unknown): string {
  return JSON.stringify(message).replace(LINE_BREAKING, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function toWire(c: RunnableCase, instrumented?: ReadonlyArray<Uint8Array | Error>): WireCase {
  const w: WireCase = { id: c.id, modules: c.modules.map((m) => base64(m.bytes)), steps: c.steps };
  if (c.wasi) w.wasi = c.wasi;
  if (c.fuel) w.fuel = true;
  if (c.asyncify) w.asyncify = true;
  if (c.component) w.component = c.component;
  if (instrumented) w.instrumented = instrumented.map((x) => (x instanceof Error ? { error: x.message } : { bytes: base64(x) }));
  return w;
}

/** The case, and (fuel / asyncify cases) each module's instrumented bytes keyed by its original bytes object. */
export function fromWire(w: WireCase): { c: RunnableCase; instrumented: Map<Uint8Array, Uint8Array | Error> } {
  const c: RunnableCase = { id: w.id, modules: w.modules.map((b) => ({ bytes: new Uint8Array(Buffer.from(b, 'base64')) })), steps: w.steps };
  if (w.wasi) c.wasi = w.wasi;
  if (w.fuel) c.fuel = true;
  if (w.asyncify) c.asyncify = true;
  if (w.component) c.component = w.component;
  const instrumented = new Map<Uint8Array, Uint8Array | Error>();
  w.instrumented?.forEach((x, i) => {
    const original = c.modules[i]?.bytes;
    if (original) instrumented.set(original, 'bytes' in x ? new Uint8Array(Buffer.from(x.bytes, 'base64')) : new Error(x.error));
  });
  return { c, instrumented };
}
