/**
 * The section list of a module binary (the one lister binary-level rewrites read sections
 * through) and their order, and two single-section edits that keep every other section's bytes:
 * replace one section's contents, and append entries to a vector section of any id, creating the
 * section in its place when the module has none. (appendToModule, src/wasm/append.ts, appends to
 * several sections in one pass.)
 */
import { concatBytes } from './concat-bytes.ts';
import { readU32, uleb } from './leb.ts';

export interface Section {
  id: number;
  /** Byte offset of the section's id. */
  header: number;
  /** Byte offsets of the section's contents (after its id and size). */
  start: number;
  end: number;
}

/** The order non-custom sections must appear in, by id: tag (13) sits between memory and global, datacount (12) before code. */
export const SECTION_ORDER: readonly number[] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

export function readSections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const header = pos;
    const id = bytes[pos++]!;
    const [size, start] = readU32(bytes, pos);
    pos = start + size;
    if (pos > bytes.length) throw new Error(`sections: section ${id} overruns the module`);
    out.push({ id, header, start, end: pos });
  }
  return out;
}

/** Whether the module has a start section (8), reading section headers only (throws on a truncated header). */
export function hasStartSection(bytes: Uint8Array): boolean {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    if (id === 8) return true;
    const [size, start] = readU32(bytes, pos);
    pos = start + size;
  }
  return false;
}

/** The number of entries of vector section `id` (0 when the module has none). */
export function sectionCount(bytes: Uint8Array, id: number): number {
  const s = readSections(bytes).find((x) => x.id === id);
  return s ? readU32(bytes, s.start)[0] : 0;
}

/** Whether a custom section's contents are the `name` section's (rewrites that renumber functions drop it). */
export function isNameSection(contents: Uint8Array): boolean {
  const [len, at] = readU32(contents, 0);
  return new TextDecoder().decode(contents.subarray(at, at + len)) === 'name';
}

/** A vector section's contents (none: an empty one) with `entries` appended; the old entries stay byte for byte. */
export function withEntries(contents: Uint8Array | undefined, entries: readonly number[][]): number[] {
  const [count, rest] = contents ? readU32(contents, 0) : [0, 0];
  return [...uleb(count + entries.length), ...(contents ? contents.subarray(rest) : []), ...entries.flat()];
}

/** A section: its id, the size of `contents`, then `contents`. */
export function encodeSection(id: number, contents: ArrayLike<number>): Uint8Array {
  return concatBytes([[id, ...uleb(contents.length)], contents]);
}

const utf8 = new TextEncoder();

/** A name as the binary format writes one (import, export and custom section names): its UTF-8 length, then its bytes. */
export function encodeName(s: string): number[] {
  const b = utf8.encode(s);
  const out = uleb(b.length);
  for (const x of b) out.push(x);
  return out;
}

/** `bytes` with the contents of the (first) section `id` replaced by `contents`. */
export function replaceSection(bytes: Uint8Array, id: number, contents: ArrayLike<number>): Uint8Array {
  const s = readSections(bytes).find((x) => x.id === id);
  if (!s) throw new Error(`sections: the module has no section ${id}`);
  return concatBytes([bytes.subarray(0, s.header), encodeSection(id, contents), bytes.subarray(s.end)]);
}

/** `bytes` with `entries` (each one encoded entry) appended to vector section `id`, after the existing ones. */
export function appendEntries(bytes: Uint8Array, id: number, entries: number[][]): Uint8Array {
  if (entries.length === 0) return bytes;
  const sections = readSections(bytes);
  const existing = sections.find((x) => x.id === id);
  if (existing) {
    const [count, rest] = readU32(bytes, existing.start);
    return replaceSection(bytes, id, concatBytes([uleb(count + entries.length), bytes.subarray(rest, existing.end), entries.flat()]));
  }
  const rank = SECTION_ORDER.indexOf(id);
  const next = sections.find((x) => x.id !== 0 && SECTION_ORDER.indexOf(x.id) > rank);
  const at = next ? next.header : bytes.length;
  return concatBytes([bytes.subarray(0, at), encodeSection(id, [...uleb(entries.length), ...entries.flat()]), bytes.subarray(at)]);
}
