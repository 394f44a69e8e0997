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
import { uleb } from '../../wasm/append.ts';

const IMPORT_SECTION = 2;
const KIND_MEMORY = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Cursor {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('unexpected end of module');
    return this.b[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }
  /** Skips a signed LEB of any width (heap types, s33). */
  sleb(): void {
    while (this.byte() & 0x80);
  }
  name(): string {
    const n = this.u32();
    const s = decoder.decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 0x01) this.u32();
    if (flags & 0x08) this.u32();
  }
  refType(): void {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.sleb();
  }
}

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
  const r = new Cursor(bytes, from);
  const out: ImportEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    const desc = r.pos;
    if (kind === 0) r.u32();
    else if (kind === 1) {
      r.refType();
      r.limits();
    } else if (kind === KIND_MEMORY) r.limits();
    else if (kind === 3) {
      r.refType();
      r.byte();
    } else if (kind === 4) {
      r.byte();
      r.u32();
    } else throw new Error(`unknown import kind ${kind}`);
    out.push({ start, end: r.pos, module, name, kind, desc });
  }
  if (r.pos !== to) throw new Error('import section size mismatch');
  return out;
}

function encodeName(s: string): number[] {
  const b = encoder.encode(s);
  return [...uleb(b.length), ...b];
}

/** Whether the module defines a memory of its own (memory section, id 5). */
function definesMemory(bytes: Uint8Array): boolean {
  const r = new Cursor(bytes, 8);
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    if (id === 5) return new Cursor(bytes, r.pos).u32() > 0;
    r.pos += size;
  }
  return false;
}

/**
 * The module with its single imported memory renamed to `env.memory`, or the same bytes when
 * there is nothing to rename (or the module cannot be read: iwasm then reports it as it is).
 */
export function renameMemoryImport(bytes: Uint8Array): { bytes: Uint8Array; renamed?: string } {
  try {
    const r = new Cursor(bytes, 8);
    while (r.pos < bytes.length) {
      const sectionStart = r.pos;
      const id = r.byte();
      const size = r.u32();
      const body = r.pos;
      if (id !== IMPORT_SECTION) {
        r.pos += size;
        continue;
      }
      const imports = readImports(bytes, body, body + size);
      const memories = imports.filter((i) => i.kind === KIND_MEMORY);
      if (memories.length !== 1 || definesMemory(bytes)) return { bytes };
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
