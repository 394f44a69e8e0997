/**
 * LEB128, the binary format's integer encoding: the one reader and the two writers every
 * binary-level rewrite here uses (append, lowering, start export, process instrumentation).
 *
 * The writers take a plain-number path for safe integers (every index, size and i32 constant:
 * nearly all calls) and fall back to BigInt only beyond 2^53 or for a bigint argument; both paths
 * give the same bytes, the fast one ~5× cheaper. `pushUleb` / `pushSleb` write into an existing
 * list, for encoders that would otherwise spread a fresh array per integer.
 */

/** Appends the unsigned LEB128 of `n` to `out`. */
export function pushUleb(out: number[], n: number | bigint): void {
  if (typeof n === 'number' && n >= 0 && Number.isSafeInteger(n)) {
    // division, not `>>>`: exact up to 2^53, where 32-bit shifts would wrap
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    return;
  }
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

/** Appends the signed LEB128 of `n` (any width: i32 / i64 constants) to `out`. */
export function pushSleb(out: number[], n: number | bigint): void {
  if (typeof n === 'number' && Number.isSafeInteger(n)) {
    for (;;) {
      // the low 7 bits as two's complement would have them, and the floor-shifted rest
      const b: number = ((n % 0x80) + 0x80) % 0x80;
      n = (n - b) / 0x80;
      const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
      out.push(done ? b : b | 0x80);
      if (done) return;
    }
  }
  let v = BigInt(n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return;
  }
}

/** Unsigned LEB128 of `n`. */
export function uleb(n: number | bigint): number[] {
  const out: number[] = [];
  pushUleb(out, n);
  return out;
}

/** Signed LEB128 of `n` (any width: i32 / i64 constants). */
export function sleb(n: number | bigint): number[] {
  const out: number[] = [];
  pushSleb(out, n);
  return out;
}

/** How many bytes the unsigned LEB128 of `n` (a safe non-negative integer) takes. */
export function ulebLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
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
