/**
 * The one rewrite the iwasm adapter makes to a case module before running it: iwasm provides a
 * wasi-threads shared memory only to an import named `env.memory` (measured: `(import "foo" "bar"
 * (memory 1 1 shared))` → `WASM module instantiate failed: failed to link import memory (foo,
 * bar)`, rc 255, on 2.0.0 and 2.4.5). The import's name is the host's business, not the
 * module's: a host that provides the process's one shared memory under whatever name the module
 * asks for runs the same program. So a module whose only memory is an import under another name
 * gets that import renamed, byte for byte otherwise identical (no code re-encoded). Modules with
 * a defined memory, or several memories, are left alone.
 */
import { Reader, skipImportDescription } from '../../wasm/binary-reader.ts';
import { readLayout } from '../../wasm/layout.ts';
import { uleb } from '../../wasm/leb.ts';

const IMPORT_SECTION = 2;
const KIND_MEMORY = 2;
const encoder = new TextEncoder();

interface ImportEntry {
  start: number;
  end: number;
  module: string;
  name: string;
  kind: number;
  /** Byte offset where the descriptor (after the kind byte) starts. */
  desc: number;
}

function readImports(bytes: Uint8Array, from: number, to: number): ImportEntry[] {
  const r = new Reader(bytes, from, to);
  const out: ImportEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    const desc = r.pos;
    skipImportDescription(r, kind);
    out.push({ start, end: r.pos, module, name, kind, desc });
  }
  if (r.pos !== to) throw new Error('import section size mismatch');
  return out;
}

function encodeName(s: string): number[] {
  const b = encoder.encode(s);
  return [...uleb(b.length), ...b];
}

/**
 * The module with its single imported memory renamed to `env.memory`, or the same bytes when
 * there is nothing to rename (or the module cannot be read: iwasm then reports it as it is).
 */
export function renameMemoryImport(bytes: Uint8Array): { bytes: Uint8Array; renamed?: string } {
  try {
    const r = new Reader(bytes, 8, bytes.length);
    while (r.pos < bytes.length) {
      const sectionStart = r.pos;
      const id = r.byte();
      const size = r.u32();
      const body = r.pos;
      if (id !== IMPORT_SECTION) {
        r.skip(size);
        continue;
      }
      const imports = readImports(bytes, body, body + size);
      const memories = imports.filter((i) => i.kind === KIND_MEMORY);
      // one memory in all: the imported one (a defined memory would be a second)
      if (memories.length !== 1 || readLayout(bytes).memories.length !== 1) return { bytes };
      const mem = memories[0]!;
      if (mem.module === 'env' && mem.name === 'memory') return { bytes };
      const entries = imports.map((i) => (i === mem ? [...encodeName('env'), ...encodeName('memory'), ...bytes.subarray(i.desc - 1, i.end)] : [...bytes.subarray(i.start, i.end)]));
      const content = [...uleb(imports.length), ...entries.flat()];
      const section = [IMPORT_SECTION, ...uleb(content.length), ...content];
      const out = new Uint8Array(sectionStart + section.length + (bytes.length - body - size));
      out.set(bytes.subarray(0, sectionStart), 0);
      out.set(section, sectionStart);
      out.set(bytes.subarray(body + size), sectionStart + section.length);
      return { bytes: out, renamed: `${mem.module}.${mem.name}` };
    }
    return { bytes };
  } catch {
    return { bytes };
  }
}
