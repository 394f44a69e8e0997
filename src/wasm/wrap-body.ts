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
import { appendToModule } from './append.ts';
import { Reader } from './binary-reader.ts';
import { branchDepths, instructions, isBranch, opensLabel, readLocals } from './instructions.ts';
import { readLayout } from './layout.ts';
import { uleb } from './leb.ts';
import { appendEntries, readSections, replaceSection, sectionCount } from './sections.ts';
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

function codeEntries(bytes: Uint8Array): { entries: CodeEntry[]; section: { start: number; end: number } } {
  const section = readSections(bytes).find((s) => s.id === 10);
  if (!section) throw new WrapError('the module has no code section');
  const r = new Reader(bytes, section.start, section.end);
  const entries: CodeEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const header = r.pos;
    const size = r.u32();
    entries.push({ header, start: r.pos, end: r.pos + size });
    r.skip(size);
  }
  return { entries, section };
}

function importedFunctions(bytes: Uint8Array): number {
  return readLayout(bytes).imports.filter((i) => i.kind === 'func').length;
}

/** The shape of defined function `funcIndex` (an index in the function index space, imports first). */
export function describeFunction(bytes: Uint8Array, funcIndex: number): FunctionShape {
  const layout = readLayout(bytes);
  const imported = layout.imports.filter((i) => i.kind === 'func').length;
  const sig = layout.funcs[funcIndex];
  if (funcIndex < imported || !sig) throw new WrapError(`function ${funcIndex} is not a defined function (${imported} imported, ${layout.funcs.length} in all)`);
  const entry = codeEntries(bytes).entries[funcIndex - imported];
  if (!entry) throw new WrapError(`function ${funcIndex} has no code entry`);
  const { declared } = readLocals(new Reader(bytes, entry.start, entry.end));
  const tables = layout.imports.filter((i) => i.kind === 'table').length + sectionCount(bytes, 4);
  return {
    index: funcIndex,
    params: sig.params,
    results: sig.results,
    localCount: sig.params.length + declared,
    typeCount: layout.typeCount,
    funcCount: layout.funcs.length,
    tableCount: tables,
  };
}

/**
 * The body's code (after its locals) with every branch to the function's label deepened by
 * `extra`, without its final `end`.
 */
function retargetedCode(bytes: Uint8Array, start: number, end: number, extra: number): number[] {
  const out: number[] = [];
  let nesting = 0;
  for (const ins of instructions(bytes, start, end)) {
    if (ins.op === 0x0b && nesting === 0) {
      if (ins.end !== end) throw new WrapError(`the function's end at byte ${ins.start} is not its last instruction`);
      return out;
    }
    if (opensLabel(ins.op)) nesting++;
    else if (ins.op === 0x0b) nesting--;
    if (!isBranch(ins.op)) {
      for (let i = ins.start; i < ins.end; i++) out.push(bytes[i]!);
      continue;
    }
    const depths = branchDepths(bytes, ins).map((d) => (d === nesting ? d + extra : d));
    out.push(ins.op);
    if (ins.op === 0x0e) out.push(...uleb(depths.length - 1));
    for (const d of depths) out.push(...uleb(d));
  }
  throw new WrapError('the function body has no final end');
}

function wrappedEntry(bytes: Uint8Array, entry: CodeEntry, ctx: BodyContext): number[] {
  const r = new Reader(bytes, entry.start, entry.end);
  const { groups } = readLocals(r);
  const codeStart = r.pos;
  const groupsStart = new Reader(bytes, entry.start, entry.end);
  groupsStart.u32();
  const body = [
    ...uleb(groups + ctx.locals.length),
    ...bytes.subarray(groupsStart.pos, codeStart),
    ...ctx.locals.flatMap((t) => [1, t]),
    ...ctx.prefix,
    0x02,
    ...ctx.bodyType,
    // the body's own label is one more level around its code
    ...retargetedCode(bytes, codeStart, entry.end, ctx.escape === 'body' ? 0 : ctx.labels + 1),
    0x0b,
    ...ctx.suffix,
    0x0b,
  ];
  return [...uleb(body.length), ...body];
}

/** `bytes` with defined function `funcIndex`'s body wrapped in `ctx` and the context's additions appended. */
export function wrapBody(bytes: Uint8Array, funcIndex: number, ctx: BodyContext): Uint8Array {
  const k = funcIndex - importedFunctions(bytes);
  const { entries, section } = codeEntries(bytes);
  const target = entries[k];
  if (k < 0 || !target) throw new WrapError(`function ${funcIndex} is not a defined function`);
  const contents = [
    ...uleb(entries.length),
    ...bytes.subarray(entries[0]!.header, target.header),
    ...wrappedEntry(bytes, target, ctx),
    ...bytes.subarray(target.end, section.end),
  ];
  let out = replaceSection(bytes, 10, contents);
  out = appendToModule(out, { types: ctx.types, functions: ctx.functions, globals: [], exports: [] });
  if (ctx.table && ctx.table.length > 0) {
    const tableIndex = describeFunction(bytes, funcIndex).tableCount;
    const n = uleb(ctx.table.length);
    out = appendEntries(out, 4, [[0x70, 0x01, ...n, ...n]]);
    const offset = [0x41, 0x00, 0x0b];
    const funcs = [...n, ...ctx.table.flatMap((f) => uleb(f))];
    // flag 0 (table 0, MVP encoding) when the table is the module's first; else flag 2 (explicit table, funcref)
    out = appendEntries(out, 9, [tableIndex === 0 ? [0x00, ...offset, ...funcs] : [0x02, ...uleb(tableIndex), ...offset, 0x00, ...funcs]]);
  }
  return out;
}
