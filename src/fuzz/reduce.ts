/**
 * Module-level reduction, the second shrinking phase (after fast-check has shrunk the generator's
 * parameters). Greedy and deterministic, in the style of binaryen's wasm-reduce: each reducer
 * proposes smaller variants of the current module in a fixed order; candidates are evaluated in
 * small batches (in parallel on the runtimes' worker pools) and the first one, in proposal order,
 * for which the finding still holds becomes the new module. Which candidate wins never depends on
 * timing, so the same finding always reduces to the same bytes.
 *
 * Reducers: binaryen pass pipelines (unused-element removal, inlining, dce/vacuum …), function
 * bodies replaced by `unreachable`/`nop`, unused exports removed, block children removed, and
 * structured control (`if`, `loop`, nested `block`) replaced by the arm or body it runs.
 * "Smaller" is (defined functions, bytes) in lexicographic order, so inlining a helper counts
 * as progress even when it grows the code a little.
 */
import binaryen from '../wasm/binaryen.ts';
import type { Case } from '../case.ts';
import { emitUnoptimised } from '../wasm/builder.ts';

export interface ModuleSize {
  bytes: number;
  functions: number;
}

type Mod = binaryen.Module;
type E = binaryen.ExpressionRef;

/** The expression-class helpers binaryen.js has at runtime but its index.d.ts does not declare. */
interface ExpressionClasses {
  Function: { setBody(f: binaryen.FunctionRef, body: E): void };
  Block: { getNumChildren(e: E): number; getChildAt(e: E, i: number): E; setChildAt(e: E, i: number, child: E): void; removeChildAt(e: E, i: number): E };
  If: { getIfTrue(e: E): E; getIfFalse(e: E): E };
  Loop: { getBody(e: E): E };
  Drop: { getValue(e: E): E };
  LocalSet: { getValue(e: E): E };
  GlobalSet: { getValue(e: E): E };
}
const B = binaryen as unknown as ExpressionClasses;

/** binaryen prints validation errors on stderr; a rejected candidate is routine here, so it is silenced. */
function quietly<T>(f: () => T): T {
  const write = process.stderr.write;
  const error = console.error;
  const warn = console.warn;
  const log = console.log;
  const out = process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  console.error = console.warn = console.log = () => undefined;
  try {
    return f();
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
    console.error = error;
    console.warn = warn;
    console.log = log;
  }
}

function read(bytes: Uint8Array): Mod {
  const m = binaryen.readBinary(bytes);
  m.setFeatures(binaryen.Features.All);
  return m;
}

function definedFunctions(m: Mod): binaryen.FunctionRef[] {
  const out: binaryen.FunctionRef[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const f = m.getFunctionByIndex(i);
    if (!binaryen.getFunctionInfo(f).module) out.push(f);
  }
  return out;
}

export function moduleSize(bytes: Uint8Array): ModuleSize {
  try {
    return quietly(() => {
      const m = read(bytes);
      try {
        return { bytes: bytes.length, functions: definedFunctions(m).length };
      } finally {
        m.dispose();
      }
    });
  } catch {
    return { bytes: bytes.length, functions: -1 };
  }
}

function smaller(a: ModuleSize, b: ModuleSize): boolean {
  return a.functions < b.functions || (a.functions === b.functions && a.bytes < b.bytes);
}

/** Applies `edit` to a fresh copy of `bytes`; the result if it validates, else undefined. */
function variant(bytes: Uint8Array, edit: (m: Mod) => boolean | void): Uint8Array | undefined {
  return quietly(() => {
    let m: Mod | undefined;
    try {
      m = read(bytes);
      if (edit(m) === false) return undefined;
      if (!m.validate()) return undefined;
      const out = emitUnoptimised(m);
      return (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(out) ? out : undefined;
    } catch {
      return undefined;
    } finally {
      m?.dispose();
    }
  });
}

/** The exports a case's steps and expectations use (they must survive). */
function usedExports(c: Case): Set<string> {
  const used = new Set<string>(['memory', '_start']);
  for (const s of c.steps) {
    if (s.op === 'invoke') used.add(s.export);
    if (s.op === 'get') used.add(s.global);
    for (const g of Object.keys(s.expect.globals ?? {})) used.add(g);
  }
  return used;
}

const PIPELINES: readonly string[][] = [
  ['remove-unused-module-elements'],
  ['inlining-optimizing', 'remove-unused-module-elements'],
  ['dce', 'vacuum'],
  ['remove-unused-brs', 'remove-unused-names', 'merge-blocks', 'vacuum'],
  ['simplify-locals', 'reorder-locals', 'vacuum'],
  ['precompute', 'vacuum'],
  ['duplicate-function-elimination', 'remove-unused-module-elements'],
];

interface Candidate {
  label: string;
  bytes: Uint8Array;
}

type Reducer = (bytes: Uint8Array, c: Case) => Iterable<Candidate>;

function* passReducer(bytes: Uint8Array): Iterable<Candidate> {
  for (const passes of PIPELINES) {
    const out = variant(bytes, (m) => {
      m.runPasses(passes);
    });
    if (out) yield { label: `passes ${passes.join(',')}`, bytes: out };
  }
}

function* exportReducer(bytes: Uint8Array, c: Case): Iterable<Candidate> {
  const used = usedExports(c);
  const names = quietly(() => {
    const m = read(bytes);
    try {
      const list: string[] = [];
      for (let i = 0; i < m.getNumExports(); i++) list.push(binaryen.getExportInfo(m.getExportByIndex(i)).name);
      return list;
    } finally {
      m.dispose();
    }
  });
  for (const name of names) {
    if (used.has(name)) continue;
    const out = variant(bytes, (m) => {
      m.removeExport(name);
      m.runPasses(['remove-unused-module-elements']);
    });
    if (out) yield { label: `remove export ${name}`, bytes: out };
  }
}

function* bodyReducer(bytes: Uint8Array): Iterable<Candidate> {
  const count = quietly(() => {
    const m = read(bytes);
    try {
      return definedFunctions(m).length;
    } finally {
      m.dispose();
    }
  });
  for (let i = 0; i < count; i++) {
    for (const kind of ['unreachable', 'nop'] as const) {
      const out = variant(bytes, (m) => {
        const f = definedFunctions(m)[i]!;
        const info = binaryen.getFunctionInfo(f);
        if (kind === 'nop' && info.results !== binaryen.none) return false;
        B.Function.setBody(f, kind === 'nop' ? m.nop() : m.unreachable());
        m.runPasses(['remove-unused-module-elements']);
        return true;
      });
      if (out) yield { label: `body of function ${i} → ${kind}`, bytes: out };
    }
  }
}

/** Every block in a module, in DFS order per function: (function index, block ordinal). */
interface BlockSite {
  fn: number;
  block: number;
  children: number;
}

/** Visits the statement structure of a body (blocks, if/loop arms, and values of drop / local.set / global.set). */
function walk(e: binaryen.ExpressionRef, visit: (e: binaryen.ExpressionRef) => void): void {
  if (!e) return;
  visit(e);
  const id = binaryen.getExpressionId(e);
  if (id === binaryen.BlockId) for (let i = 0; i < B.Block.getNumChildren(e); i++) walk(B.Block.getChildAt(e, i), visit);
  else if (id === binaryen.IfId) {
    walk(B.If.getIfTrue(e), visit);
    walk(B.If.getIfFalse(e), visit);
  } else if (id === binaryen.LoopId) walk(B.Loop.getBody(e), visit);
  else if (id === binaryen.DropId) walk(B.Drop.getValue(e), visit);
  else if (id === binaryen.LocalSetId) walk(B.LocalSet.getValue(e), visit);
  else if (id === binaryen.GlobalSetId) walk(B.GlobalSet.getValue(e), visit);
}

function blocksOf(m: Mod): Array<{ fn: number; expr: binaryen.ExpressionRef }> {
  const out: Array<{ fn: number; expr: binaryen.ExpressionRef }> = [];
  definedFunctions(m).forEach((f, fn) => {
    const seen = new Set<number>();
    walk(binaryen.getFunctionInfo(f).body, (e) => {
      if (seen.has(e)) return;
      seen.add(e);
      if (binaryen.getExpressionId(e) === binaryen.BlockId) out.push({ fn, expr: e });
    });
  });
  return out;
}

function blockSites(bytes: Uint8Array): BlockSite[] {
  return quietly(() => {
    const m = read(bytes);
    try {
      const per = new Map<number, number>();
      return blocksOf(m).map(({ fn, expr }) => {
        const block = per.get(fn) ?? 0;
        per.set(fn, block + 1);
        return { fn, block, children: B.Block.getNumChildren(expr) };
      });
    } finally {
      m.dispose();
    }
  });
}

function findBlock(m: Mod, site: BlockSite): binaryen.ExpressionRef | undefined {
  let k = 0;
  for (const b of blocksOf(m)) {
    if (b.fn !== site.fn) continue;
    if (k++ === site.block) return b.expr;
  }
  return undefined;
}

function* childReducer(bytes: Uint8Array): Iterable<Candidate> {
  for (const site of blockSites(bytes)) {
    // From the last child backwards: trailing statements (after the interesting one) go first.
    for (let j = site.children - 1; j >= 0; j--) {
      const out = variant(bytes, (m) => {
        const b = findBlock(m, site);
        if (b === undefined || B.Block.getNumChildren(b) <= j) return false;
        B.Block.removeChildAt(b, j);
        return true;
      });
      if (out) yield { label: `remove child ${j} of block ${site.block} in function ${site.fn}`, bytes: out };
    }
  }
}

/** Replaces a structured child (if / loop / block) of a block by the arm or body inside it. */
function* unwrapReducer(bytes: Uint8Array): Iterable<Candidate> {
  for (const site of blockSites(bytes)) {
    for (let j = 0; j < site.children; j++) {
      for (const arm of ['ifTrue', 'ifFalse', 'body'] as const) {
        const out = variant(bytes, (m) => {
          const b = findBlock(m, site);
          if (b === undefined) return false;
          const child = B.Block.getChildAt(b, j);
          const id = binaryen.getExpressionId(child);
          let inner: binaryen.ExpressionRef = 0;
          if (id === binaryen.IfId && arm !== 'body') inner = arm === 'ifTrue' ? B.If.getIfTrue(child) : B.If.getIfFalse(child);
          else if (id === binaryen.LoopId && arm === 'body') inner = B.Loop.getBody(child);
          else if (id === binaryen.BlockId && arm === 'body' && B.Block.getNumChildren(child) === 1) inner = B.Block.getChildAt(child, 0);
          if (!inner) return false;
          B.Block.setChildAt(b, j, inner);
          return true;
        });
        if (out) yield { label: `unwrap child ${j} (${arm}) of block ${site.block} in function ${site.fn}`, bytes: out };
      }
    }
  }
}

const REDUCERS: readonly Reducer[] = [passReducer, exportReducer, bodyReducer, unwrapReducer, childReducer];

export interface ReduceResult {
  case: Case;
  evaluations: number;
  /** The reductions applied, in order (a recipe: deterministic for the same input). */
  applied: string[];
}

/**
 * Reduces the first module of `c` while `holds` (batched: one answer per candidate case) keeps
 * saying the finding is still there. `budget` bounds the number of candidates evaluated.
 */
export async function reduceModule(c: Case, holds: (cases: Case[]) => Promise<boolean[]>, budget = 400, batch = 8): Promise<ReduceResult> {
  let current = c.modules[0]!.bytes;
  let size = moduleSize(current);
  let evaluations = 0;
  const applied: string[] = [];
  const tried = new Set<string>();
  const key = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  const withBytes = (bytes: Uint8Array): Case => ({ ...c, modules: [{ bytes }, ...c.modules.slice(1)] });
  progress: while (evaluations < budget) {
    for (const reducer of REDUCERS) {
      let pending: Candidate[] = [];
      const flush = async (): Promise<Candidate | undefined> => {
        const list = pending;
        pending = [];
        if (!list.length) return undefined;
        evaluations += list.length;
        const ok = await holds(list.map((x) => withBytes(x.bytes)));
        const i = ok.indexOf(true);
        return i >= 0 ? list[i] : undefined;
      };
      /** Evaluates the pending candidates; the first that keeps the finding becomes the module. */
      const adoptWinner = async (): Promise<boolean> => {
        const won = await flush();
        if (!won) return false;
        current = won.bytes;
        size = moduleSize(current);
        applied.push(won.label);
        return true;
      };
      for (const cand of reducer(current, c)) {
        const k = key(cand.bytes);
        if (tried.has(k)) continue;
        tried.add(k);
        if (!smaller(moduleSize(cand.bytes), size)) continue;
        pending.push(cand);
        if (pending.length < batch && evaluations + pending.length < budget) continue;
        if (await adoptWinner()) continue progress;
        if (evaluations >= budget) break progress;
      }
      if (await adoptWinner()) continue progress;
    }
    break;
  }
  return { case: withBytes(current), evaluations, applied };
}
