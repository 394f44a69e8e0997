/**
 * A growable byte buffer for binary-level rewrites that run once per generated case (wrapping a
 * function in a context): bytes go straight into one Uint8Array, slices of the input are copied
 * in (by hand when short, with `set` when long), and a section or code entry whose size prefix
 * must come first is written into a second writer and then copied in behind its size. The list-of-parts form it replaces
 * (ByteParts: arrays of numbers, concatenated at the end) spent a third of a wrap allocating and
 * copying those lists element by element.
 */
export class ByteWriter {
  private buf: Uint8Array;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  /** Empties the writer, keeping its buffer. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Bytes [start, end) of `src` (all of it by default). */
  slice(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.room(n);
    // most runs are a few bytes: a loop is cheaper than the view `set` needs
    if (n <= 64) for (let i = 0; i < n; i++) this.buf[this.pos + i] = src[start + i]!;
    else this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** A plain list of bytes, copied by hand (`set` takes a slow generic path for anything but a typed array). */
  list(bytes: ArrayLike<number>): void {
    const n = bytes.length;
    this.room(n);
    for (let i = 0; i < n; i++) this.buf[this.pos + i] = bytes[i]!;
    this.pos += n;
  }

  /** Unsigned LEB128 of a non-negative safe integer, minimally encoded. */
  uleb(n: number): void {
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  /** Everything another writer holds, behind its length as an unsigned LEB128 (a section's or entry's size). */
  sized(inner: ByteWriter): void {
    this.uleb(inner.pos);
    this.slice(inner.buf, 0, inner.pos);
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
