/**
 * Interesting operand values (issue #18 §2), shared by every family: the edges where
 * interpreters and compilers disagree (0, ±1, INT_MIN/MAX, 2^31, 2^32−1, powers of two ±1, ±0,
 * ±inf, NaN payloads, page and table boundaries). Each draw carries its value class, so a family
 * can tag what it emitted (`value:<class>`) and its test can fail when a declared class never
 * shows up.
 *
 * Every arbitrary mixes the dictionary with plain random values (about one draw in four), so the
 * edges are frequent without starving the interior. Values are plain data (numbers, bigints as
 * decimal strings), so parameters stay JSON-safe and shrinkable.
 */
import fc from 'fast-check';

/** A drawn operand and the class it came from. */
export interface Drawn<T> {
  value: T;
  class: string;
}

const drawn = <T>(value: T, cls: string): Drawn<T> => ({ value, class: cls });

/**
 * How an operand arbitrary picks its class: `weighted` (the default) is the mix each function
 * describes; `uniform` gives every class the same share, for a family that spreads its draws
 * over many sites and must still emit each class in a test's few thousand cases.
 */
export interface OperandOptions {
  classes?: 'weighted' | 'uniform';
}

/** The u32 edge dictionary (as unsigned numbers), with their classes. */
export const U32_EDGES: ReadonlyArray<Drawn<number>> = [
  drawn(0, 'zero'),
  drawn(1, 'one'),
  drawn(2, 'small'),
  drawn(0xffffffff, 'minus-one'),
  drawn(0xfffffffe, 'minus-two'),
  drawn(0x7fffffff, 'int-max'),
  drawn(0x80000000, 'int-min'),
  drawn(0x80000001, 'int-min-plus-one'),
  drawn(0x7ffffffe, 'int-max-minus-one'),
];

/** Powers of two and their neighbours, 2^k − 1, 2^k, 2^k + 1 for k in 1..31 (class `pow2`, `pow2-1`, `pow2+1`). */
function powerOfTwoNeighbour(): fc.Arbitrary<Drawn<number>> {
  return fc.record({ k: fc.integer({ min: 1, max: 31 }), d: fc.constantFrom(-1, 0, 1) }).map(({ k, d }) => drawn(((2 ** k + d) >>> 0) as number, d === 0 ? 'pow2' : d < 0 ? 'pow2-1' : 'pow2+1'));
}

/** 2^k + d for k in 1..31, as a u32, with its class. */
function powerOfTwoPlus(d: -1 | 0 | 1): fc.Arbitrary<Drawn<number>> {
  return fc.integer({ min: 1, max: 31 }).map((k) => drawn(((2 ** k + d) >>> 0) as number, d === 0 ? 'pow2' : d < 0 ? 'pow2-1' : 'pow2+1'));
}

/** A u32 operand: an edge, a power of two ± 1, or any u32 (class `random`). */
export function u32Operand(options: OperandOptions = {}): fc.Arbitrary<Drawn<number>> {
  if (options.classes === 'uniform')
    return fc.oneof(...U32_EDGES.map((e) => fc.constant(e)), powerOfTwoPlus(-1), powerOfTwoPlus(0), powerOfTwoPlus(1), fc.nat({ max: 0xffffffff }).map((v) => drawn(v, 'random')));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...U32_EDGES), weight: 4 },
    { arbitrary: powerOfTwoNeighbour(), weight: 3 },
    { arbitrary: fc.nat({ max: 0xffffffff }).map((v) => drawn(v, 'random')), weight: 2 },
  );
}

/** The i64 edge dictionary (decimal strings of the signed value). */
export const I64_EDGES: ReadonlyArray<Drawn<string>> = [
  drawn('0', 'zero'),
  drawn('1', 'one'),
  drawn('-1', 'minus-one'),
  drawn('9223372036854775807', 'int-max'),
  drawn('-9223372036854775808', 'int-min'),
  drawn('-9223372036854775807', 'int-min-plus-one'),
  drawn('2147483648', 'two-pow-31'),
  drawn('4294967295', 'u32-max'),
  drawn('4294967296', 'two-pow-32'),
];

/** An i64 operand as a decimal string: an edge, ±2^k ± 1 for k in 1..63, or any i64. */
export function i64Operand(options: OperandOptions = {}): fc.Arbitrary<Drawn<string>> {
  if (options.classes === 'uniform') {
    const near = (d: bigint): fc.Arbitrary<Drawn<string>> =>
      fc
        .record({ k: fc.integer({ min: 1, max: 63 }), neg: fc.boolean() })
        .map(({ k, neg }) => drawn(BigInt.asIntN(64, (neg ? -1n : 1n) * ((1n << BigInt(k)) + d)).toString(), d === 0n ? 'pow2' : d < 0n ? 'pow2-1' : 'pow2+1'));
    const random = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((v) => drawn(v.toString(), 'random'));
    return fc.oneof(...I64_EDGES.map((e) => fc.constant(e)), near(-1n), near(0n), near(1n), random);
  }
  const neighbour = fc
    .record({ k: fc.integer({ min: 1, max: 63 }), d: fc.constantFrom(-1n, 0n, 1n), neg: fc.boolean() })
    .map(({ k, d, neg }) => drawn(BigInt.asIntN(64, (neg ? -1n : 1n) * ((1n << BigInt(k)) + d)).toString(), d === 0n ? 'pow2' : d < 0n ? 'pow2-1' : 'pow2+1'));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...I64_EDGES), weight: 4 },
    { arbitrary: neighbour, weight: 3 },
    { arbitrary: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((v) => drawn(v.toString(), 'random')), weight: 2 },
  );
}

/** The f32 edge dictionary (raw bits as unsigned numbers), with their classes. */
export const F32_EDGES: ReadonlyArray<Drawn<number>> = [
  drawn(0x00000000, 'plus-zero'),
  drawn(0x80000000, 'minus-zero'),
  drawn(0x7f800000, 'plus-inf'),
  drawn(0xff800000, 'minus-inf'),
  drawn(0x7fc00000, 'canonical-nan'),
  drawn(0x00000001, 'min-subnormal'),
  drawn(0x7f7fffff, 'max-finite'),
  drawn(0x3f800000, 'one'),
  drawn(0xbf800000, 'minus-one'),
  drawn(0x4f000000, 'two-pow-31'),
  drawn(0xcf000000, 'minus-two-pow-31'),
  drawn(0x4f800000, 'two-pow-32'),
];

/**
 * A float operand as raw bits (f32: u32 number; f64: decimal string of the u64 bits): ±0, ±inf,
 * canonical and arithmetic NaNs with random payloads and either sign, the smallest subnormal, the
 * largest finite, ±1, values next to the integer-conversion limits, or any bit pattern.
 */
export function f32Bits(options: OperandOptions = {}): fc.Arbitrary<Drawn<number>> {
  const payload = fc.integer({ min: 1, max: 0x7fffff });
  const nan = fc.record({ p: payload, neg: fc.boolean() }).map(({ p, neg }) => drawn(((neg ? 0xff800000 : 0x7f800000) | p) >>> 0, 'nan-payload'));
  const random = fc.nat({ max: 0xffffffff }).map((v) => drawn(v, 'random'));
  if (options.classes === 'uniform') return fc.oneof(...F32_EDGES.map((e) => fc.constant(e)), nan, random);
  return fc.oneof(fc.constantFrom(...F32_EDGES), nan, random);
}

const b64 = (v: bigint, cls: string): Drawn<string> => drawn(v.toString(), cls);
/** The f64 edge dictionary (raw bits as decimal strings), with their classes. */
export const F64_EDGES: ReadonlyArray<Drawn<string>> = [
  b64(0n, 'plus-zero'),
  b64(0x8000000000000000n, 'minus-zero'),
  b64(0x7ff0000000000000n, 'plus-inf'),
  b64(0xfff0000000000000n, 'minus-inf'),
  b64(0x7ff8000000000000n, 'canonical-nan'),
  b64(1n, 'min-subnormal'),
  b64(0x7fefffffffffffffn, 'max-finite'),
  b64(0x3ff0000000000000n, 'one'),
  b64(0xbff0000000000000n, 'minus-one'),
  b64(0x41e0000000000000n, 'two-pow-31'),
  b64(0xc1e0000000000000n, 'minus-two-pow-31'),
  b64(0x43e0000000000000n, 'two-pow-63'),
];

export function f64Bits(options: OperandOptions = {}): fc.Arbitrary<Drawn<string>> {
  const payload = fc.bigInt({ min: 1n, max: (1n << 52n) - 1n });
  const nan = fc.record({ p: payload, neg: fc.boolean() }).map(({ p, neg }) => b64((neg ? 0xfff0000000000000n : 0x7ff0000000000000n) | p, 'nan-payload'));
  const random = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => b64(v, 'random'));
  if (options.classes === 'uniform') return fc.oneof(...F64_EDGES.map((e) => fc.constant(e)), nan, random);
  return fc.oneof(fc.constantFrom(...F64_EDGES), nan, random);
}

/** A shift count: in range, exactly the width, past it (counts are taken modulo the width), negative. */
export function shiftCount(width: 32 | 64, options: OperandOptions = {}): fc.Arbitrary<Drawn<number>> {
  const edges = [drawn(0, 'zero'), drawn(1, 'one'), drawn(width - 1, 'width-1'), drawn(width, 'width'), drawn(width + 1, 'width+1'), drawn(-1, 'minus-one')];
  const inRange = fc.integer({ min: 0, max: width - 1 }).map((v) => drawn(v, 'in-range'));
  const past = fc.integer({ min: width, max: 0x7fffffff }).map((v) => drawn(v, 'past-width'));
  if (options.classes === 'uniform') return fc.oneof(...edges.map((e) => fc.constant(e)), inRange, past);
  return fc.oneof(fc.constantFrom(...edges), inRange, past);
}

/**
 * An offset around a boundary `limit` (a memory's byte size, a table's length, a segment's end):
 * the limit itself, just before and after it, far past it, 0, and the u32 edges. `limit` is
 * known when the case is built, so a family maps the drawn `delta` onto it; the class names
 * where the value sits relative to the limit.
 */
export interface BoundaryDraw {
  /** `at-limit` + delta, or an absolute u32 for `absolute` classes. */
  anchor: 'limit' | 'zero' | 'absolute';
  delta: number;
  class: string;
}

const BOUNDARY_EDGES: readonly BoundaryDraw[] = [
  { anchor: 'limit', delta: 0, class: 'at-limit' },
  { anchor: 'limit', delta: -1, class: 'limit-1' },
  { anchor: 'limit', delta: 1, class: 'limit+1' },
  { anchor: 'zero', delta: 0, class: 'zero' },
  { anchor: 'absolute', delta: 0xffffffff, class: 'u32-max' },
  { anchor: 'absolute', delta: 0x80000000, class: 'two-pow-31' },
];

export function boundaryOffset(options: OperandOptions = {}): fc.Arbitrary<BoundaryDraw> {
  const far = fc.integer({ min: 1, max: 1 << 20 }).map((delta) => ({ anchor: 'limit' as const, delta, class: 'far-past-limit' }));
  if (options.classes === 'uniform') {
    // below-limit / past-limit: the deltas no edge above has (−8…−2, 2…8)
    const near = (min: number, max: number, cls: string): fc.Arbitrary<BoundaryDraw> => fc.integer({ min, max }).map((delta) => ({ anchor: 'limit' as const, delta, class: cls }));
    return fc.oneof(...BOUNDARY_EDGES.map((e) => fc.constant(e)), near(-8, -2, 'below-limit'), near(2, 8, 'past-limit'), far);
  }
  return fc.oneof(
    fc.constantFrom<BoundaryDraw>(...BOUNDARY_EDGES),
    fc.integer({ min: -8, max: 8 }).map((delta) => ({ anchor: 'limit' as const, delta, class: delta < 0 ? 'below-limit' : delta === 0 ? 'at-limit' : 'past-limit' })),
    far,
  );
}

/** The u32 value of a boundary draw against `limit` (wrapping like the wasm i32 the operand becomes). */
export function boundaryValue(d: BoundaryDraw, limit: number): number {
  if (d.anchor === 'absolute') return d.delta >>> 0;
  if (d.anchor === 'zero') return 0;
  return (limit + d.delta) >>> 0;
}

/** Every class the arbitraries above can emit, per arbitrary (families declare the ones they use). */
export const VALUE_CLASSES = {
  u32: [...U32_EDGES.map((e) => e.class), 'pow2', 'pow2-1', 'pow2+1', 'random'],
  i64: [...I64_EDGES.map((e) => e.class), 'pow2', 'pow2-1', 'pow2+1', 'random'],
  float: ['plus-zero', 'minus-zero', 'plus-inf', 'minus-inf', 'canonical-nan', 'min-subnormal', 'max-finite', 'one', 'minus-one', 'two-pow-31', 'minus-two-pow-31', 'nan-payload', 'random'],
  f32Only: ['two-pow-32'],
  f64Only: ['two-pow-63'],
  shift: ['zero', 'one', 'width-1', 'width', 'width+1', 'minus-one', 'in-range', 'past-width'],
  boundary: ['at-limit', 'limit-1', 'limit+1', 'zero', 'u32-max', 'two-pow-31', 'below-limit', 'past-limit', 'far-past-limit'],
} as const;
