/**
 * The lane shapes of a v128 constant in a .wast script and the conversion between lane values
 * and the vector's 16 little-endian bytes (the parser encodes `v128.const` arguments with it,
 * the pattern matcher reads observed vectors back into lanes).
 */
import type { FloatType } from './numbers.ts';

export type LanePattern = { bits: bigint } | { nan: 'canonical' | 'arithmetic' };

export type V128Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';
export const LANES: Record<V128Shape, { count: number; width: 8 | 16 | 32 | 64; float?: FloatType }> = {
  i8x16: { count: 16, width: 8 },
  i16x8: { count: 8, width: 16 },
  i32x4: { count: 4, width: 32 },
  i64x2: { count: 2, width: 64 },
  f32x4: { count: 4, width: 32, float: 'f32' },
  f64x2: { count: 2, width: 64, float: 'f64' },
};

/** Little-endian bytes of a v128 from lane bits. */
export function lanesToBytes(shape: V128Shape, lanes: bigint[]): Uint8Array {
  const { width } = LANES[shape];
  const out = new Uint8Array(16);
  const bytesPer = width / 8;
  lanes.forEach((v, i) => {
    let x = BigInt.asUintN(width, v);
    for (let b = 0; b < bytesPer; b++) {
      out[i * bytesPer + b] = Number(x & 0xffn);
      x >>= 8n;
    }
  });
  return out;
}

/** Lane bits of a v128 read with a shape. */
export function bytesToLanes(shape: V128Shape, bytes: Uint8Array): bigint[] {
  const { width, count } = LANES[shape];
  const bytesPer = width / 8;
  const lanes: bigint[] = [];
  for (let i = 0; i < count; i++) {
    let x = 0n;
    for (let b = bytesPer - 1; b >= 0; b--) x = (x << 8n) | BigInt(bytes[i * bytesPer + b]!);
    lanes.push(x);
  }
  return lanes;
}
