/**
 * The names of the generator families, without loading them: importing a family loads binaryen
 * (~0.4 s, 150 MB), which commands that only validate a `--family` or replay a case file must
 * not pay. `generators/index.ts` checks at load time that this list matches its registry.
 */
export const FAMILY_NAMES = ['core-traps', 'controls', 'wasi-exit', 'thread-panic', 'isolation', 'component', 'cancellation', 'jspi', 'thread-race'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];
