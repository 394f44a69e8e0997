/**
 * Re-encodes one function's body inside a context, at the binary level:
 *
 *     <prefix>  block <[] → results>  <the original body>  end  <suffix>  end
 *
 * The context's extra locals come after the function's own (its local indices do not change),
 * and the types, functions and funcref table the context needs are appended after every existing
 * one, so no index the module already uses changes. Every other byte of the original body is
 * copied as generated: a round trip through binaryen would re-encode it, and could not express
 * block parameters or keep dead code at all.
 *
 * The one rewrite inside the body: a branch to the function's own label (a `br` that returns)
 * must still leave the function, so its depth grows by the labels the context puts around it
 * (or, by choice, it stays as it is and so ends the body's block, which has the same results).
 * The context itself (generators/contexts/) decides what the prefix and suffix are; it only has
 * to leave the body's results on the stack unchanged.
 */
import type { NewFunction } from './append.ts';
import { Reader, readTypeSection, SignatureError, skipImportDescription } from './binary-reader.ts';
import { BodyAdditions } from './body-additions.ts';
import { ByteWriter } from './byte-writer.ts';
import { branchDepths, CodeReader, isBranch, opensLabel, readInstruction, readLocals } from './instructions.ts';
import type { Section } from './sections.ts';
import { readSections, SECTION_ORDER } from './sections.ts';
import type { FuncSig, SigType } from './signatures.ts';

/** What a context needs to know about the function it wraps and the module's index spaces. */
export interface FunctionShape {
  index: number;
  params: SigType[];
  results: SigType[];
  /** Params plus declared locals: the first index free for the context's locals. */
  localCount: number;
  /** Next free index of each space: an appended entry i gets `count + i`. */
  typeCount: number;
  funcCount: number;
  tableCount: number;
}

/** A context's code and the module additions it refers to (indices computed from a FunctionShape). */
export interface BodyContext {
  /** Value type codes of the context's locals, appended after the function's own. */
  locals: number[];
  /** Code before the body's block. */
  prefix: number[];
  /** Encoded block type of the body's block: [] → the function's results. */
  bodyType: number[];
  /** Code after the body's block, up to (not including) the function's final `end`. */
  suffix: number[];
  /** How many labels of the prefix enclose the body's block (the block itself not counted). */
  labels: number;
  /**
   * Where a branch to the function's own label goes: `function` (default) deepens it to still
   * leave the function directly; `body` leaves its depth, so it now ends the body's block and
   * its values go on through the suffix like the body's fall-through values (same results).
   */
  escape?: 'function' | 'body';
  /** Function types appended to the type section ([params, results] as value type codes). */
  types: Array<[number[], number[]]>;
  functions: NewFunction[];
  /** Function indices of a funcref table appended to the module (an active segment fills it from 0). */
  table?: number[];
}

export class WrapError extends Error {
  override name = 'WrapError';
}

/** Byte offsets of one code entry. */
interface CodeEntry {
  /** The entry's size prefix. */
  header: number;
  /** The entry's body (locals vector then code), without its size prefix. */
  start: number;
  end: number;
}

/** Scratch writers: a wrap is synchronous and never nested, so one set serves every wrap. */
const moduleOut = new ByteWriter(1024);
const sectionOut = new ByteWriter(512);
const entryOut = new ByteWriter(512);

/**
 * The body's code (after its locals) with every branch to the function's label deepened by
 * `extra`, without its final `end`: runs of unchanged instructions copied as they are.
 */
function retargetedCode(bytes: Uint8Array, start: number, end: number, extra: number, out: ByteWriter): void {
  let nesting = 0;
  let run = start;
  const r = new CodeReader(bytes, start, end);
  while (r.pos < end) {
    const ins = readInstruction(r);
    if (ins.op === 0x0b && nesting === 0) {
      if (ins.end !== end) throw new WrapError(`the function's end at byte ${ins.start} is not its last instruction`);
      out.slice(bytes, run, ins.start);
      return;
    }
    if (opensLabel(ins.op)) nesting++;
    else if (ins.op === 0x0b) nesting--;
    if (!isBranch(ins.op)) continue;
    // every branch is re-encoded (as it always was), its depths minimal whether or not they change
    const depths = branchDepths(bytes, ins);
    out.slice(bytes, run, ins.start);
    run = ins.end;
    out.byte(ins.op);
    if (ins.op === 0x0e) out.uleb(depths.length - 1);
    for (const d of depths) out.uleb(d === nesting ? d + extra : d);
  }
  throw new WrapError('the function body has no final end');
}

/**
 * Defined function `funcIndex` of a module, read once: its shape (what a context is encoded
 * against) and where its code entry is (what `wrap` rewrites). Only what those two need is read:
 * the type section's entries, how many functions and tables are imported (names skipped, not
 * decoded), the function's type index, the table count and the code entries up to the function's.
 */
export class FunctionSite {
  readonly shape: FunctionShape;
  private readonly sections: Section[];
  /** The code section, its entry count and where its first entry starts. */
  private readonly code: { count: number; first: number; end: number };
  private readonly target: CodeEntry;

  constructor(
    readonly bytes: Uint8Array,
    funcIndex: number,
  ) {
    if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new SignatureError('not a wasm binary (bad magic)');
    this.sections = readSections(bytes);
    const types: Array<FuncSig | undefined> = [];
    let imported = 0;
    let importedTables = 0;
    let definedTypes: number[] = [];
    let tableCount = 0;
    let code: Section | undefined;
    for (const s of this.sections) {
      const r = new Reader(bytes, s.start, s.end);
      if (s.id === 1) readTypeSection(r, types);
      else if (s.id === 2) {
        const counts = countImports(r);
        imported = counts.funcs;
        importedTables = counts.tables;
      } else if (s.id === 3) {
        definedTypes = [];
        for (let n = r.u32(); n > 0; n--) definedTypes.push(r.u32());
      } else if (s.id === 4) tableCount = r.u32();
      else if (s.id === 10) code = s;
    }
    const funcs = imported + definedTypes.length;
    const sig = funcIndex >= imported ? types[definedTypes[funcIndex - imported]!] : undefined;
    if (!sig) throw new WrapError(`function ${funcIndex} is not a defined function (${imported} imported, ${funcs} in all)`);
    if (!code) throw new WrapError('the module has no code section');
    const r = new Reader(bytes, code.start, code.end);
    const count = r.u32();
    this.code = { count, first: r.pos, end: code.end };
    const target = codeEntry(r, count, funcIndex - imported);
    if (!target) throw new WrapError(`function ${funcIndex} has no code entry`);
    this.target = target;
    const { declared } = readLocals(new Reader(bytes, target.start, target.end));
    this.shape = {
      index: funcIndex,
      params: sig.params,
      results: sig.results,
      localCount: sig.params.length + declared,
      typeCount: types.length,
      funcCount: funcs,
      tableCount: importedTables + tableCount,
    };
  }

  /** The function's code entry (size prefix included) with its body inside `ctx`. */
  private wrappedEntry(ctx: BodyContext, out: ByteWriter): void {
    const { bytes, target } = this;
    const r = new Reader(bytes, target.start, target.end);
    const { groups } = readLocals(r);
    const codeStart = r.pos;
    const groupsStart = new Reader(bytes, target.start, target.end);
    groupsStart.u32();
    const body = entryOut.reset();
    body.uleb(groups + ctx.locals.length);
    body.slice(bytes, groupsStart.pos, codeStart);
    for (const t of ctx.locals) {
      body.byte(1);
      body.byte(t);
    }
    body.list(ctx.prefix);
    body.byte(0x02);
    body.list(ctx.bodyType);
    // the body's own label is one more level around its code
    retargetedCode(bytes, codeStart, target.end, ctx.escape === 'body' ? 0 : ctx.labels + 1, body);
    body.byte(0x0b);
    body.list(ctx.suffix);
    body.byte(0x0b);
    out.sized(body);
  }

  /**
   * The module with the function's body wrapped in `ctx` and the context's additions appended,
   * written in one pass. Every section is written anew with its size encoded minimally; a section
   * that gains entries and is missing is created in its place (src/wasm/append.ts's editSections
   * does the same for any additions: test/wasm/wrap-body.test.ts checks the two agree).
   */
  wrap(ctx: BodyContext): Uint8Array {
    const { bytes } = this;
    const additions = new BodyAdditions(ctx, this.shape.tableCount);
    const out = moduleOut.reset();
    out.slice(bytes, 0, 8);
    /** Section ids written or passed (bit `id`), and how far SECTION_ORDER was looked at for sections to create. */
    const progress = { written: 0, created: 0 };
    for (const s of this.sections) {
      if (s.id !== 0) this.createMissing(SECTION_ORDER.indexOf(s.id), progress, ctx, additions, out);
      if (s.id !== 0 && (progress.written & (1 << s.id)) === 0 && (s.id === 10 || additions.count(s.id) > 0)) {
        this.section(s.id, ctx, additions, out, s);
        progress.written |= 1 << s.id;
      } else {
        out.byte(s.id);
        out.uleb(s.end - s.start);
        out.slice(bytes, s.start, s.end);
      }
    }
    this.createMissing(SECTION_ORDER.length, progress, ctx, additions, out);
    return out.bytes();
  }

  /** The sections ordered before `rank` that gain entries but are not in the module, created in their place. */
  private createMissing(rank: number, progress: { written: number; created: number }, ctx: BodyContext, additions: BodyAdditions, out: ByteWriter): void {
    for (; progress.created < rank; progress.created++) {
      const id = SECTION_ORDER[progress.created]!;
      if ((progress.written & (1 << id)) === 0 && additions.count(id) > 0) this.section(id, ctx, additions, out);
      progress.written |= 1 << id;
    }
  }

  /** Section `id` with the context's additions: the code section with the wrapped entry, another one extended, or a new one. */
  private section(id: number, ctx: BodyContext, additions: BodyAdditions, out: ByteWriter, existing?: Section): void {
    const { bytes } = this;
    const contents = sectionOut.reset();
    if (id === 10) {
      const { code, target } = this;
      contents.uleb(code.count + additions.count(10));
      contents.slice(bytes, code.first, target.header);
      this.wrappedEntry(ctx, contents);
      contents.slice(bytes, target.end, code.end);
    } else if (existing) {
      const r = new Reader(bytes, existing.start, existing.end);
      contents.uleb(r.u32() + additions.count(id));
      contents.slice(bytes, r.pos, existing.end);
    } else contents.uleb(additions.count(id));
    additions.write(id, contents);
    out.byte(id);
    out.sized(contents);
  }
}

/** How many functions and how many tables a module imports (names skipped). */
function countImports(r: Reader): { funcs: number; tables: number } {
  let funcs = 0;
  let tables = 0;
  for (let n = r.u32(); n > 0; n--) {
    r.skip(r.u32());
    r.skip(r.u32());
    const kind = r.byte();
    if (kind === 0x00) funcs++;
    else if (kind === 0x01) tables++;
    skipImportDescription(r, kind);
  }
  return { funcs, tables };
}

/** Entry `index` of a code section of `count` entries (the reader just after the count). */
function codeEntry(r: Reader, count: number, index: number): CodeEntry | undefined {
  for (let i = 0; i < count; i++) {
    const header = r.pos;
    const size = r.u32();
    if (i === index) return { header, start: r.pos, end: r.pos + size };
    r.skip(size);
  }
  return undefined;
}

/** The shape of defined function `funcIndex` (an index in the function index space, imports first). */
export function describeFunction(bytes: Uint8Array, funcIndex: number): FunctionShape {
  return new FunctionSite(bytes, funcIndex).shape;
}

/** `bytes` with defined function `funcIndex`'s body wrapped in `ctx` and the context's additions appended. */
export function wrapBody(bytes: Uint8Array, funcIndex: number, ctx: BodyContext): Uint8Array {
  return new FunctionSite(bytes, funcIndex).wrap(ctx);
}
