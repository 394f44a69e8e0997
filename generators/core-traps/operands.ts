/**
 * Interesting operands for trap sites (issue #18 §2): boundary draws (generators/values.ts)
 * mapped onto a site's bound so that the site still traps, and the classes the emitted values
 * fall in (the `value:<operand>` coverage tags). A class always names the value actually emitted:
 * where a drawn combination would not trap, the one operand that makes it trap is moved to the
 * bound (a documented, exact repair), and the class says where it ended up.
 */
import type { BoundaryDraw } from '../values.ts';
import { boundaryValue } from '../values.ts';

/** Classes of a u32 value relative to a bound (generators/values.ts `VALUE_CLASSES.boundary`, plus `interior`). */
export const BOUNDARY_CLASSES = ['zero', 'below-limit', 'limit-1', 'at-limit', 'limit+1', 'past-limit', 'far-past-limit', 'two-pow-31', 'u32-max', 'interior'] as const;

/** Where u32 `v` sits relative to `limit`. */
export function boundaryClass(v: number, limit: number): string {
  if (v === 0) return 'zero';
  if (v === 0xffffffff) return 'u32-max';
  if (v === 0x80000000) return 'two-pow-31';
  if (v === limit) return 'at-limit';
  if (v === limit - 1) return 'limit-1';
  if (v === limit + 1) return 'limit+1';
  if (v > limit) return v <= limit + 8 ? 'past-limit' : 'far-past-limit';
  return v >= limit - 8 ? 'below-limit' : 'interior';
}

/** Classes of a load / store's 33-bit effective address relative to the memory's byte size. */
export const EA_CLASSES = ['straddle', 'at-limit', 'past-limit', 'above-u32'] as const;

export function effectiveAddressClass(ea: number, memSize: number, width: number): string {
  if (ea + width <= memSize) throw new Error(`core-traps: effective address ${ea} (+${width}) is in bounds of ${memSize} bytes`);
  if (ea < memSize) return 'straddle';
  if (ea === memSize) return 'at-limit';
  return ea > 0xffffffff ? 'above-u32' : 'past-limit';
}

/** An index that is out of bounds of `limit`: the drawn value, or the bound itself when the draw is in bounds. */
export function outOfBoundsIndex(d: BoundaryDraw, limit: number): number {
  const v = boundaryValue(d, limit);
  return v >= limit ? v : limit;
}

export interface BulkOperands {
  dest: number;
  src: number;
  len: number;
}

/**
 * Operands of a bulk operation (fill: `src` unused; copy; init: `src` in the segment) that
 * trap: `dest + len > destLimit` or `src + len > srcLimit`, in exact (53-bit) arithmetic. A drawn
 * combination that is in bounds gets `len = limit + 1` instead, which overflows either range.
 */
export function bulkOperands(dest: BoundaryDraw, src: BoundaryDraw | undefined, len: BoundaryDraw, destLimit: number, srcLimit: number, lenLimit: number): BulkOperands {
  const o: BulkOperands = { dest: boundaryValue(dest, destLimit), src: src ? boundaryValue(src, srcLimit) : 0, len: boundaryValue(len, lenLimit) };
  const traps = o.dest + o.len > destLimit || (src !== undefined && o.src + o.len > srcLimit);
  if (!traps) o.len = Math.max(destLimit, srcLimit) + 1;
  return o;
}

/** `v` rotated right by `k` (mod 32): `rotl(rotr(v, k), k) === v`. */
export function rotr32(v: number, k: number): number {
  const s = k & 31;
  return s === 0 ? v >>> 0 : ((v >>> s) | (v << (32 - s))) >>> 0;
}

/** A value whose `shl` by count `k` (mod `bits`) is 0: `2^(bits − k)`, or 0 when the count is 0 mod bits. */
export function zeroAfterShift(k: number, bits: 32 | 64): bigint {
  const s = BigInt(k) & BigInt(bits - 1);
  return s === 0n ? 0n : BigInt.asUintN(bits, 1n << (BigInt(bits) - s));
}
