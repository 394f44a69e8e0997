/**
 * Engine error → TrapKind candidate set, per engine (DESIGN §2 "TrapKind"). Engines report traps
 * as message text; this is the one place that reads it. Messages were measured on this machine
 * (V8 11.3 in Node 20.20) or taken from ../shared/reference/feasibility-node20.md §1 (V8 15.0 in
 * Deno 2.9, JSC in Bun 1.4). An engine that folds two kinds into one message yields both; an
 * unknown message is a crash naming it, never a guess.
 */
import type { Outcome, TrapKind } from '../outcome.ts';

export type Engine = 'v8-11' | 'v8' | 'jsc';

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
]);

const TABLES: Record<Engine, Table> = { 'v8-11': V8_11, v8: V8_NEW, jsc: JSC };

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
  const isTrapClass = name === 'RuntimeError' || (name === 'RangeError' && /^Maximum call stack size exceeded/.test(text));
  const kinds = isTrapClass ? TABLES[engine].get(text) : undefined;
  if (kinds) return { kind: 'trap', trap: [...kinds], message: text };
  return { kind: 'crash', detail: `unclassified engine error: ${name}: ${message}` };
}

/** The engine this process runs on. */
export function currentEngine(): Engine {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions['bun']) return 'jsc';
  const major = Number((versions['v8'] ?? '0').split('.')[0]);
  return major > 0 && major <= 11 ? 'v8-11' : 'v8';
}

/** Every message the table for `engine` knows (tests iterate it). */
export function knownMessages(engine: Engine): ReadonlyMap<string, readonly TrapKind[]> {
  return TABLES[engine];
}
