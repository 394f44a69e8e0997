/**
 * The reference runtime (DESIGN §5): the host's own engine (V8 in Node) plus trapcheck's host
 * semantics (deterministic WASI, watchdog, classification), run in a pool of worker_threads.
 */
import { readFileSync } from 'node:fs';
import type { StepOp } from '../case.ts';
import type { Feature } from '../features.ts';
import type { Observation } from '../observation.ts';
import type { Case } from '../case.ts';
import type { PoolOptions } from '../runtime/pool.ts';
import { WorkerPool } from '../runtime/pool.ts';
import { WA } from '../runtime/wasm-api.ts';
import type { Capabilities, Runtime } from './adapter.ts';
import type { Profile } from './profile.ts';

export const REFERENCE_STEPS: readonly StepOp[] = ['instantiate', 'invoke', 'start', 'get', 'register', 'compile'];

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
const HOST_FEATURES: readonly Feature[] = ['wasi', 'wasi-threads', 'lunatic', 'fuel'];

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

export function createReferenceRuntime(options: { workers?: number } & PoolOptions = {}): Runtime {
  const profile = loadReferenceProfile();
  const capabilities: Capabilities = { steps: new Set(REFERENCE_STEPS), features: engineFeatures() };
  let pool: WorkerPool | undefined;
  return {
    name: 'reference',
    profile,
    capabilities,
    version(): Promise<string> {
      return Promise.resolve(`node ${process.version} (V8 ${process.versions.v8})`);
    },
    executeAll(cases: readonly Case[]): Promise<Observation[]> {
      // created on first use: a runtime that is only listed or asked its version costs no threads
      pool ??= new WorkerPool(options);
      return pool.run(cases);
    },
    async close(): Promise<void> {
      const p = pool;
      pool = undefined;
      await p?.close();
    },
  };
}
