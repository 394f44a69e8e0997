/**
 * The guest's `proc_exit` argument: mostly the portable range 2 … 125, plus the edges where
 * runtimes differ (wasi-and-exit-codes.md §0, §4, §6): 0, 1, the reserved 126 … 255 (wasmtime
 * rejects them), 256 and 257 (POSIX keeps the low 8 bits), 2^31 − 1, 2^31, 2^32 − 1 (a negative
 * i32), and any u32 operand (values.ts). The expectation is always the raw u32; the runtime's
 * profile says what a code becomes there (src/profile.ts `projectExitCode`).
 */
import fc from 'fast-check';
import type { Drawn } from '../values.ts';
import { u32Operand, VALUE_CLASSES } from '../values.ts';

/** Exit codes drawn often, with the class values.ts would give them (`reserved`: 126 … 255). */
export const SPECIAL_CODES = [0, 1, 126, 200, 255, 256, 257, 0x7fffffff, 0x80000000, 0xffffffff] as const;
const SPECIAL_CLASS: Record<number, string> = {
  0: 'zero',
  1: 'one',
  126: 'reserved',
  200: 'reserved',
  255: 'pow2-1',
  256: 'pow2',
  257: 'pow2+1',
  0x7fffffff: 'int-max',
  0x80000000: 'int-min',
  0xffffffff: 'minus-one',
};

/** Every class `exitCodeArbitrary` emits. */
export const EXIT_CODE_CLASSES: readonly string[] = ['ordinary', 'reserved', ...VALUE_CLASSES.u32];

export const exitCodeArbitrary: fc.Arbitrary<Drawn<number>> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 2, max: 125 }).map((value) => ({ value, class: 'ordinary' })) },
  { weight: 2, arbitrary: fc.noBias(fc.nat({ max: SPECIAL_CODES.length - 1 })).map((i) => ({ value: SPECIAL_CODES[i]!, class: SPECIAL_CLASS[SPECIAL_CODES[i]!]! })) },
  { weight: 2, arbitrary: u32Operand() },
);

/**
 * The coarse range of a code, as the profiles treat it. `2^31+` is a negative i32: runtimes that
 * keep the exit code as an i32 (WASIX's ExitCode) report those differently from 256..2^31-1.
 */
export const CODE_CLASSES = ['0', '1', '2-125', '126-255', '256-2^31-1', '2^31+'] as const;
export function codeClass(code: number): string {
  const c = code >>> 0;
  return c === 0 ? '0' : c === 1 ? '1' : c < 126 ? '2-125' : c < 256 ? '126-255' : c < 2 ** 31 ? '256-2^31-1' : '2^31+';
}
