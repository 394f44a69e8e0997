/**
 * A function whose body is the same bytes in every module that has it: binaryen validates and
 * emits it once per thread, and later builds splice those bytes in place of a placeholder.
 *
 * Why: binaryen.js 132 is built with emscripten's JS exceptions, so validating and emitting cost
 * ~0.3 µs an expression node (about three wasm → JS → wasm trampolines a node). A helper that is
 * identical in every module of a family pays that in every case: wasi-exit's `write_all` (~60
 * nodes) was 7–12 % of a case's time. SharedExpr (./shared-expr.ts) already spares building its
 * tree again; this spares validating and emitting it.
 *
 * When the bytes are the same everywhere: a body (locals vector, then code) refers to the rest of
 * the module only by index: functions it calls, memories, globals, tables, and types (of
 * multi-value blocks, call_indirect). The caller guarantees that every index its tree uses is the
 * same in every module it is spliced into (e.g. `write_all` calls import 1 and uses memory 0, and
 * has no typed block). binaryen emits a tree the same way whatever else the module holds (no
 * optimisation at emit: builder.ts), so the bytes learned once are the bytes every later build
 * would emit.
 *
 * Why the rest of the module stays as binaryen would emit it: the placeholder keeps the function
 * where it was, with its signature and locals, so the function and type index spaces do not move
 * (binaryen orders the type section by how often types are used; a body without typed blocks or
 * call_indirect uses none). Only the placeholder's body is replaced, and the code section's size
 * re-encoded minimally, as binaryen writes it.
 */
import type binaryen from 'binaryen';
import { Reader } from './binary-reader.ts';
import { concatBytes } from './concat-bytes.ts';
import { uleb } from './leb.ts';
import { readSections, replaceSection } from './sections.ts';
import type { SharedExpr } from './shared-expr.ts';

type BModule = binaryen.Module;
type Expr = binaryen.ExpressionRef;

interface BodyRange {
  /** The code section's contents. */
  section: { start: number; end: number };
  /** Byte offset of the entry's size prefix. */
  header: number;
  /** The body itself (locals vector, then code). */
  start: number;
  end: number;
}

/** Where defined function `definedIndex`'s code entry lies. */
function bodyRange(bytes: Uint8Array, definedIndex: number): BodyRange {
  const section = readSections(bytes).find((s) => s.id === 10);
  if (!section) throw new Error('spliced-function: the module has no code section');
  const r = new Reader(bytes, section.start, section.end);
  const count = r.u32();
  if (definedIndex >= count) throw new Error(`spliced-function: no defined function ${definedIndex} (${count} in the code section)`);
  for (let i = 0; i < definedIndex; i++) r.skip(r.u32());
  const header = r.pos;
  const size = r.u32();
  return { section, header, start: r.pos, end: r.pos + size };
}

/** `bytes` with defined function `definedIndex`'s body (locals vector then code) replaced by `body`. */
function replaceBody(bytes: Uint8Array, definedIndex: number, body: Uint8Array): Uint8Array {
  const { section, header, end } = bodyRange(bytes, definedIndex);
  return replaceSection(bytes, 10, concatBytes([bytes.subarray(section.start, header), uleb(body.length), body, bytes.subarray(end, section.end)]));
}

/** One such function (its tree a SharedExpr): learned from the first module that emits it, in this thread. */
export class SplicedFunction {
  private learned: Uint8Array | undefined;

  constructor(private readonly tree: SharedExpr) {}

  /**
   * The body to give the function in a build of `m`: the real tree until its bytes are known,
   * then a placeholder (`unreachable`). Pass the result of the same build to `settle`.
   */
  bodyIn(m: BModule): Expr {
    return this.learned ? m.unreachable() : this.tree.in(m);
  }

  /**
   * The emitted module as it would be with the real body: the first time, the real body is in it
   * and its bytes are learned; afterwards they replace the placeholder. `definedIndex` counts
   * defined functions only (imports excluded).
   */
  settle(bytes: Uint8Array, definedIndex: number): Uint8Array {
    if (this.learned) return replaceBody(bytes, definedIndex, this.learned);
    const { start, end } = bodyRange(bytes, definedIndex);
    this.learned = bytes.slice(start, end);
    return bytes;
  }

  /** Forgets the learned bytes: the next build emits the real body again (tests compare the two). */
  forget(): void {
    this.learned = undefined;
  }
}
