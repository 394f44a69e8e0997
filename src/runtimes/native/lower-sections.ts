/**
 * The section edits a lowered command needs besides new functions (src/wasm/append.ts) and the
 * `fd_write` import (lower-import.ts), all at the binary level, nothing else re-encoded:
 *   - a memory for a module that has none (the printer's scratch space; sound because no guest
 *     instruction can address a memory the module does not declare);
 *   - `memory` exported (WASI runtimes read iovecs from it, and WAMR refuses a WASI module that
 *     exports no memory);
 *   - the module's own `_start` export renamed, so the generated one can take the name.
 */
import { readU32, uleb } from '../../wasm/leb.ts';
import { readSections, SECTION_ORDER } from '../../wasm/sections.ts';

export interface SectionEdits {
  /** Add `(memory 1 1)` as memory 0. */
  addMemory: boolean;
  /** Export memory 0 as `memory`. */
  exportMemory: boolean;
  /** Rename the export `_start` to this name. */
  renameStart?: string;
}


const enc = new TextEncoder();
const dec = new TextDecoder();
const name = (s: string): number[] => {
  const b = enc.encode(s);
  return [...uleb(b.length), ...b];
};

function editExports(body: Uint8Array | undefined, edits: SectionEdits): number[] {
  const entries: number[][] = [];
  if (body) {
    let [n, pos] = readU32(body, 0);
    for (; n > 0; n--) {
      const [len, at] = readU32(body, pos);
      const field = dec.decode(body.subarray(at, at + len));
      pos = at + len;
      const kind = body[pos++]!;
      const [, next] = readU32(body, pos);
      const rest = [kind, ...body.subarray(pos, next)];
      pos = next;
      entries.push([...name(field === '_start' && edits.renameStart !== undefined ? edits.renameStart : field), ...rest]);
    }
  }
  if (edits.exportMemory) entries.push([...name('memory'), 0x02, 0x00]);
  return [...uleb(entries.length), ...entries.flat()];
}

const rank = (id: number): number => SECTION_ORDER.indexOf(id);

/** Applies `edits` to a module's bytes. */
export function editSections(bytes: Uint8Array, edits: SectionEdits): Uint8Array {
  const out: number[] = [...bytes.subarray(0, 8)];
  const emit = (id: number, body: ArrayLike<number>): void => {
    out.push(id, ...uleb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  };
  const needExports = edits.exportMemory || edits.renameStart !== undefined;
  let memoryDone = !edits.addMemory;
  let exportsDone = !needExports;
  const flushBefore = (id: number): void => {
    if (!memoryDone && rank(id) > rank(5)) {
      emit(5, [1, 0x01, 1, 1]);
      memoryDone = true;
    }
    if (!exportsDone && rank(id) > rank(7)) {
      emit(7, editExports(undefined, edits));
      exportsDone = true;
    }
  };
  for (const { id, start, end } of readSections(bytes)) {
    const body = bytes.subarray(start, end);
    if (id !== 0) flushBefore(id);
    if (id === 7 && needExports) {
      emit(7, editExports(body, edits));
      exportsDone = true;
    } else emit(id, body);
  }
  flushBefore(11); // data, the last non-custom section: everything pending goes before its rank
  return Uint8Array.from(out);
}

/** Initial page count of a module's defined memory 0 (undefined: it defines none). */
export function definedMemoryPages(bytes: Uint8Array): number | undefined {
  const memory = readSections(bytes).find((s) => s.id === 5);
  if (!memory) return undefined;
  const [count, p] = readU32(bytes, memory.start);
  if (count === 0) return undefined;
  return readU32(bytes, p + 1)[0]; // flags byte, then the minimum
}
