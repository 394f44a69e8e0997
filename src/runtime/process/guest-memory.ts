/** Host functions reading and writing a process's linear memory: bounds are checked, a miss is a host error. */
import { HostError } from './errors.ts';
import type { Proc } from './proc.ts';

function memoryOf(p: Proc): Uint8Array {
  if (!p.memory) throw new HostError('lunatic: the process has no linear memory');
  return new Uint8Array(p.memory.buffer);
}

/** A view of `len` bytes at `ptr` (both as u32); `what` names the host function in the error. */
export function bytesAt(p: Proc, ptr: number, len: number, what: string): Uint8Array {
  const m = memoryOf(p);
  const a = ptr >>> 0;
  const n = len >>> 0;
  if (a + n > m.length) throw new HostError(`${what}: memory access out of bounds`);
  return m.subarray(a, a + n);
}

export function writeU64(p: Proc, ptr: number, v: bigint, what: string): void {
  const b = bytesAt(p, ptr, 8, what);
  new DataView(b.buffer, b.byteOffset, 8).setBigUint64(0, BigInt.asUintN(64, v), true);
}
