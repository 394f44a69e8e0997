/**
 * What a wasi-exit command writes before it exits: up to three writes to stdout or stderr, each
 * in one iovec or split over two, and the data segments that hold the text and the iovecs at the
 * addresses ./buffers.ts picked. The expected output is the text itself: where it lies in memory
 * never changes what a correct runtime prints.
 */
import fc from 'fast-check';
import type { Block, BufferPlacement } from './buffers.ts';
import { placeBlocks, SCRATCH_BYTES } from './buffers.ts';

export interface WasiWrite {
  fd: 1 | 2;
  text: string;
  newline: boolean;
  /** Written as two iovecs (split in the middle of the bytes) instead of one. */
  split: boolean;
}

export interface OutputLayout {
  segments: { name: string; data: Uint8Array; offset: number }[];
  /** Per write: iovec pointer and count. */
  iovs: { ptr: number; count: number }[];
  scratch: number;
  nwritten: number;
  /** Every block's start address. */
  at: Record<Block, number>;
}

const enc = new TextEncoder();

export function outputLayout(writes: readonly WasiWrite[], placement: BufferPlacement): OutputLayout {
  const texts = writes.map((w) => enc.encode(w.text + (w.newline ? '\n' : '')));
  const split = writes.map((w, i) => w.split && texts[i]!.length >= 2);
  const textBytes = texts.reduce((n, t) => n + t.length, 0);
  const iovCount = split.reduce((n, s) => n + (s ? 2 : 1), 0);
  const at = placeBlocks(placement, { text: textBytes, iovs: iovCount * 8, scratch: SCRATCH_BYTES, nwritten: 4 });
  const text = new Uint8Array(textBytes);
  const iovBytes = new Uint8Array(iovCount * 8);
  const dv = new DataView(iovBytes.buffer);
  const iovs: OutputLayout['iovs'] = [];
  let t = 0;
  let k = 0;
  const iovec = (ptr: number, len: number): void => {
    dv.setUint32(k * 8, ptr, true);
    dv.setUint32(k * 8 + 4, len, true);
    k++;
  };
  texts.forEach((bytes, i) => {
    const start = at.text + t;
    text.set(bytes, t);
    t += bytes.length;
    iovs.push({ ptr: at.iovs + k * 8, count: split[i] ? 2 : 1 });
    if (split[i]) {
      const half = bytes.length >> 1;
      iovec(start, half);
      iovec(start + half, bytes.length - half);
    } else iovec(start, bytes.length);
  });
  const segments: OutputLayout['segments'] = [];
  if (iovBytes.length) segments.push({ name: 'iovs', data: iovBytes, offset: at.iovs });
  if (text.length) segments.push({ name: 'text', data: text, offset: at.text });
  return { segments, iovs, scratch: at.scratch, nwritten: at.nwritten, at };
}

export function expectedOutput(writes: readonly WasiWrite[], fd: 1 | 2): string {
  return writes
    .filter((w) => w.fd === fd)
    .map((w) => w.text + (w.newline ? '\n' : ''))
    .join('');
}

const TEXT_UNITS = ['a', 'b', 'z', 'Q', '0', '7', ' ', '-', '>', ':', 'é', '✓', '\t', '\n'];
export const writeArbitrary: fc.Arbitrary<WasiWrite> = fc.record({
  fd: fc.constantFrom(1 as const, 2 as const),
  text: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), minLength: 1, maxLength: 16 }),
  newline: fc.boolean(),
  split: fc.boolean(),
});
