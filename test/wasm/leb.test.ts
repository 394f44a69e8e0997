/**
 * LEB128 writers (src/wasm/leb.ts): the plain-number fast path gives the same bytes as the BigInt
 * encoding it replaced, at every length boundary and beyond 2^53 (where it hands over to BigInt).
 */
import { describe, expect, it } from 'vitest';
import { pushSleb, pushUleb, readU32, sleb, uleb, ulebLength } from '../../src/wasm/leb.ts';

/** The reference encodings: the BigInt-only writers as they were before the fast path. */
function bigUleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

function bigSleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const UNSIGNED = [0, 1, 2 ** 6 - 1, 2 ** 6, 2 ** 7 - 1, 2 ** 7, 2 ** 14 - 1, 2 ** 14, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1];
const SIGNED = [...UNSIGNED, ...UNSIGNED.map((n) => -n), -1, -(2 ** 6) - 1, -(2 ** 31) - 1, -(2 ** 53) + 1];
const BIG = [2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 53n) - 1n, -(2n ** 63n)];

describe('uleb', () => {
  it('gives the BigInt encoding at every boundary', () => {
    for (const n of UNSIGNED) {
      expect(uleb(n), String(n)).toEqual(bigUleb(n));
      expect(uleb(BigInt(n)), `${n}n`).toEqual(bigUleb(n));
      expect(ulebLength(n), `length of ${n}`).toBe(bigUleb(n).length);
    }
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('hands values beyond 2^53 to BigInt', () => {
    for (const n of BIG.filter((x) => x >= 0n)) expect(uleb(n), `${n}n`).toEqual(bigUleb(n));
    expect(uleb(2 ** 60)).toEqual(bigUleb(2n ** 60n));
    expect(uleb(2n ** 64n - 1n)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('round-trips through readU32', () => {
    for (const n of UNSIGNED.filter((x) => x < 2 ** 35)) expect(readU32(Uint8Array.from(uleb(n)), 0)).toEqual([n, uleb(n).length]);
  });

  it('rejects what BigInt rejects', () => {
    expect(() => uleb(0.5)).toThrow(RangeError);
    expect(() => uleb(Number.NaN)).toThrow(RangeError);
  });
});

describe('sleb', () => {
  it('gives the BigInt encoding at every boundary', () => {
    for (const n of SIGNED) {
      expect(sleb(n), String(n)).toEqual(bigSleb(n));
      expect(sleb(BigInt(n)), `${n}n`).toEqual(bigSleb(n));
    }
    expect(sleb(0)).toEqual([0x00]);
    expect(sleb(-0)).toEqual([0x00]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('hands values beyond 2^53 to BigInt', () => {
    for (const n of BIG) expect(sleb(n), `${n}n`).toEqual(bigSleb(n));
    expect(sleb(-(2 ** 60))).toEqual(bigSleb(-(2n ** 60n)));
  });

  it('agrees with BigInt on a spread of values', () => {
    // deterministic: every power of two ± 1 up to 2^53 and a multiplicative walk between them
    for (let e = 0; e <= 53; e++) for (const d of [-1, 0, 1]) for (const s of [1, -1]) {
      const n = s * (2 ** e + d);
      if (Number.isSafeInteger(n)) expect(sleb(n), String(n)).toEqual(bigSleb(n));
    }
    for (let n = 1; n < 2 ** 53; n = Math.floor(n * 1.37) + 3) {
      expect(sleb(n), String(n)).toEqual(bigSleb(n));
      expect(sleb(-n), String(-n)).toEqual(bigSleb(-n));
      expect(uleb(n), String(n)).toEqual(bigUleb(n));
    }
  });

  it('rejects what BigInt rejects', () => {
    expect(() => sleb(1.5)).toThrow(RangeError);
    expect(() => sleb(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('pushUleb / pushSleb', () => {
  it('append to the list they are given', () => {
    const out = [0xaa];
    pushUleb(out, 300);
    pushSleb(out, -300);
    expect(out).toEqual([0xaa, ...bigUleb(300), ...bigSleb(-300)]);
  });
});
