/**
 * The byte arrays (or plain byte lists) `parts`, one after another, in one new Uint8Array.
 * `length`, when the caller already summed the parts, saves a pass over them.
 */
export function concatBytes(parts: ReadonlyArray<ArrayLike<number>>, length?: number): Uint8Array {
  const out = new Uint8Array(length ?? parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    if (p instanceof Uint8Array) out.set(p, at);
    // a plain list is copied by hand: `set` takes a slow generic path for anything but a typed array
    else for (let i = 0; i < p.length; i++) out[at + i] = p[i]!;
    at += p.length;
  }
  return out;
}

/** Byte parts of an encoding and their total length, concatenated once at the end (`bytes()`). */
export class ByteParts {
  readonly list: Array<ArrayLike<number>> = [];
  length = 0;
  add(part: ArrayLike<number>): void {
    this.list.push(part);
    this.length += part.length;
  }
  bytes(): Uint8Array {
    return concatBytes(this.list, this.length);
  }
}
