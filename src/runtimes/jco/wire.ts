/**
 * The line protocol between the jco adapter (runtimes/jco.ts) and its child (jco/child.ts): one
 * JSON object per line, module bytes as base64.
 *
 *   parent → child  {"t":"run","id":N,"case":JcoWireCase}
 *   child → parent  {"t":"hello","version":…}                      once, when jco is loaded
 *                   {"t":"built","id":N,"build":BuildReport}       components ready: the case's watchdog starts
 *                   {"t":"step","id":N,"i":K,"obs":StepObservation} after each step (a later hang keeps them)
 *                   {"t":"done","id":N,"obs":Observation}
 */
import { Buffer } from 'node:buffer';
import type { Case } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { BuildTimings } from './build.ts';

export type JcoCase = Pick<Case, 'id' | 'modules' | 'steps' | 'component'>;

export interface JcoWireCase extends Omit<JcoCase, 'modules'> {
  modules: string[];
}

export interface BuildReport {
  /** Per module of the case: its build timings, or whether it came from the cache. */
  modules: Array<{ cached: boolean; timings?: BuildTimings; error?: string }>;
  /** Generated modules this child has loaded so far (the parent recycles a child past a bound). */
  loaded: number;
}

export type JcoRequest = { t: 'run'; id: number; case: JcoWireCase };

export type JcoMessage =
  | { t: 'hello'; version: string }
  | { t: 'built'; id: number; build: BuildReport }
  | { t: 'step'; id: number; i: number; obs: StepObservation }
  | { t: 'done'; id: number; obs: Observation };

export function toJcoWire(c: JcoCase): JcoWireCase {
  const { modules, ...rest } = c;
  return { ...rest, modules: modules.map((m) => Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength).toString('base64')) };
}

export function fromJcoWire(w: JcoWireCase): JcoCase {
  const { modules, ...rest } = w;
  return { ...rest, modules: modules.map((b) => ({ bytes: new Uint8Array(Buffer.from(b, 'base64')) })) };
}
