/**
 * The line protocol between trapcheck and a driver child process (node, deno, bun): one JSON
 * object per line. Module bytes travel as base64; everything else is already plain data.
 *
 *   parent → child  {"t":"run","id":N,"case":WireCase,"maxSteps"?:K}
 *   child → parent  {"t":"hello",...}  once, at start-up: engine, version, features
 *                   {"t":"step","id":N,"i":K}  before step K (so a kill can be blamed on a step)
 *                   {"t":"done","id":N,"obs":Observation}
 */
import { Buffer } from 'node:buffer';
import type { RunnableCase } from '../../runtime/exec.ts';
import type { Observation } from '../../observation.ts';

export interface WireCase {
  id: string;
  modules: string[];
  steps: RunnableCase['steps'];
  wasi?: RunnableCase['wasi'];
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
}

export type DriverMessage = Hello | { t: 'step'; id: number; i: number } | { t: 'done'; id: number; obs: Observation };

export function toWire(c: RunnableCase): WireCase {
  const w: WireCase = { id: c.id, modules: c.modules.map((m) => Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength).toString('base64')), steps: c.steps };
  if (c.wasi) w.wasi = c.wasi;
  return w;
}

export function fromWire(w: WireCase): RunnableCase {
  const c: RunnableCase = { id: w.id, modules: w.modules.map((b) => ({ bytes: new Uint8Array(Buffer.from(b, 'base64')) })), steps: w.steps };
  if (w.wasi) c.wasi = w.wasi;
  return c;
}
