/**
 * `trapcheck/vitest`: trapcheck's generated cases as vitest tests (README "Library use").
 * Re-exports only; needs `vitest` installed beside trapcheck (a peer dependency).
 *
 * @packageDocumentation
 */
export { conformance } from './conformance.ts';
export { CONFORMANCE_DEFAULTS, resolveConformanceOptions } from './options.ts';
export type { ConformanceOptions, ResolvedConformanceOptions, RuntimeSource } from './options.ts';
export { ConformanceFailure } from './failure-message.ts';

