/**
 * The wasi-threads rewrite (DESIGN §5 "Threads"), on binaryen IR: makes every blocking wait and
 * every loop observable by the host so the reference runtime can detect deadlocks exactly and
 * end a process promptly.
 *
 *   memory.atomic.wait32 offset=O (p, e, t)  →  (p, e, t into locals)
 *                                               (drop (i32.atomic.load offset=O p))   ;; same trap
 *                                               (call $trapcheck:threads.wait32 (p+O, e, t))
 *   memory.atomic.wait64 …                   →  the same with i64.atomic.load / wait64
 *   memory.atomic.notify offset=O (p, n)     →  (drop (i32.atomic.load offset=O p)) + notify(p+O, n)
 *   loop $l body                             →  loop $l (call $trapcheck:threads.poll) body
 *
 * The atomic load in front of each hook makes the rewritten instruction trap exactly where and
 * how the original would (out of bounds, or "unaligned atomic": atomic loads and wait/notify
 * share the natural-alignment rule), so the hook only ever sees valid effective addresses.
 * `poll` is the cancellation point: it throws when the process has ended, which is how a busy
 * thread is stopped without terminating its worker.
 *
 * Why binaryen and not the engine: V8 offers no hook into `Atomics.wait` of wasm code, and a
 * thread parked in the engine is invisible (cannot tell "blocked forever" from "slow").
 *
 * binaryen.js has no generic expression visitor, so the walk below knows the child fields of
 * every expression kind wasi-threads modules use (MVP, threads, bulk memory, reference types,
 * exceptions, SIMD); an expression kind it does not know is reported, never silently skipped.
 */
import { binaryen } from '../builder.ts';
import type { BModule, Expr } from '../builder.ts';
import { InstrumentError, expressionInfo, mapChildren, rewriteModule } from './ir.ts';

export { InstrumentError };

export const HOOK_MODULE = 'trapcheck:threads';

export interface MemoryImport {
  module: string;
  base: string;
  initial: number;
  maximum: number | undefined;
  shared: boolean;
}

export interface ThreadsInstrumentation {
  bytes: Uint8Array;
  /** The module's imported memory (wasi-threads modules import a shared one), if any. */
  memory: MemoryImport | undefined;
  waits: number;
  notifies: number;
  loops: number;
}


/** `offset=N` of a wait/notify: binaryen.js exposes no getter for it, but prints it. */
function memargOffset(e: Expr): number {
  const first = binaryen.emitText(e).split('\n', 1)[0]!;
  const m = /offset=(\d+)/.exec(first);
  return m ? Number(m[1]) : 0;
}

interface Ctx {
  m: BModule;
  fn: binaryen.FunctionRef;
  waits: number;
  notifies: number;
  loops: number;
  /** Functions this one calls directly. */
  calls: Set<string>;
  /** It calls through a table or a reference (any function taken by reference may be the callee). */
  indirect: boolean;
  /** Functions taken by reference in it (`ref.func`). */
  refs: Set<string>;
}

/** binaryen's C API can add a local to an existing function; the JS wrapper does not expose it. */
const addVar = (binaryen as unknown as { _BinaryenFunctionAddVar: (fn: binaryen.FunctionRef, type: number) => number })._BinaryenFunctionAddVar;

function newLocal(ctx: Ctx, type: number): number {
  return addVar(ctx.fn, type);
}

function rewriteWait(ctx: Ctx, e: Expr): Expr {
  const { m } = ctx;
  const info = binaryen.getExpressionInfo(e) as binaryen.AtomicWaitInfo;
  const is64 = info.expectedType === binaryen.i64;
  const offset = memargOffset(e);
  const p = newLocal(ctx, binaryen.i32);
  const x = newLocal(ctx, is64 ? binaryen.i64 : binaryen.i32);
  const t = newLocal(ctx, binaryen.i64);
  ctx.waits++;
  const check = is64
    ? m.i64.atomic.load(offset, m.local.get(p, binaryen.i32))
    : m.i32.atomic.load(offset, m.local.get(p, binaryen.i32));
  return m.block(
    null,
    [
      m.local.set(p, info.ptr),
      m.local.set(x, info.expected),
      m.local.set(t, info.timeout),
      m.drop(check),
      m.call(
        is64 ? 'trapcheck_wait64' : 'trapcheck_wait32',
        [m.i32.add(m.local.get(p, binaryen.i32), m.i32.const(offset)), m.local.get(x, is64 ? binaryen.i64 : binaryen.i32), m.local.get(t, binaryen.i64)],
        binaryen.i32,
      ),
    ],
    binaryen.i32,
  );
}

function rewriteNotify(ctx: Ctx, e: Expr): Expr {
  const { m } = ctx;
  const info = binaryen.getExpressionInfo(e) as binaryen.AtomicNotifyInfo;
  const offset = memargOffset(e);
  const p = newLocal(ctx, binaryen.i32);
  const n = newLocal(ctx, binaryen.i32);
  ctx.notifies++;
  return m.block(
    null,
    [
      m.local.set(p, info.ptr),
      m.local.set(n, info.notifyCount),
      m.drop(m.i32.atomic.load(offset, m.local.get(p, binaryen.i32))),
      m.call('trapcheck_notify', [m.i32.add(m.local.get(p, binaryen.i32), m.i32.const(offset)), m.local.get(n, binaryen.i32)], binaryen.i32),
    ],
    binaryen.i32,
  );
}

/** Walks `e`, rewriting children in place; returns the expression that replaces `e` (or `e`). */
function visit(ctx: Ctx, e: Expr): Expr {
  if (!e) return e;
  mapChildren(e, 'threads', (child) => visit(ctx, child));
  const k = expressionInfo(e, 'threads');
  const { api } = k;
  if (k.name === 'Call') ctx.calls.add((binaryen.getExpressionInfo(e) as binaryen.CallInfo).target);
  else if (k.name === 'CallIndirect' || k.name === 'CallRef') ctx.indirect = true;
  else if (k.name === 'RefFunc') ctx.refs.add((binaryen.getExpressionInfo(e) as binaryen.RefFuncInfo).func);
  if (k.name === 'AtomicWait') return rewriteWait(ctx, e);
  if (k.name === 'AtomicNotify') return rewriteNotify(ctx, e);
  if (k.name === 'Loop') {
    ctx.loops++;
    const body = api['getBody']!(e) as Expr;
    api['setBody']!(e, ctx.m.block(null, [ctx.m.call('trapcheck_poll', [], binaryen.none), body], binaryen.getExpressionType(body)));
  }
  return e;
}

/**
 * The scheduler mode (src/runtime/threads/sched/): every hook, `thread-spawn` and every WASI call
 * may switch threads, so Asyncify makes exactly those imports able to unwind the caller's stack.
 */
export const ASYNC_IMPORTS = [`${HOOK_MODULE}.*`, 'wasi.thread-spawn', 'wasi_snapshot_preview1.*'];

/** The export a spawned thread starts in: only what it can reach ever unwinds (main never does). */
const THREAD_ENTRY = 'wasi_thread_start';

/**
 * The functions a spawned thread can be in: reachable from `wasi_thread_start` by direct calls,
 * plus every function taken by reference (element segments, `ref.func`) once an indirect call is
 * reachable. Undefined: every function (no such export, or a name Asyncify's list cannot hold).
 */
function threadReachable(m: BModule, graph: Map<string, Ctx>): string[] | undefined {
  let entry: string | undefined;
  for (let i = 0; i < m.getNumExports(); i++) {
    const info = binaryen.getExportInfo(m.getExportByIndex(i));
    if (info.name === THREAD_ENTRY && info.kind === binaryen.ExternalFunction) entry = info.value;
  }
  if (entry === undefined || !graph.has(entry)) return undefined;
  const byRef = new Set<string>();
  for (let i = 0; i < m.getNumElementSegments(); i++) for (const f of binaryen.getElementSegmentInfo(m.getElementSegmentByIndex(i)).data) byRef.add(f);
  for (const ctx of graph.values()) for (const f of ctx.refs) byRef.add(f);
  const seen = new Set<string>([entry]);
  const work = [entry];
  let indirectAdded = false;
  while (work.length) {
    const ctx = graph.get(work.pop()!);
    if (!ctx) continue; // an import
    const next = [...ctx.calls];
    if (ctx.indirect && !indirectAdded) {
      indirectAdded = true;
      next.push(...byRef);
    }
    for (const f of next) if (!seen.has(f)) seen.add(f), work.push(f);
  }
  const names = [...seen].filter((f) => graph.has(f));
  return names.every((n) => /^[^,*\s]+$/.test(n)) ? names : undefined;
}

function asyncifyAtHooks(m: BModule, graph: Map<string, Ctx>): void {
  // optimize level 0: Asyncify then skips its clean-up passes (several times faster to run; the
  // module is a bit bigger and slower, which a test case does not notice)
  const level = binaryen.getOptimizeLevel();
  const only = threadReachable(m, graph);
  binaryen.setOptimizeLevel(0);
  binaryen.setPassArgument('asyncify-imports', ASYNC_IMPORTS.join(','));
  if (only) binaryen.setPassArgument('asyncify-onlylist', only.join(','));
  try {
    m.runPasses(['asyncify']);
  } finally {
    binaryen.setPassArgument('asyncify-imports', null);
    binaryen.setPassArgument('asyncify-onlylist', null);
    binaryen.setOptimizeLevel(level);
  }
}

/**
 * Rewrites a wasi-threads module (see the file comment); with `asyncify`, also makes the hook,
 * spawn and WASI imports able to suspend their caller (the scheduler mode). Pure: same bytes in, same bytes out.
 * Throws InstrumentError for a module it cannot read or an expression kind it does not know.
 */
export function instrumentThreads(bytes: Uint8Array, options: { asyncify?: boolean } = {}): ThreadsInstrumentation {
  const out = rewriteModule(bytes, 'threads instrumentation', (m) => {
    let memory: MemoryImport | undefined;
    if (m.hasMemory()) {
      const mi = m.getMemoryInfo() as { module: string; base: string; initial: number; max?: number; shared: boolean };
      if (mi.module) memory = { module: mi.module, base: mi.base, initial: mi.initial, maximum: mi.max, shared: mi.shared };
    }
    m.addFunctionImport('trapcheck_wait32', HOOK_MODULE, 'wait32', binaryen.createType([binaryen.i32, binaryen.i32, binaryen.i64]), binaryen.i32);
    m.addFunctionImport('trapcheck_wait64', HOOK_MODULE, 'wait64', binaryen.createType([binaryen.i32, binaryen.i64, binaryen.i64]), binaryen.i32);
    m.addFunctionImport('trapcheck_notify', HOOK_MODULE, 'notify', binaryen.createType([binaryen.i32, binaryen.i32]), binaryen.i32);
    m.addFunctionImport('trapcheck_poll', HOOK_MODULE, 'poll', binaryen.none, binaryen.none);
    const total = { waits: 0, notifies: 0, loops: 0 };
    const graph = new Map<string, Ctx>();
    const n = m.getNumFunctions();
    for (let i = 0; i < n; i++) {
      const fn = m.getFunctionByIndex(i);
      const info = binaryen.getFunctionInfo(fn);
      if (info.module || !info.body) continue; // imports
      const ctx: Ctx = { m, fn, waits: 0, notifies: 0, loops: 0, calls: new Set(), indirect: false, refs: new Set() };
      graph.set(info.name, ctx);
      const body = visit(ctx, info.body);
      if (body !== info.body) (binaryen as unknown as { Function: { setBody(f: binaryen.FunctionRef, b: Expr): void } }).Function.setBody(fn, body);
      total.waits += ctx.waits;
      total.notifies += ctx.notifies;
      total.loops += ctx.loops;
    }
    if (options.asyncify) asyncifyAtHooks(m, graph);
    return { memory, ...total };
  });
  return { bytes: out.bytes, ...out.result };
}
