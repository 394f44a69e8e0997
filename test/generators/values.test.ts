/** The interesting-value dictionaries: every declared class is drawn, and values stay in their type's range. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOffset, boundaryValue, f32Bits, f64Bits, i64Operand, shiftCount, u32Operand, VALUE_CLASSES } from '../../generators/values.ts';

function classesOf<T extends { class: string }>(arb: fc.Arbitrary<T>, n = 4000): { seen: Set<string>; samples: T[] } {
  const samples = fc.sample(arb, { seed: 7, numRuns: n });
  return { seen: new Set(samples.map((s) => s.class)), samples };
}

describe('generators/values', () => {
  it('u32 operands: every class, every value a u32', () => {
    const { seen, samples } = classesOf(u32Operand());
    expect([...seen].sort()).toEqual([...VALUE_CLASSES.u32].sort());
    for (const s of samples) expect(Number.isInteger(s.value) && s.value >= 0 && s.value <= 0xffffffff).toBe(true);
  });
  it('i64 operands: every class, every value a signed 64-bit integer', () => {
    const { seen, samples } = classesOf(i64Operand());
    expect([...seen].sort()).toEqual([...VALUE_CLASSES.i64].sort());
    for (const s of samples) expect(BigInt.asIntN(64, BigInt(s.value)).toString()).toBe(s.value);
  });
  it('float bits: every class; NaN payloads are NaNs with a non-zero payload', () => {
    const f32 = classesOf(f32Bits());
    expect([...f32.seen].sort()).toEqual([...VALUE_CLASSES.float, ...VALUE_CLASSES.f32Only].sort());
    for (const s of f32.samples.filter((x) => x.class === 'nan-payload')) expect(Number.isNaN(new Float32Array(new Uint32Array([s.value]).buffer)[0])).toBe(true);
    const f64 = classesOf(f64Bits());
    expect([...f64.seen].sort()).toEqual([...VALUE_CLASSES.float, ...VALUE_CLASSES.f64Only].sort());
    for (const s of f64.samples.filter((x) => x.class === 'nan-payload')) expect(Number.isNaN(new Float64Array(new BigUint64Array([BigInt(s.value)]).buffer)[0])).toBe(true);
  });
  it('shift counts and boundary offsets: every class; boundary values wrap like an i32 operand', () => {
    expect([...classesOf(shiftCount(32)).seen].sort()).toEqual([...VALUE_CLASSES.shift].sort());
    expect([...classesOf(boundaryOffset()).seen].sort()).toEqual([...VALUE_CLASSES.boundary].sort());
    expect(boundaryValue({ anchor: 'limit', delta: -1, class: 'limit-1' }, 65536)).toBe(65535);
    expect(boundaryValue({ anchor: 'limit', delta: 1, class: 'limit+1' }, 0xffffffff)).toBe(0);
    expect(boundaryValue({ anchor: 'absolute', delta: 0xffffffff, class: 'u32-max' }, 10)).toBe(0xffffffff);
  });
});
