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
import { additionEdits, editSections } from './append.ts';
import { Reader } from './binary-reader.ts';
import { ByteParts } from './concat-bytes.ts';
import { branchDepths, CodeReader, isBranch, opensLabel, readInstruction, readLocals } from './instructions.ts';
import { readLayout } from './layout.ts';
import { pushUleb, readU32, uleb } from './leb.ts';
import { readSections } from './sections.ts';
import type { SigType } from './signatures.ts';

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

interface CodeEntry {
  /** Byte offset of the entry's size prefix. */
  header: number;
  /** Byte offsets of the entry's body (locals vector then code), without its size prefix. */
  start: number;
  end: number;
}

/**
 * The body's code (after its locals) with every branch to the function's label deepened by
 * `extra`, without its final `end`: runs of unchanged instructions as slices of `bytes`.
 */
function retargetedCode(bytes: Uint8Array, start: number, end: number, extra: number, out: ByteParts): void {
  let nesting = 0;
  let run = start;
  const r = new CodeReader(bytes, start, end);
  while (r.pos < end) {
    const ins = readInstruction(r);
    if (ins.op === 0x0b && nesting === 0) {
      if (ins.end !== end) throw new WrapError(`the function's end at byte ${ins.start} is not its last instruction`);
      out.add(bytes.subarray(run, ins.start));
      return;
    }
    if (opensLabel(ins.op)) nesting++;
    else if (ins.op === 0x0b) nesting--;
    if (!isBranch(ins.op)) continue;
    // every branch is re-encoded (as it always was), its depths minimal whether or not they change
    const depths = branchDepths(bytes, ins);
    out.add(bytes.subarray(run, ins.start));
    run = ins.end;
    const branch = [ins.op];
    if (ins.op === 0x0e) pushUleb(branch, depths.length - 1);
    for (const d of depths) pushUleb(branch, d === nesting ? d + extra : d);
    out.add(branch);
  }
  throw new WrapError('the function body has no final end');
}

/**
 * Defined function `funcIndex` of a module, read once: its shape (what a context is encoded
 * against) and where its code entry is (what `wrap` rewrites). `describeFunction` and `wrapBody`
 * each read one; a caller doing both shares it.
 */
export class FunctionSite {
  readonly shape: FunctionShape;
  private readonly entries: CodeEntry[];
  private readonly code: { start: number; end: number };
  private readonly target: CodeEntry;

  constructor(
    readonly bytes: Uint8Array,
    funcIndex: number,
  ) {
    const layout = readLayout(bytes);
    let imported = 0;
    let importedTables = 0;
    for (const i of layout.imports) {
      if (i.kind === 'func') imported++;
      else if (i.kind === 'table') importedTables++;
    }
    const sig = layout.funcs[funcIndex];
    if (funcIndex < imported || !sig) throw new WrapError(`function ${funcIndex} is not a defined function (${imported} imported, ${layout.funcs.length} in all)`);
    const sections = readSections(bytes);
    const code = sections.find((s) => s.id === 10);
    if (!code) throw new WrapError('the module has no code section');
    this.code = code;
    this.entries = codeEntries(bytes, code);
    const target = this.entries[funcIndex - imported];
    if (!target) throw new WrapError(`function ${funcIndex} has no code entry`);
    this.target = target;
    const { declared } = readLocals(new Reader(bytes, target.start, target.end));
    const tables = sections.find((s) => s.id === 4);
    this.shape = {
      index: funcIndex,
      params: sig.params,
      results: sig.results,
      localCount: sig.params.length + declared,
      typeCount: layout.typeCount,
      funcCount: layout.funcs.length,
      tableCount: importedTables + (tables ? readU32(bytes, tables.start)[0] : 0),
    };
  }

  /** The function's code entry (size prefix included) with its body inside `ctx`. */
  private wrappedEntry(ctx: BodyContext): ByteParts {
    const { bytes, target } = this;
    const r = new Reader(bytes, target.start, target.end);
    const { groups } = readLocals(r);
    const codeStart = r.pos;
    const groupsStart = new Reader(bytes, target.start, target.end);
    groupsStart.u32();
    const body = new ByteParts();
    body.add(uleb(groups + ctx.locals.length));
    body.add(bytes.subarray(groupsStart.pos, codeStart));
    const open: number[] = [];
    for (const t of ctx.locals) open.push(1, t);
    for (const b of ctx.prefix) open.push(b);
    open.push(0x02);
    for (const b of ctx.bodyType) open.push(b);
    body.add(open);
    // the body's own label is one more level around its code
    retargetedCode(bytes, codeStart, target.end, ctx.escape === 'body' ? 0 : ctx.labels + 1, body);
    const close = [0x0b];
    for (const b of ctx.suffix) close.push(b);
    close.push(0x0b);
    body.add(close);
    const entry = new ByteParts();
    entry.add(uleb(body.length));
    for (const p of body.list) entry.add(p);
    return entry;
  }

  /** The module with the function's body wrapped in `ctx` and the context's additions appended, in one pass. */
  wrap(ctx: BodyContext): Uint8Array {
    const { bytes, entries, code, target } = this;
    const contents = new ByteParts();
    contents.add(bytes.subarray(entries[0]!.header, target.header));
    for (const p of this.wrappedEntry(ctx).list) contents.add(p);
    contents.add(bytes.subarray(target.end, code.end));
    const edits = additionEdits({ types: ctx.types, functions: ctx.functions, globals: [], exports: [] });
    edits.set(10, { replace: { count: entries.length, parts: contents.list }, entries: edits.get(10)?.entries ?? [] });
    if (ctx.table && ctx.table.length > 0) {
      const tableIndex = this.shape.tableCount;
      const n = uleb(ctx.table.length);
      edits.set(4, { entries: [[0x70, 0x01, ...n, ...n]] });
      const offset = [0x41, 0x00, 0x0b];
      const funcs = [...n, ...ctx.table.flatMap((f) => uleb(f))];
      // flag 0 (table 0, MVP encoding) when the table is the module's first; else flag 2 (explicit table, funcref)
      edits.set(9, { entries: [tableIndex === 0 ? [0x00, ...offset, ...funcs] : [0x02, ...uleb(tableIndex), ...offset, 0x00, ...funcs]] });
    }
    return editSections(bytes, edits);
  }
}

function codeEntries(bytes: Uint8Array, section: { start: number; end: number }): CodeEntry[] {
  const r = new Reader(bytes, section.start, section.end);
  const entries: CodeEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const header = r.pos;
    const size = r.u32();
    entries.push({ header, start: r.pos, end: r.pos + size });
    r.skip(size);
  }
  return entries;
}

/** The shape of defined function `funcIndex` (an index in the function index space, imports first). */
export function describeFunction(bytes: Uint8Array, funcIndex: number): FunctionShape {
  return new FunctionSite(bytes, funcIndex).shape;
}

/** `bytes` with defined function `funcIndex`'s body wrapped in `ctx` and the context's additions appended. */
export function wrapBody(bytes: Uint8Array, funcIndex: number, ctx: BodyContext): Uint8Array {
  return new FunctionSite(bytes, funcIndex).wrap(ctx);
}
