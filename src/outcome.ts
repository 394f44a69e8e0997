/**
 * The lingua franca of trapcheck: what happened when a step ran, normalised so that
 * runtimes can be compared without ever parsing engine text outside their adapter.
 */

/** Trap kinds, named with the spec's own `assert_trap` strings (DESIGN §2). A closed set. */
export const TRAP_KINDS = [
  'unreachable',
  'integer divide by zero',
  'integer overflow',
  'invalid conversion to integer',
  'out of bounds memory access',
  'out of bounds table access',
  'undefined element',
  'uninitialized element',
  'indirect call type mismatch',
  'call stack exhausted',
  'unaligned atomic',
  'expected shared memory',
  'null reference',
  'cannot enter component instance',
  'cannot leave component instance',
  'out of fuel',
  'uncaught exception',
  /**
   * The Canonical ABI lifting a variant / result / option whose case index is out of range
   * (`trap_if(case_index >= len(cases))` in lift_flat_variant), e.g. `wasi:cli/exit` called with a
   * `result` discriminant ≥ 2. Not a core trap: named with the words hosts print for it
   * (wasmtime, jco: "invalid variant discriminant for expected").
   */
  'invalid variant discriminant',
] as const;

export type TrapKind = (typeof TRAP_KINDS)[number];

const trapKindSet: ReadonlySet<string> = new Set(TRAP_KINDS);
export function isTrapKind(s: string): s is TrapKind {
  return trapKindSet.has(s);
}

export const VALUE_TYPES = ['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/**
 * A wasm value in a JSON-stable form. `value` is text so that i64 and NaN payloads survive
 * JSON: integers are signed decimal; floats are decimal (`-0`, `inf`, `-inf`) or `nan:0x<bits>`
 * (`nan:canonical` / `nan:arithmetic` only in expectations); references are `null` or an index.
 */
export interface WasmValue {
  type: ValueType;
  value: string;
}

export type Outcome =
  /** The step completed; `values` are the export's results (empty for instantiate). */
  | { kind: 'return'; values: WasmValue[] }
  /**
   * A wasm trap. `trap` is the set of kinds the engine's report is compatible with:
   * one element when precise, several when the engine folds kinds into one message
   * (V8 11: "null function or function signature mismatch").
   */
  | { kind: 'trap'; trap: TrapKind[]; message: string }
  /** WASI `proc_exit(code)` (or `_start` returning, code 0). `code` is the raw u32 the guest passed. */
  | { kind: 'exit'; code: number }
  /** Every live thread is blocked and nothing can wake it: detected exactly, not by timeout. */
  | { kind: 'deadlock' }
  /** The watchdog fired: the step ran past its budget. */
  | { kind: 'timeout'; budgetMs: number }
  /** The runtime itself failed (worker died, process crashed, harness error). */
  | { kind: 'crash'; detail: string }
  /** The runtime cannot run this step: a missing feature, import or step kind. */
  | { kind: 'unsupported'; feature: string }
  /**
   * Module rejected before it ran (spec assert_malformed / assert_invalid / assert_unlinkable).
   * `compile` is what JS-API engines report: the API raises one CompileError for a malformed
   * and an invalid module alike, so it matches either expectation.
   */
  | { kind: 'rejected'; stage: 'malformed' | 'invalid' | 'compile' | 'unlinkable'; message: string }
  /**
   * An async call (`call` / `resume` step with `pauseAt`) stopped at its pause point: the k-th
   * suspension of a suspendable host import, its fuel budget, or before entry. It holds no value;
   * the call can be resumed or cancelled.
   */
  | { kind: 'suspended'; at: 'entry' | 'host' | 'fuel' }
  /** A `cancel` step abandoned a pending call (a dropped future): no value, no rewind. */
  | { kind: 'cancelled' }
  /** A host import failed with a host error (not a wasm trap); the error propagated out of the call. */
  | { kind: 'host-error'; message: string };

export type OutcomeKind = Outcome['kind'];

export function ret(...values: WasmValue[]): Outcome {
  return { kind: 'return', values };
}
export function trap(kinds: TrapKind | TrapKind[], message = ''): Outcome {
  return { kind: 'trap', trap: Array.isArray(kinds) ? kinds : [kinds], message };
}
export function exit(code: number): Outcome {
  return { kind: 'exit', code };
}

export function i32(v: number): WasmValue {
  return { type: 'i32', value: String(v | 0) };
}
export function i64(v: bigint | number): WasmValue {
  return { type: 'i64', value: BigInt.asIntN(64, BigInt(v)).toString() };
}

export function formatValue(v: WasmValue): string {
  return `${v.type}:${v.value}`;
}

/** One-line human form used in verdict messages: `trap "integer overflow"`, `return [i32:0]`, `exit 3`. */
export function formatOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'return':
      return `return [${o.values.map(formatValue).join(', ')}]`;
    case 'trap':
      // no kind: a trap whose spec text names no TrapKind (GC casts and arrays), shown by its message
      if (o.trap.length === 0) return `trap (${JSON.stringify(o.message)})`;
      return o.trap.length === 1
        ? `trap "${o.trap[0]}"`
        : `trap (one of ${o.trap.map((k) => `"${k}"`).join(' | ')})`;
    case 'exit':
      return `exit ${o.code}`;
    case 'deadlock':
      return 'deadlock';
    case 'timeout':
      return `timeout after ${o.budgetMs} ms`;
    case 'crash':
      return `crash (${o.detail})`;
    case 'unsupported':
      return `unsupported (${o.feature})`;
    case 'rejected':
      return `rejected as ${o.stage}${o.message ? ` (${o.message})` : ''}`;
    case 'suspended':
      return `suspended (${o.at === 'host' ? 'in a host call' : o.at === 'fuel' ? 'out of its fuel slice' : 'before entry'})`;
    case 'cancelled':
      return 'cancelled';
    case 'host-error':
      return `host error (${o.message})`;
  }
}
