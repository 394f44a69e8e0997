/**
 * binaryen's interpreter (wasm-shell, binaryen 132) prints `[trap <why>]` for a trap and
 * `[host limit <why>]` when it gives up on its own limits. Its texts are not the spec's
 * `assert_trap` strings; this table maps them to trap kinds, read from binaryen's source at tag
 * version_132 (src/wasm-interpreter.h, src/ir/runtime-table.h, src/shell-interface.h):
 * https://github.com/WebAssembly/binaryen/blob/version_132/src/wasm-interpreter.h
 */
import type { Outcome, TrapKind } from '../../outcome.ts';

/** Prefix of the text → the trap kinds it can mean (several: the message cannot tell them apart). */
const BINARYEN_TRAPS: ReadonlyArray<[RegExp, TrapKind[]]> = [
  [/^unreachable$/, ['unreachable']],
  [/^i(32|64)\.(div|rem)_[su] by 0$/, ['integer divide by zero']],
  [/^i(32|64)\.div_s overflow$/, ['integer overflow']],
  [/^i(32|64)\.trunc[SU]Float overflow$/, ['integer overflow']],
  [/^trunc[SU]Float of nan$/, ['invalid conversion to integer']],
  // trapIfGt(): load/store/atomic address checks print `<what> > memory: <a> > <b>`
  [/^(offset|final|bytes|highest) > memory/, ['out of bounds memory access']],
  [/^out of bounds (memory|segment) access in memory\.(init|fill|copy)$/, ['out of bounds memory access']],
  // call_indirect past the table's end and table.get/set/fill/grow bounds share one text
  [/^out of bounds table access$/, ['out of bounds table access', 'undefined element']],
  [/^RuntimeTable::set out of bounds$/, ['out of bounds table access']],
  [/^out of bounds (table|segment) access in table\.(init|copy)$/, ['out of bounds table access']],
  [/^null target in call_indirect$/, ['uninitialized element']],
  [/^callIndirect: non-subtype$/, ['indirect call type mismatch']],
  [/^null (ref|target in call_ref)$/, ['null reference']],
  [/^unaligned atomic operation$/, ['unaligned atomic']],
  [/^cannot atomic\.wait a non-shared memory$/, ['expected shared memory']],
];

/** The outcome of a `[trap …]` text. An unknown text is a crash: loud, so the table gets extended. */
export function classifyBinaryenTrap(why: string): Outcome {
  const text = why.trim();
  for (const [pattern, kinds] of BINARYEN_TRAPS) if (pattern.test(text)) return { kind: 'trap', trap: [...kinds], message: text };
  return { kind: 'crash', detail: `unclassified binaryen trap: ${text}` };
}

/**
 * A `[host limit …]` is binaryen giving up, not a wasm event: its call depth stops at 200 frames
 * (`stack limit`, ModuleRunner maxDepth), where engines go thousands deep. Not an observation of
 * the case, so the case is not evaluable here (never a false `call stack exhausted`).
 */
export function hostLimitOutcome(why: string): Outcome {
  return { kind: 'unsupported', feature: `binaryen's interpreter host limit (${why.trim()}${why.includes('stack') ? ': call depth over 200' : ''})` };
}
