/**
 * Lowering of lifted-call arguments into core values (Canonical ABI `lower_flat_values` for the
 * two types trapcheck uses): a `u32` is one i32; a `string` is (ptr, len) of UTF-8 bytes in the
 * callee's memory at a pointer its `cabi_realloc(0, 0, 1, len)` returned. The caller clears
 * may_leave around realloc (LiftLowerContext.reallocate), so an import called from realloc traps.
 */
import type { ComponentValue } from '../case.ts';
import type { WasmValue } from '../outcome.ts';
import type { WasmMemory } from '../runtime/wasm-api.ts';
import { ComponentTrap } from './errors.ts';

export type CallArg = WasmValue | ComponentValue;

/** What lowering needs of the callee instance. */
export interface LowerTarget {
  mayLeave: boolean;
  realloc(len: number): number;
  memory(): WasmMemory | undefined;
}

const utf8 = new TextEncoder();
const OUT_OF_RANGE = new ComponentTrap('out of bounds memory access', 'string lowered outside linear memory');

export function lowerU32(arg: CallArg): number {
  return Number(arg.value) | 0;
}

/** Lowers one string: realloc under may_leave=false, bounds check (canonical `trap_if(ptr + len > len(memory))`), copy. */
export function lowerString(target: LowerTarget, text: string, out: unknown[]): void {
  const bytes = utf8.encode(text);
  target.mayLeave = false;
  let ptr: number;
  try {
    ptr = target.realloc(bytes.length) >>> 0;
  } finally {
    target.mayLeave = true;
  }
  const mem = target.memory();
  if (!mem || ptr + bytes.length > mem.buffer.byteLength) throw OUT_OF_RANGE;
  new Uint8Array(mem.buffer, ptr, bytes.length).set(bytes);
  out.push(ptr | 0, bytes.length);
}
