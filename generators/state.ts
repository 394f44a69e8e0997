/**
 * Tracks what a generated module does to linear memory, so expectations can name exact bytes.
 * Generators write the same effects into the module and into this model; the judge then
 * compares the regions the model was asked to watch.
 */
import type { MemoryRegion } from '../src/case.ts';

export class MemoryModel {
  private readonly bytes = new Map<number, number>();
  private readonly watched = new Set<number>();

  constructor(readonly size: number) {}

  read(addr: number): number {
    return this.bytes.get(addr) ?? 0;
  }

  /** Little-endian write of `width` bytes of `value`; also watches them. */
  write(addr: number, width: number, value: bigint): void {
    let v = BigInt.asUintN(64, value);
    for (let i = 0; i < width; i++) {
      this.bytes.set(addr + i, Number(v & 0xffn));
      this.watched.add(addr + i);
      v >>= 8n;
    }
  }

  writeBytes(addr: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      this.bytes.set(addr + i, data[i]!);
      this.watched.add(addr + i);
    }
  }

  /** Watch `[addr, addr + len)`, clipped to the memory. */
  watch(addr: number, len: number): void {
    const end = Math.min(addr + len, this.size);
    for (let a = Math.max(0, addr); a < end; a++) this.watched.add(a);
  }

  readU32(addr: number): number {
    return (this.read(addr) | (this.read(addr + 1) << 8) | (this.read(addr + 2) << 16) | (this.read(addr + 3) << 24)) >>> 0;
  }

  /** The watched bytes as contiguous regions, ascending. */
  regions(): MemoryRegion[] {
    const addrs = [...this.watched].sort((x, y) => x - y);
    const out: MemoryRegion[] = [];
    let start = -1;
    let hex = '';
    let prev = -2;
    for (const a of addrs) {
      if (a !== prev + 1) {
        if (start >= 0) out.push({ offset: start, hex });
        start = a;
        hex = '';
      }
      hex += this.read(a).toString(16).padStart(2, '0');
      prev = a;
    }
    if (start >= 0) out.push({ offset: start, hex });
    return out;
  }
}

/** i32 arithmetic helpers for values the probe function computes in wasm. */
export function mix(acc: number, v: number): number {
  return (Math.imul(acc, 31) + (v | 0)) | 0;
}
