/**
 * Generation inside a reference child process (issue #14, speed): the parent sends generation
 * jobs (family, seed, index) instead of cases; the child builds the cases with binaryen on its
 * own main thread, runs them on its worker as it runs any packed chunk, and sends back the cases
 * (the parent judges and reports them) with their observations. Cases never cross a process
 * boundary on the way in, and on 2 cores each child's generation and execution share its core
 * instead of one generation worker feeding every child.
 *
 * A case this side cannot run exactly as the parent's pipeline would comes back with no
 * observation, and the parent runs it the ordinary way: preopened directories (the pipeline
 * gives every case a fresh copy, src/conformance/wasi-preopens.ts), wasi-threads (a campaign's
 * runtime may explore their schedules, src/cli/schedule-runtime.ts), and anything the reference
 * runtime's capabilities leave out (the parent's pipeline skips it).
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Case } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { GenerationJob } from '../cli/generation-pool.ts';
import type { WorkerPool } from '../runtime/pool.ts';
import { toPoolCase } from '../runtime/pool.ts';
import type { PackedCases } from '../runtime/packed.ts';
import { packCases } from '../runtime/packed.ts';
import type { Capabilities } from './adapter.ts';
import { missingCapability } from './adapter.ts';

/** Cases generated between two turns of the event loop: the worker's replies are not kept waiting long. */
const SLICE = 8;

export interface GeneratedChunk {
  /** Every case of the jobs, in job order (packed: JSON plus module bytes). */
  cases: PackedCases;
  /** Per case: its observation, or null for a case left to the parent. */
  observations: Array<Observation | null>;
}

type Generate = (family: string, seed: number, index: number) => Case;
let generator: Promise<{ generateCase: Generate; capabilities: Capabilities }> | undefined;

/** binaryen and the generators load at the first generation request: a child that only executes never pays for them. */
export function loadGeneration(): Promise<{ generateCase: Generate; capabilities: Capabilities }> {
  generator ??= (async () => {
    const { generateCase } = await import('../../generators/index.ts');
    const { REFERENCE_STEPS, engineFeatures } = await import('./reference.ts');
    return { generateCase, capabilities: { steps: new Set(REFERENCE_STEPS), features: engineFeatures() } };
  })();
  return generator;
}

/** Whether this child runs the case exactly as the parent's pipeline would (see the header). */
export function runsInChild(c: Case, capabilities: Capabilities): boolean {
  if (c.wasi?.dirs?.length) return false;
  if (c.features.includes('wasi-threads')) return false;
  return missingCapability(c, capabilities) === undefined;
}

export async function generateAndRun(jobs: readonly GenerationJob[], pool: WorkerPool): Promise<GeneratedChunk> {
  const { generateCase, capabilities } = await loadGeneration();
  const cases: Case[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const [family, seed, index] = jobs[i]!;
    cases.push(generateCase(family, seed, index));
    if (i % SLICE === SLICE - 1) await yieldToEvents();
  }
  const here: number[] = [];
  cases.forEach((c, i) => {
    if (runsInChild(c, capabilities)) here.push(i);
  });
  const observed = here.length ? await pool.runPacked(packCases(here.map((i) => toPoolCase(cases[i]!)))) : [];
  const observations: Array<Observation | null> = cases.map(() => null);
  here.forEach((i, k) => {
    observations[i] = observed[k]!;
  });
  return { cases: packCases(cases), observations };
}
