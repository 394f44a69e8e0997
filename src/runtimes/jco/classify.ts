/**
 * jco error → Outcome. jco ≥ 1.33 rewrites V8's trap messages to wasmtime's wording
 * (`wasm trap: …`, its CORE_TRAP_MESSAGES map) and raises its own `cannot enter component
 * instance` / `cannot leave component instance`; a V8 message the map lacks (Node 20's folded
 * `null function or function signature mismatch`, stack exhaustion's RangeError) passes
 * through untouched and is classified with the V8 table. jco's rewrite adds no information:
 * where V8 folds two kinds into one message, the wasmtime-style text still stands for both.
 */
import type { Outcome, TrapKind } from '../../outcome.ts';
import { classifyEngineError, currentEngine } from '../../runtime/classify.ts';

const PREFIX = 'wasm trap: ';

/** jco's wasmtime-style texts (after `wasm trap: `) → the kinds the underlying V8 message allows. */
const JCO_MESSAGES: ReadonlyMap<string, readonly TrapKind[]> = new Map<string, TrapKind[]>([
  ['wasm `unreachable` instruction executed', ['unreachable']],
  ['out of bounds memory access', ['out of bounds memory access']],
  ['integer divide by zero', ['integer divide by zero']],
  ['integer overflow', ['integer overflow']],
  // from V8's `float unrepresentable in integer range`, which covers NaN and out-of-range alike
  ['invalid conversion to integer', ['invalid conversion to integer', 'integer overflow']],
  // from V8's `table index is out of bounds`: call_indirect past the end and table.get/set alike
  ['undefined element: out of bounds table access', ['undefined element', 'out of bounds table access']],
  ['indirect call type mismatch', ['indirect call type mismatch']],
  ['call stack exhausted', ['call stack exhausted']],
  ['cannot enter component instance', ['cannot enter component instance']],
  ['cannot leave component instance', ['cannot leave component instance']],
]);

/**
 * jco's bindings lift a variant / result with an out-of-range case index by throwing a plain
 * `TypeError("invalid variant discriminant for <type>")` (not a RuntimeError: jco does not lock
 * the instance down for it; a known divergence). The Canonical ABI traps there.
 */
const INVALID_DISCRIMINANT = /^invalid variant discriminant for /;

/** Classifies what a lifted call or a component instantiation threw (a RuntimeError, a RangeError, jco's lifting TypeError …). */
export function classifyJcoError(name: string, message: string): Outcome {
  if (name === 'TypeError' && INVALID_DISCRIMINANT.test(message)) return { kind: 'trap', trap: ['invalid variant discriminant'], message };
  const text = message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
  const kinds = name === 'RuntimeError' ? JCO_MESSAGES.get(text) : undefined;
  if (kinds) return { kind: 'trap', trap: [...kinds], message };
  return classifyEngineError(currentEngine(), name, text);
}
