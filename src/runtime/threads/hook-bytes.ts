/**
 * The wasi-threads hooks (what src/wasm/instrument/threads.ts does on binaryen IR) written
 * straight into the module's bytes: one pass over the sections, no binaryen round trip. The case
 * module itself is still validated by the engine first (src/runtime/threads/prepare.ts); this is
 * only how our runtime's private copy gets its hooks, so it may differ in bytes from the binaryen
 * rewrite as long as it means the same:
 *
 *   memory.atomic.wait32 m (p e t)  →  local.set t; local.set e; local.set p;
 *                                      local.get p; i32.atomic.load m; drop            ;; same trap
 *                                      local.get p; i32.const m.offset; i32.add;
 *                                      local.get e; local.get t; call $trapcheck:threads.wait32
 *   memory.atomic.wait64 m           →  the same with an i64 `e`, i64.atomic.load and wait64
 *   memory.atomic.notify m (p n)     →  local.set n; local.set p; (the same load) notify(p+offset, n)
 *   loop bt …                        →  loop bt (call $trapcheck:threads.poll) …
 *
 * The four hooks become function imports after the module's own, so every defined function moves
 * up by four: calls, `ref.func`, exports, start, elements and globals are renumbered; the `name`
 * section is dropped (stale indices). A function with a wait or notify gets four scratch locals.
 *
 * Anything it does not read (GC types, exception handling, memory64, multi-memory memargs) throws
 * ByteHooksUnsupported or UnknownInstruction: the caller then takes the binaryen rewrite instead.
 */
import { Reader } from '../../wasm/binary-reader.ts';
import { CodeReader, readInstruction, readLocals } from '../../wasm/instructions.ts';
import { readU32, uleb } from '../../wasm/leb.ts';
import { encodeName, isNameSection, readSections, SECTION_ORDER, withEntries } from '../../wasm/sections.ts';
import { renumberedSection } from '../../runtimes/native/lower-renumber.ts';
import { HOOK_MODULE } from './imports.ts';
import type { SharedMemoryImport } from './prepare.ts';

export class ByteHooksUnsupported extends Error {
  override name = 'ByteHooksUnsupported';
}

export interface ByteHooked {
  bytes: Uint8Array;
  /** The imported memory, if the module imports one (`shared` says whether it is shared). */
  memory: (SharedMemoryImport & { shared: boolean }) | undefined;
  /**
   * Defined-function indices (0 = the first non-imported function) `wasi_thread_start` can reach
   * (direct calls, plus every function taken by reference once an indirect call is reachable);
   * undefined when the module exports no such function.
   */
  threadReachable: number[] | undefined;
}

const I32 = 0x7f;
const I64 = 0x7e;
/** The hooks, in import order: name, params, results. */
const HOOKS: ReadonlyArray<[string, number[], number[]]> = [
  ['wait32', [I32, I32, I64], [I32]],
  ['wait64', [I32, I64, I64], [I32]],
  ['notify', [I32, I32], [I32]],
  ['poll', [], []],
];
const [WAIT32, WAIT64, NOTIFY, POLL] = [0, 1, 2, 3];
const THREAD_ENTRY = 'wasi_thread_start';

/** The hooks' import names, encoded once (TextEncoder costs µs per call, and every case needs them). */
const HOOK_NAMES = HOOKS.map(([field]) => [...encodeName(HOOK_MODULE), ...encodeName(field)]);

/** Param counts of the type section's function types (anything else: unsupported). */
function readParamCounts(body: Uint8Array): number[] {
  const r = new Reader(body, 0, body.length);
  const out: number[] = [];
  const valTypes = (): number => {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const t = r.byte();
      if (t === 0x63 || t === 0x64) r.s33();
    }
    return n;
  };
  for (let n = r.u32(); n > 0; n--) {
    if (r.byte() !== 0x60) throw new ByteHooksUnsupported('a type that is not a plain function type');
    out.push(valTypes());
    valTypes();
  }
  return out;
}

interface Imports {
  funcs: number;
  memory: ByteHooked['memory'];
}

function readImports(body: Uint8Array): Imports {
  const r = new Reader(body, 0, body.length);
  const out: Imports = { funcs: 0, memory: undefined };
  const limits = (): { flags: number; initial: number; maximum: number | undefined } => {
    const flags = r.byte();
    if (flags & 0x04) throw new ByteHooksUnsupported('memory64');
    const initial = r.u32();
    return { flags, initial, maximum: flags & 0x01 ? r.u32() : undefined };
  };
  for (let n = r.u32(); n > 0; n--) {
    const module = r.name();
    const base = r.name();
    const kind = r.byte();
    if (kind === 0x00) {
      out.funcs++;
      r.u32();
    } else if (kind === 0x01) {
      const t = r.byte();
      if (t === 0x63 || t === 0x64) r.s33();
      limits();
    } else if (kind === 0x02) {
      const l = limits();
      out.memory ??= { module, base, initial: l.initial, maximum: l.maximum, shared: (l.flags & 0x02) !== 0 };
    } else if (kind === 0x03) {
      const t = r.byte();
      if (t === 0x63 || t === 0x64) r.s33();
      r.byte();
    } else throw new ByteHooksUnsupported(`import kind ${kind}`);
  }
  return out;
}

function funcExport(body: Uint8Array, wanted: string): number | undefined {
  const r = new Reader(body, 0, body.length);
  for (let n = r.u32(); n > 0; n--) {
    const field = r.name();
    const kind = r.byte();
    const index = r.u32();
    if (kind === 0x00 && field === wanted) return index;
  }
  return undefined;
}

/** Per defined function: what the call graph needs. */
interface FnInfo {
  calls: number[];
  indirect: boolean;
}

/** One function body (locals + code) with hooks and renumbered function indices. */
function rewriteBody(bytes: Uint8Array, start: number, end: number, params: number, hook: (h: number) => number, map: (f: number) => number, info: FnInfo, refs: Set<number>): number[] {
  const r = new CodeReader(bytes, start, end);
  const { declared } = readLocals(r);
  const localsEnd = r.pos;
  const scratch = params + declared;
  const [p, a, q, t] = [scratch, scratch + 1, scratch + 2, scratch + 3];
  const code: number[] = [];
  let usesScratch = false;
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) code.push(bytes[i]!);
  };
  while (r.pos < end) {
    const ins = readInstruction(r);
    const op = ins.op;
    if (op === 0x10 || op === 0x12 || op === 0xd2) {
      const f = map(new CodeReader(bytes, ins.start + 1, ins.end).u32());
      code.push(op, ...uleb(f));
      if (op === 0xd2) refs.add(f);
      else info.calls.push(f);
    } else if (op >= 0x11 && op <= 0x15 && op !== 0x12) {
      info.indirect = true; // call_indirect, return_call_indirect, call_ref, return_call_ref
      copy(ins.start, ins.end);
    } else if (op === 0x03) {
      copy(ins.start, ins.end);
      code.push(0x10, ...uleb(hook(POLL)));
    } else if (op === 0xfe && ins.sub <= 0x02) {
      const m = new CodeReader(bytes, ins.start + 1, ins.end);
      m.u32(); // the sub-opcode
      const memargStart = m.pos;
      if (m.u32() & 0x40) throw new ByteHooksUnsupported('a multi-memory memarg');
      const offset = m.u32();
      const memarg = bytes.subarray(memargStart, ins.end);
      usesScratch = true;
      const wide = ins.sub === 0x02;
      const value = wide ? q : a;
      if (ins.sub === 0x00) code.push(0x21, ...uleb(a), 0x21, ...uleb(p));
      else code.push(0x21, ...uleb(t), 0x21, ...uleb(value), 0x21, ...uleb(p));
      // the atomic load of the same width and memarg traps where and how the original would
      code.push(0x20, ...uleb(p), 0xfe, wide ? 0x11 : 0x10, ...memarg, 0x1a);
      code.push(0x20, ...uleb(p), 0x41, ...sleb32(offset), 0x6a, 0x20, ...uleb(value));
      if (ins.sub !== 0x00) code.push(0x20, ...uleb(t));
      code.push(0x10, ...uleb(hook(ins.sub === 0x00 ? NOTIFY : wide ? WAIT64 : WAIT32)));
    } else copy(ins.start, ins.end);
  }
  if (!usesScratch) return [...bytes.subarray(start, localsEnd), ...code];
  const groups = readU32(bytes, start);
  return [...uleb(groups[0] + 2), ...bytes.subarray(groups[1], localsEnd), 2, I32, 2, I64, ...code];
}

/** An offset (u32) as the i32.const that adds it: the same bits, signed. */
function sleb32(offset: number): number[] {
  let v = offset | 0;
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(byte & 0x40)) || (v === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

function reachable(entry: number, graph: Map<number, FnInfo>, refs: ReadonlySet<number>): number[] {
  const seen = new Set<number>([entry]);
  const work = [entry];
  let refsAdded = false;
  while (work.length) {
    const fn = graph.get(work.pop()!);
    if (!fn) continue; // an import
    const next = fn.calls.slice();
    if (fn.indirect && !refsAdded) {
      refsAdded = true;
      next.push(...refs);
    }
    for (const f of next) if (!seen.has(f)) seen.add(f), work.push(f);
  }
  return [...seen].filter((f) => graph.has(f)).sort((x, y) => x - y);
}

/** See the file comment. Throws ByteHooksUnsupported / UnknownInstruction for what it does not read. */
export function hookThreadsAtBytes(bytes: Uint8Array): ByteHooked {
  const sections = readSections(bytes).map((s) => ({ id: s.id, body: bytes.subarray(s.start, s.end) }));
  const body = (id: number): Uint8Array | undefined => sections.find((s) => s.id === id)?.body;
  const typeBody = body(1);
  const paramCounts = typeBody ? readParamCounts(typeBody) : [];
  const imports = readImports(body(2) ?? Uint8Array.of(0));
  const firstHook = imports.funcs;
  const firstDefined = firstHook + HOOKS.length;
  const map = (f: number): number => (f >= firstHook ? f + HOOKS.length : f);
  const hook = (h: number): number => firstHook + h;
  const funcSec = body(3);
  const funcTypes: number[] = [];
  if (funcSec) {
    const r = new Reader(funcSec, 0, funcSec.length);
    for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
  }
  const exportBody = body(7);
  const entryOld = exportBody ? funcExport(exportBody, THREAD_ENTRY) : undefined;

  const graph = new Map<number, FnInfo>();
  const refs = new Set<number>();
  const noteRef = (f: number): number => {
    const g = map(f);
    refs.add(g);
    return g;
  };

  const out: number[] = [...bytes.subarray(0, 8)];
  const emit = (id: number, contents: ArrayLike<number>): void => {
    out.push(id, ...uleb(contents.length));
    for (let i = 0; i < contents.length; i++) out.push(contents[i]!);
  };
  const typeCount = paramCounts.length;
  const vec = (ts: number[]): number[] => [...uleb(ts.length), ...ts];
  const newTypes = HOOKS.map(([, ps, rs]) => [0x60, ...vec(ps), ...vec(rs)]);
  const newImports = HOOK_NAMES.map((names, i) => [...names, 0x00, ...uleb(typeCount + i)]);
  let typesDone = false;
  let importsDone = false;
  const order = (id: number): number => SECTION_ORDER.indexOf(id);
  for (const s of sections) {
    if (s.id !== 0 && !typesDone && order(s.id) > order(1)) emit(1, withEntries(undefined, newTypes)), (typesDone = true);
    if (s.id !== 0 && !importsDone && order(s.id) > order(2)) emit(2, withEntries(undefined, newImports)), (importsDone = true);
    switch (s.id) {
      case 0:
        if (!isNameSection(s.body)) emit(0, s.body);
        break;
      case 1:
        emit(1, withEntries(s.body, newTypes));
        typesDone = true;
        break;
      case 2:
        emit(2, withEntries(s.body, newImports));
        importsDone = true;
        break;
      case 10: {
        let [n, pos] = readU32(s.body, 0);
        const code = [...uleb(n)];
        for (let i = 0; pos < s.body.length && n > 0; i++, n--) {
          const [size, at] = readU32(s.body, pos);
          const type = funcTypes[i];
          const params = type === undefined ? undefined : paramCounts[type];
          if (params === undefined) throw new ByteHooksUnsupported(`function ${i} has no function type`);
          const info: FnInfo = { calls: [], indirect: false };
          graph.set(firstDefined + i, info);
          const f = rewriteBody(s.body, at, at + size, params, hook, map, info, refs);
          code.push(...uleb(f.length), ...f);
          pos = at + size;
        }
        emit(10, code);
        break;
      }
      default:
        emit(s.id, renumberedSection(s.id, s.body, map, noteRef) ?? s.body);
    }
  }
  if (!typesDone) emit(1, withEntries(undefined, newTypes));
  if (!importsDone) emit(2, withEntries(undefined, newImports));
  const entry = entryOld === undefined ? undefined : map(entryOld);
  const threadReachable = entry !== undefined && graph.has(entry) ? reachable(entry, graph, refs).map((f) => f - firstDefined) : undefined;
  return { bytes: Uint8Array.from(out), memory: imports.memory, threadReachable };
}
