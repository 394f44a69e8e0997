/**
 * The reference runtime (DESIGN §5): the host's own engine (V8 in Node) plus trapcheck's host
 * semantics (deterministic WASI, watchdog, classification), run in a pool of worker_threads.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { StepOp } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Case } from '../case.ts';
import type { PoolOptions } from '../runtime/pool.ts';
import { WorkerPool } from '../runtime/pool.ts';
import { WA } from '../runtime/wasm-api.ts';
import type { ProcessPoolOptions } from './process-pool.ts';
import { ProcessPool } from './process-pool.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import type { Profile } from '../profile.ts';

export const REFERENCE_STEPS: readonly StepOp[] = ['instantiate', 'invoke', 'start', 'get', 'register', 'compile', 'call', 'resume', 'cancel', 'refuel', 'post-return'];

/**
 * Proposals are probed with WA.validate on a minimal module using each one, so the
 * capability list follows the engine (Node 20's V8 11.3 lacks extended-const, relaxed-simd,
 * memory64, multi-memory, gc and final-encoding function references; newer Node has more).
 */
const PROBES: ReadonlyArray<[Feature, string]> = [
  ['mvp', '0061736d01000000010401600000030201000a040102000b'],
  ['mutable-globals', '0061736d0100000002080101610167037f01'],
  ['sign-ext', '0061736d010000000105016000017f030201000a070105004101c00b'],
  ['nontrapping-fptoint', '0061736d010000000105016000017f030201000a0b010900430000803ffc000b'],
  ['multi-value', '0061736d010000000106016000027f7f030201000a08010600410141020b'],
  ['bulk-memory', '0061736d010000000104016000000302010005030100010a0d010b00410041004100fc0b000b'],
  ['reference-types', '0061736d010000000105016000016f030201000a06010400d06f0b'],
  ['simd', '0061736d010000000105016000017b030201000a16011400fd0c000000000000000000000000000000000b'],
  ['threads', '0061736d01000000050401030101'],
  ['tail-call', '0061736d01000000010401600000030201000a0601040012000b'],
  ['exceptions', '0061736d01000000010401600000030201000d030100000a0601040008000b'],
  ['extended-const', '0061736d010000000609017f00410141026a0b'],
  ['memory64', '0061736d010000000503010401'],
  ['multi-memory', '0061736d0100000005050200010001'],
  ['relaxed-simd', '0061736d010000000105016000017b030201000a19011700fd0c00000000000000000000000000000000fd81020b'],
  ['gc', '0061736d010000000103015f00'],
  ['function-references', '0061736d01000000010401600000030201000a070105010163000b'],
];

/** Host facilities the reference runtime implements itself (more arrive with threads/, component/ …). */
const HOST_FEATURES: readonly Feature[] = ['wasi', 'wasi-threads', 'lunatic', 'fuel', 'asyncify', 'component'];

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));
}

export function engineFeatures(): Set<Feature> {
  const out = new Set<Feature>(HOST_FEATURES);
  for (const [f, bytes] of PROBES) if (WA.validate(hex(bytes))) out.add(f);
  return out;
}

export function loadReferenceProfile(): Profile {
  return JSON.parse(readFileSync(new URL('./profiles/reference.json', import.meta.url), 'utf8')) as Profile;
}

export interface ReferenceOptions extends PoolOptions, Omit<ProcessPoolOptions, 'processes'> {
  /**
   * Child processes to shard cases over (runtimes/process-pool.ts), each running its own pool of
   * `workers` (default 1) worker threads; 0 (the default here) runs the pool in this process.
   * `trapcheck run`/`fuzz` use `defaultReferenceProcesses()` (runtimes/registry.ts).
   */
  processes?: number;
}

/**
 * Processes for the reference runtime of the CLI (`trapcheck run`, `fuzz`, `spec` …): one per
 * core when there are several (V8 serialises wasm memory reservation across the threads of a
 * process, so worker threads alone do not scale), none on one core. `TRAPCHECK_PROCESSES=N`
 * overrides it (`0`: the in-process worker pool). Under vitest the default is in-process: test
 * files create many short-lived runtimes, where a child's start-up (~0.3 s) costs more than
 * sharding saves; the process mode has its own tests (test/runtimes/process-pool.test.ts).
 */
export function defaultReferenceProcesses(env: NodeJS.ProcessEnv = process.env): number {
  const set = env['TRAPCHECK_PROCESSES'];
  if (set !== undefined && set !== '' && Number.isInteger(Number(set)) && Number(set) >= 0) return Number(set);
  if (env['VITEST']) return 0;
  const cores = availableParallelism();
  return cores > 1 ? cores : 0;
}

export function createReferenceRuntime(options: ReferenceOptions = {}): Runtime {
  const profile = loadReferenceProfile();
  const capabilities: Capabilities = { steps: new Set(REFERENCE_STEPS), features: engineFeatures() };
  let pool: WorkerPool | ProcessPool | undefined;
  return {
    name: 'reference',
    profile,
    capabilities,
    version(): Promise<string> {
      return Promise.resolve(`node ${process.version} (V8 ${process.versions.v8})`);
    },
    executeAll(cases: readonly Case[]): Promise<Observation[]> {
      // created on first use: a runtime that is only listed or asked its version costs no threads
      pool ??= options.processes ? new ProcessPool({ ...options, processes: options.processes }) : new WorkerPool(options);
      return pool.run(cases);
    },
    async close(): Promise<void> {
      const p = pool;
      pool = undefined;
      await p?.close();
    },
  };
}
