/**
 * Engine error → TrapKind candidate set, per engine (DESIGN §2 "TrapKind"). Engines report traps
 * as message text; this is the one place that reads it. Messages were measured on this machine
 * (V8 11.3 in Node 20.20) or taken from ../shared/reference/feasibility-node20.md §1 (V8 15.0 in
 * Deno 2.9, JSC in Bun 1.4); SpiderMonkey's were measured in gjs 1.74.2 (SpiderMonkey 102,
 * src/runtimes/profiles/spidermonkey.json). An engine that folds two kinds into one message yields both; an
 * unknown message is a crash naming it, never a guess.
 */
import type { Outcome, TrapKind } from '../outcome.ts';

export type Engine = 'v8-11' | 'v8' | 'jsc' | 'spidermonkey';

type Table = ReadonlyMap<string, readonly TrapKind[]>;

/** Messages common to every V8 we know of (11.3 and 15.0 agree on these). */
const V8_COMMON: Array<[string, TrapKind[]]> = [
  ['unreachable', ['unreachable']],
  ['divide by zero', ['integer divide by zero']],
  ['remainder by zero', ['integer divide by zero']],
  ['divide result unrepresentable', ['integer overflow']],
  // V8 does not tell NaN (spec "invalid conversion to integer") from out-of-range ("integer overflow").
  ['float unrepresentable in integer range', ['invalid conversion to integer', 'integer overflow']],
  ['memory access out of bounds', ['out of bounds memory access']],
  // Instantiation: an active data segment that does not fit.
  ['data segment is out of bounds', ['out of bounds memory access']],
  ['data segment out of bounds', ['out of bounds memory access']],
  // One message for call_indirect past the table end ("undefined element") and for
  // table.get/set/fill/copy/init and active element segments ("out of bounds table access").
  ['table index is out of bounds', ['undefined element', 'out of bounds table access']],
  // table.init from a dropped or too-short element segment.
  ['element segment out of bounds', ['out of bounds table access']],
  ['element segment is out of bounds', ['out of bounds table access']],
  ['operation does not support unaligned accesses', ['unaligned atomic']],
  // memory.atomic.wait32/64 on an unshared memory (measured in a worker, where waiting is allowed).
  ['Atomics.wait cannot be called in this context', ['expected shared memory']],
  ['dereferencing a null pointer', ['null reference']],
  ['Maximum call stack size exceeded', ['call stack exhausted']],
];

const V8_11: Table = new Map([
  ...V8_COMMON,
  ['null function or function signature mismatch', ['uninitialized element', 'indirect call type mismatch']],
]);

const V8_NEW: Table = new Map([
  ...V8_COMMON,
  ['null function or function signature mismatch', ['uninitialized element', 'indirect call type mismatch']],
  ['null function', ['uninitialized element']],
  ['function signature mismatch', ['indirect call type mismatch']],
]);

const JSC: Table = new Map<string, TrapKind[]>([
  ['Unreachable code should not be executed', ['unreachable']],
  ['Division by zero', ['integer divide by zero']],
  ['Integer overflow', ['integer overflow']],
  ['Out of bounds Trunc operation', ['invalid conversion to integer', 'integer overflow']],
  ['Out of bounds memory access', ['out of bounds memory access']],
  // JSC reports a null slot and a signature mismatch alike.
  ['call_indirect to a signature that does not match', ['uninitialized element', 'indirect call type mismatch']],
  ['Out of bounds call_indirect', ['undefined element']],
  // table.get/set/fill/copy/init past the end (measured on Bun 1.4.5 by the bun adapter).
  ['Out of bounds table access', ['out of bounds table access']],
  ['Unaligned memory access', ['unaligned atomic']],
  ['Maximum call stack size exceeded.', ['call stack exhausted']],
  ['Maximum call stack size exceeded', ['call stack exhausted']],
  // GC and typed function references (measured on Bun 1.4.5 by `trapcheck spec` on the core
  // suite: ref_cast.wast:51, ref_as_non_null.wast:27, call_ref.wast:97, array.wast:342,
  // struct.wast:155, i31.wast:53, array_init_data.wast:68/72, array_init_elem.wast:85/89). A
  // null operand is V8's "dereferencing a null pointer" kind here too.
  ['ref.as_non_null to a null reference', ['null reference']],
  ['call_ref to a null reference', ['null reference']],
  ['access to a null reference', ['null reference']],
  ['array.init_data to a null reference', ['null reference']],
  ['array.init_elem to a null reference', ['null reference']],
  ['i31.get_<sx> to a null reference', ['null reference']],
  // One message for a data / element segment range past its end (spec "out of bounds memory /
  // table access") and for the array range (GC's "out of bounds array access", no TrapKind).
  ['Out of bounds array.init_data', ['out of bounds memory access']],
  ['Out of bounds array.init_elem', ['out of bounds table access']],
  // array.new_data past the data segment's end (array_new_data.wast:74); the message also
  // covers an allocation failure, which is no trap the spec names
  ['Out of bounds or failed to allocate in array.new_data', ['out of bounds memory access']],
]);

/** SpiderMonkey 102 (gjs 1.74.2), measured per trap kind (test/runtimes/spidermonkey.test.ts re-measures it). */
const SPIDERMONKEY: Table = new Map<string, TrapKind[]>([
  ['unreachable executed', ['unreachable']],
  ['integer divide by zero', ['integer divide by zero']],
  ['integer overflow', ['integer overflow']],
  ['invalid conversion to integer', ['invalid conversion to integer']],
  // One message for memory accesses, memory.fill/copy/init, call_indirect past the table end,
  // table.fill/copy/init, externref table.get/set and data / element segments at instantiation.
  ['index out of bounds', ['out of bounds memory access', 'out of bounds table access', 'undefined element']],
  // funcref table.get / table.set past the end.
  ['table index out of bounds', ['out of bounds table access']],
  ['indirect call to null', ['uninitialized element']],
  ['indirect call signature mismatch', ['indirect call type mismatch']],
  // an InternalError, not a RuntimeError
  ['too much recursion', ['call stack exhausted']],
]);

const TABLES: Record<Engine, Table> = { 'v8-11': V8_11, v8: V8_NEW, jsc: JSC, spidermonkey: SPIDERMONKEY };

/**
 * Instantiation messages that carry the segment's numbers, so no exact text can match them
 * (measured by `trapcheck spec` on the core suite, e.g. data.wast:210 and elem.wast:593):
 * V8 15 (Deno 2.9) `data segment 0 is out of bounds (offset 0, length 1, memory size 0)`; JSC
 * (Bun 1.4) `Invalid data segment initialization: segment of 1 bytes memory of 0 bytes, at
 * offset 0, segment is too big` and `Element is trying to set an out of bounds table index`.
 */
const PATTERNS: Partial<Record<Engine, ReadonlyArray<readonly [RegExp, readonly TrapKind[]]>>> = {
  v8: [
    [/^data segment \d+ is out of bounds \(offset \d+, length \d+, memory size \d+\)$/, ['out of bounds memory access']],
  ],
  jsc: [
    [/^Invalid data segment initialization: segment of \d+ bytes memory of \d+ bytes, at offset \d+, segment (?:is too big|writes outside of memory)$/, ['out of bounds memory access']],
    [/^Element is trying to set an out of bounds table index$/, ['out of bounds table access']],
  ],
};

/**
 * GC traps whose spec text names no TrapKind ("cast failure", "out of bounds array access"):
 * a trap with an empty kind set, judged by outcome kind only (the spec runner's rule for such
 * messages). Measured on Deno 2.9.6 (V8 15.0) by `trapcheck spec` on ref_cast.wast:61 and
 * array.wast:103.
 */
const KINDLESS_TRAPS: Partial<Record<Engine, ReadonlySet<string>>> = {
  v8: new Set(['illegal cast', 'array element access out of bounds']),
  // Bun 1.4.5: ref_cast.wast:61, array.wast:103/104, array_copy.wast:101, array_fill.wast:62
  jsc: new Set(['ref.cast failed to cast reference to target heap type', 'Out of bounds array.get', 'Out of bounds array.set', 'Out of bounds array.copy', 'Out of bounds array.fill']),
};

/** Bun appends the JS call site to wasm RuntimeErrors: `Division by zero (evaluating 'f()')`. */
const JSC_SUFFIX = / \(evaluating '.*'\)$/s;
/** V8 prefixes errors raised during instantiation with the API entry point. */
const V8_PREFIX = /^WebAssembly\.(?:Instance|instantiate|Module|compile)\(\): /;

/**
 * Classifies one engine error. `name` is the error's class name (`RuntimeError`, `RangeError`,
 * `Exception` …); `message` its message. Pure.
 */
export function classifyEngineError(engine: Engine, name: string, message: string): Outcome {
  if (name === 'Exception') return { kind: 'trap', trap: ['uncaught exception'], message: 'uncaught wasm exception' };
  let text = message;
  if (engine === 'jsc') text = text.replace(JSC_SUFFIX, '');
  else text = text.replace(V8_PREFIX, '');
  const isTrapClass =
    name === 'RuntimeError' || (name === 'RangeError' && /^Maximum call stack size exceeded/.test(text)) || (engine === 'spidermonkey' && name === 'InternalError' && text === 'too much recursion');
  const kinds = isTrapClass ? (TABLES[engine].get(text) ?? PATTERNS[engine]?.find(([p]) => p.test(text))?.[1]) : undefined;
  if (kinds) return { kind: 'trap', trap: [...kinds], message: text };
  if (isTrapClass && KINDLESS_TRAPS[engine]?.has(text)) return { kind: 'trap', trap: [], message: text };
  return { kind: 'crash', detail: `unclassified engine error: ${name}: ${message}` };
}

/** The engine this process runs on. */
export function currentEngine(): Engine {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions['bun']) return 'jsc';
  if (versions['spidermonkey']) return 'spidermonkey'; // the gjs driver's process shim (driver/gjs-process.ts)
  const major = Number((versions['v8'] ?? '0').split('.')[0]);
  return major > 0 && major <= 11 ? 'v8-11' : 'v8';
}

/** Every message the table for `engine` knows (tests iterate it). */
export function knownMessages(engine: Engine): ReadonlyMap<string, readonly TrapKind[]> {
  return TABLES[engine];
}
