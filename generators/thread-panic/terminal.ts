/**
 * The terminating instruction of a thread-panic case, with interesting operands (issue #18 §2:
 * generators/values.ts) wherever the outcome stays exact:
 *
 * - div-zero: any dividend (i32 or i64 edges) over a zero divisor read from shared memory, by
 *   div_s, div_u, rem_s or rem_u: always "integer divide by zero";
 * - overflow: INT_MIN / -1 in i32 or i64 (the only overflowing division);
 * - oob: an address around the end of memory (boundary draws) and an access of 1, 2, 4 or 8
 *   bytes; an address whose access would still fit gets a static offset of one page, so the
 *   access always ends past memory;
 * - unaligned: an atomic load of 2, 4 or 8 bytes, 1 … width-1 bytes past an aligned base, always
 *   in bounds (so the alignment rule alone decides: no question of which check comes first);
 * - proc_exit: the exit code as a raw u32, with the contested edges (0, 1, ≥126, ≥256, u32 max).
 *
 * Each draw's class is tagged (`value:<what>`), and `width` names the operand or access width.
 */
import fc from 'fast-check';
import type { TrapKind } from '../../src/outcome.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import { boundaryOffset, boundaryValue, i64Operand, u32Operand, VALUE_CLASSES } from '../values.ts';
import { SPECIAL_CODES } from '../wasi-exit.ts';
import { CODE_CLASSES, codeClass } from '../wasi-exit/codes.ts';
import { c32, FOREVER, PAGE, SCRATCH } from './helpers.ts';
import type { Terminator, TrapOperands } from './params.ts';
import { MISALIGNED_BASES } from './params.ts';

export const TRAP_OF: Record<Exclude<Terminator, 'proc_exit'>, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  overflow: 'integer overflow',
  oob: 'out of bounds memory access',
  stack: 'call stack exhausted',
  unaligned: 'unaligned atomic',
};

const DIV_OPS = ['div_s', 'div_u', 'rem_s', 'rem_u'] as const;
const OOB_ACCESS = [1, 2, 4, 8] as const;
const ATOMIC_ACCESS = [2, 4, 8] as const;

/** The exit-code classes are wasi-exit's `code-class` (one definition: 2^31+ is a negative i32 to some runtimes). */
export const EXIT_CODE_CLASSES = CODE_CLASSES;
export const exitCodeClass = codeClass;

/** Tag values the terminators can emit (a family's `declares`). */
export const TERMINAL_DECLARES: Record<string, readonly string[]> = {
  'value:exit-code': [...EXIT_CODE_CLASSES],
  'value:dividend': [...new Set([...VALUE_CLASSES.u32, ...VALUE_CLASSES.i64])],
  'value:oob-address': [...VALUE_CLASSES.boundary],
  'value:unaligned-address': [...MISALIGNED_BASES],
  'div-op': [...DIV_OPS],
  width: ['8', '16', '32', '64'],
};

/** The oob access: its address, width and the static offset that puts it past the end of memory. */
export function oobAccess(o: TrapOperands): { address: number; bytes: number; offset: number } {
  const address = boundaryValue(o.address, PAGE);
  const bytes = OOB_ACCESS[o.access % OOB_ACCESS.length]!;
  // effective addresses do not wrap: address + offset + bytes > PAGE is out of bounds
  return { address, bytes, offset: address + bytes > PAGE ? 0 : PAGE };
}

export function misalignedAccess(o: TrapOperands): { address: number; bytes: number } {
  const { base, k, by } = o.misaligned;
  const bytes = ATOMIC_ACCESS[o.misaligned.access % ATOMIC_ACCESS.length]!;
  // every base is 16-aligned and leaves 16 bytes before the end of memory
  const at = base === 'zero' ? 0 : base === 'scratch' ? SCRATCH : base === 'pow2' ? 2 ** (4 + (k % 12)) : PAGE - 16;
  return { address: at + 1 + (by % (bytes - 1)), bytes };
}

/** The terminating instruction(s); `code` is proc_exit's. Never falls through (`unreachable` after). */
export function terminalCode(m: BModule, t: Terminator, o: TrapOperands, code: number): Expr[] {
  const zero32 = (): Expr => m.i32.atomic.load(0, c32(m, FOREVER));
  switch (t) {
    case 'unreachable':
      return [m.unreachable()];
    case 'div-zero': {
      const op = DIV_OPS[o.divOp % DIV_OPS.length]!;
      const e = o.wide ? m.i64[op](i64c(m, BigInt(o.dividend64.value)), m.i64.extend_u(zero32())) : m.i32[op](c32(m, o.dividend32.value), zero32());
      return [m.drop(e), m.unreachable()];
    }
    case 'overflow': {
      const minusOne = (): Expr => m.i32.sub(zero32(), c32(m, 1));
      const e = o.wide ? m.i64.div_s(i64c(m, -(1n << 63n)), m.i64.extend_s(minusOne())) : m.i32.div_s(c32(m, 0x80000000), minusOne());
      return [m.drop(e), m.unreachable()];
    }
    case 'oob': {
      const { address, bytes, offset } = oobAccess(o);
      const ptr = c32(m, address);
      const load = bytes === 1 ? m.i32.load8_u(offset, 1, ptr) : bytes === 2 ? m.i32.load16_u(offset, 2, ptr) : bytes === 4 ? m.i32.load(offset, 4, ptr) : m.i64.load(offset, 8, ptr);
      return [m.drop(load), m.unreachable()];
    }
    case 'stack':
      return [m.drop(m.call('rec', [c32(m, 0)], binaryen.i32)), m.unreachable()];
    case 'unaligned': {
      const { address, bytes } = misalignedAccess(o);
      const ptr = c32(m, address);
      const load = bytes === 2 ? m.i32.atomic.load16_u(0, ptr) : bytes === 4 ? m.i32.atomic.load(0, ptr) : m.i64.atomic.load(0, ptr);
      return [m.drop(load), m.unreachable()];
    }
    case 'proc_exit':
      return [m.call('proc_exit', [c32(m, code)], binaryen.none), m.unreachable()];
  }
}

/** The value tags of terminator `t`'s operands. */
export function terminalTags(t: Terminator, o: TrapOperands, code: number): Record<string, string> {
  switch (t) {
    case 'div-zero':
      return { 'value:dividend': o.wide ? o.dividend64.class : o.dividend32.class, 'div-op': DIV_OPS[o.divOp % DIV_OPS.length]!, width: o.wide ? '64' : '32' };
    case 'overflow':
      return { width: o.wide ? '64' : '32' };
    case 'oob':
      return { 'value:oob-address': o.address.class, width: String(8 * oobAccess(o).bytes) };
    case 'unaligned':
      return { 'value:unaligned-address': o.misaligned.base, width: String(8 * misalignedAccess(o).bytes) };
    case 'proc_exit':
      return { 'value:exit-code': exitCodeClass(code) };
    case 'unreachable':
    case 'stack':
      return {};
  }
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));

export const trapOperandsArbitrary: fc.Arbitrary<TrapOperands> = fc.record({
  wide: fc.boolean(),
  divOp: nat(DIV_OPS.length - 1),
  dividend32: u32Operand(),
  dividend64: i64Operand(),
  address: boundaryOffset(),
  access: nat(OOB_ACCESS.length - 1),
  misaligned: fc.record({ base: fc.constantFrom(...MISALIGNED_BASES), k: nat(11), by: nat(6), access: nat(ATOMIC_ACCESS.length - 1) }),
});

/** Exit codes: the ordinary range, and the contested edges (wasi-exit's, wasi-and-exit-codes.md §6). */
export const exitCodeArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 2, max: 125 }) },
  { weight: 2, arbitrary: nat(SPECIAL_CODES.length - 1).map((i) => SPECIAL_CODES[i]!) },
);
