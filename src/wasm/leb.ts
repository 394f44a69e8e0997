/**
 * LEB128, the binary format's integer encoding: the one reader and the two writers every
 * binary-level rewrite here uses (append, lowering, start export, process instrumentation).
 */

/** Unsigned LEB128 of `n`. */
export function uleb(n: number | bigint): number[] {
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

/** Signed LEB128 of `n` (any width: i32 / i64 constants). */
export function sleb(n: number | bigint): number[] {
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

/** Reads an unsigned LEB128 at `pos`: [value, position after it]. */
export function readU32(b: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const x = b[pos++];
    if (x === undefined) throw new Error('truncated LEB128');
    result += (x & 0x7f) * 2 ** shift;
    if ((x & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}
