/**
 * Repairs wabt.js's encoding of active data segments for a memory other than 0.
 *
 * wabt's binary writer writes a segment's memory index only when its *write* options enable
 * multi-memory (binary-writer.cc: `if (options_.features.multi_memory_enabled() && (flags &
 * SegExplicitIndex))`), but it sets the flag from the module alone. wabt.js's `toBinary` takes
 * no features, so it writes flag 2 ("explicit memory index") with the index left out: the reader
 * then takes the offset expression's first opcode as the index (`i32.const` = 0x41 = "memory
 * 65"). Parse options cannot reach the writer, so the index is put back here: from the module's
 * own text, each data segment's memory (named or numbered, imports first, inline `(memory
 * (data …))` included) in field order, which is the order wabt writes them.
 */
import { Reader } from '../../wasm/binary-reader.ts';
import { concatBytes } from '../../wasm/concat-bytes.ts';
import { uleb } from '../../wasm/leb.ts';
import { readSections, replaceSection } from '../../wasm/sections.ts';
import type { SList, SNode } from './sexpr.ts';
import { headOf, isAtom, isList, readSExprs, SourceText } from './sexpr.ts';

const DATA_SECTION = 11;
/** Active segment with an explicit memory index (binary format, data segment flags). */
const EXPLICIT_MEMORY = 2;

/** Returns the module with every flag-2 data segment carrying its memory index again. */
export function restoreDataMemoryIndices(bytes: Uint8Array, text: Uint8Array, file: string): Uint8Array {
  const section = readSections(bytes).find((s) => s.id === DATA_SECTION);
  if (!section) return bytes;
  const r = new Reader(bytes, section.start, section.end);
  const count = r.u32();
  const inserts: Array<{ at: number; segment: number }> = [];
  for (let i = 0; i < count; i++) {
    const flags = r.u32();
    if (flags === 0 || flags === EXPLICIT_MEMORY) {
      if (flags === EXPLICIT_MEMORY) inserts.push({ at: r.pos, segment: i });
      r.skipConstExpr();
    } else if (flags !== 1) throw new Error(`data segment ${i}: unexpected flags ${flags}`);
    r.skip(r.u32());
  }
  if (r.pos !== section.end) throw new Error('data section: segments do not fill the section');
  if (inserts.length === 0) return bytes;

  const memories = dataSegmentMemories(text, file);
  if (memories.length !== count) throw new Error(`data section: ${count} segment(s) in the binary, ${memories.length} in the text`);
  const parts: Uint8Array[] = [];
  let at = section.start;
  for (const ins of inserts) {
    const memory = memories[ins.segment]!;
    if (memory === undefined || memory === 0) throw new Error(`data segment ${ins.segment}: flagged for an explicit memory, but the text names memory ${memory ?? '(none)'}`);
    parts.push(bytes.subarray(at, ins.at), Uint8Array.from(uleb(memory)));
    at = ins.at;
  }
  parts.push(bytes.subarray(at, section.end));
  return replaceSection(bytes, DATA_SECTION, concatBytes(parts));
}

/**
 * Per data segment of the module text, in field order: its memory index (undefined for a
 * passive segment). Memory indices count imported memories first, then definitions.
 */
export function dataSegmentMemories(text: Uint8Array, file: string): Array<number | undefined> {
  const fields = moduleFields(readSExprs(SourceText.fromBytes(file, text)));
  const names = new Map<string, number>();
  let memories = 0;
  const out: Array<number | undefined> = [];
  const defineMemory = (node: SList): number => {
    const id = node.items[1];
    if (isAtom(id) && id.text.startsWith('$')) names.set(id.text, memories);
    return memories++;
  };
  for (const f of fields) {
    const head = headOf(f);
    if (head === 'import') {
      const desc = (f as SList).items.find((x) => isList(x, 'memory'));
      if (desc) defineMemory(desc as SList);
    } else if (head === 'memory') {
      const index = defineMemory(f as SList);
      if ((f as SList).items.some((x) => isList(x, 'data'))) out.push(index);
    } else if (head === 'data') out.push(dataMemory(f as SList, names));
  }
  return out;
}

/** `(data $id? (memory x)? offset strings)`, or the older `(data x offset strings)`. */
function dataMemory(node: SList, names: ReadonlyMap<string, number>): number | undefined {
  let i = 1;
  const maybeId = node.items[i];
  if (isAtom(maybeId) && maybeId.text.startsWith('$')) i++; // the segment's own id
  const next = node.items[i];
  if (next === undefined || next.kind === 'string') return undefined; // passive
  if (isList(next, 'memory')) return memoryRef(next.items[1], names);
  if (isAtom(next)) return memoryRef(next, names);
  return 0;
}

function memoryRef(n: SNode | undefined, names: ReadonlyMap<string, number>): number {
  if (!isAtom(n)) throw new Error('data segment: expected a memory index');
  if (n.text.startsWith('$')) {
    const index = names.get(n.text);
    if (index === undefined) throw new Error(`data segment: unknown memory ${n.text}`);
    return index;
  }
  const value = Number(n.text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`data segment: bad memory index ${n.text}`);
  return value;
}

/** The fields of the (single) module in the text, `(module $id? …)` possibly nested by quoting. */
function moduleFields(nodes: SNode[]): SNode[] {
  let fields = nodes;
  while (fields.length === 1 && isList(fields[0], 'module')) {
    const items = (fields[0] as SList).items.slice(1);
    fields = items.filter((x) => !(isAtom(x) && (x.text.startsWith('$') || x.text === 'definition')));
  }
  return fields;
}
