/**
 * The feature registry: wasm proposals and host facilities a case may need. Cases declare
 * them; runtimes declare what they can do; a case whose features a runtime lacks is `skip`
 * with the feature named (never a silent pass).
 */
export const FEATURES = [
  'mvp',
  'mutable-globals',
  'sign-ext',
  'nontrapping-fptoint',
  'multi-value',
  'bulk-memory',
  'reference-types',
  'simd',
  'threads',
  'tail-call',
  'exceptions',
  'extended-const',
  'memory64',
  'multi-memory',
  'gc',
  'function-references',
  'relaxed-simd',
  'custom-page-sizes',
  'wide-arithmetic',
  /** Host facilities, not wasm proposals. */
  'wasi',
  'wasi-threads',
  /** Preopened host directories (a WASI file system); the reference runtime has none. */
  'wasi-preopens',
  'fuel',
  'asyncify',
  /**
   * The engine's own JS Promise Integration (WebAssembly.Suspending / promising; deno-jspi, bun-jspi):
   * cases whose answer exists only there (a SuspendError), so Asyncify hosts skip them.
   */
  'jspi',
  'component',
  'lunatic',
] as const;

export type Feature = (typeof FEATURES)[number];

const featureSet: ReadonlySet<string> = new Set(FEATURES);
export function isFeature(s: string): s is Feature {
  return featureSet.has(s);
}
