/**
 * The code section as a list of function bodies, and the one way mutations write it back: with
 * some bodies replaced and, optionally, in another order. Every body a mutation does not touch is
 * copied byte for byte.
 */
import { Reader } from '../wasm/binary-reader.ts';
import { concatBytes } from '../wasm/concat-bytes.ts';
import { uleb } from '../wasm/leb.ts';
import { readSections, replaceSection } from '../wasm/sections.ts';

export interface CodeEntry {
  /** Byte offsets of the body (locals vector, then code) in the module, without its size prefix. */
  start: number;
  end: number;
}

/** The bodies of the defined functions, in order (none when the module has no code section). */
export function readCodeEntries(bytes: Uint8Array): CodeEntry[] {
  const section = readSections(bytes).find((s) => s.id === 10);
  if (!section) return [];
  const r = new Reader(bytes, section.start, section.end);
  const entries: CodeEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    entries.push({ start: r.pos, end: r.pos + size });
    r.skip(size);
  }
  return entries;
}

/**
 * `bytes` with its code section rewritten: body k becomes `replaced.get(k)` when present (a whole
 * body: locals vector then code), and with `order` the bodies are written in that order (entry i
 * of the new section is old body `order[i]`).
 */
export function writeCode(bytes: Uint8Array, replaced: ReadonlyMap<number, ArrayLike<number>>, order?: readonly number[]): Uint8Array {
  const entries = readCodeEntries(bytes);
  const sequence = order ?? entries.map((_, i) => i);
  const parts: Array<ArrayLike<number>> = [uleb(sequence.length)];
  for (const k of sequence) {
    const e = entries[k];
    if (!e) throw new Error(`mutate: no function body ${k}`);
    const body = replaced.get(k) ?? bytes.subarray(e.start, e.end);
    parts.push(uleb(body.length), body);
  }
  return replaceSection(bytes, 10, concatBytes(parts));
}
