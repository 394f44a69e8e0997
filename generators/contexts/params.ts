/**
 * The parameters of a context: plain data (JSON-safe, shrinkable by fast-check) describing the code
 * a generated site runs inside (issue #18). A context is a tree:
 *
 * - `Around` nodes produce the wrapped body's results R from an empty stack, and one of them (the
 *   `hole`) is the body itself: blocks, loops, ifs with a known condition, blocks with parameters,
 *   branches carrying R out of nested blocks, code before the body;
 * - `Carry` nodes take R from the stack and leave it unchanged: locals, `select` with a known
 *   condition, identity calls, blocks and loops with parameters, branches, `return`;
 * - `Pure` code runs live but has no effect anyone can observe (only the context's own locals);
 * - `DeadOp`s sit where control never arrives (after `br`, `return`, `unreachable`) and only have
 *   to validate against the polymorphic stack.
 *
 * Every construct is transparent by construction, so the site's expected outcome stays exact.
 */

/** The constructs a context can use; a swarm configuration enables a subset of them. */
export const CONSTRUCTS = [
  'block',
  'loop',
  'if',
  'block-params',
  'loop-params',
  'br-values',
  'br_if-values',
  'br_table-values',
  'select',
  'locals',
  'call',
  'call_indirect',
  'return',
  'dead-code',
  'pre-code',
] as const;
export type Construct = (typeof CONSTRUCTS)[number];

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export const NUM_TYPES: readonly NumType[] = ['i32', 'i64', 'f32', 'f64'];

export interface Const {
  t: NumType;
  v: number;
}

/** Branch targets of a `br_table` over `levels` nested blocks (depths 0 … levels-1). */
export interface TableShape {
  levels: number;
  targets: number[];
  fallback: number;
  /** The i32 selector; out of range picks `fallback`, as the spec says. */
  selector: number;
}

export type Around =
  | { k: 'hole' }
  | { k: 'block'; inner: Around }
  | { k: 'loop'; inner: Around }
  /** `if` with a constant condition: `inner` in the arm taken, `other` in the arm never taken. */
  | { k: 'if'; cond: number; inner: Around; other: Arm }
  /** Constants passed as block parameters and consumed inside, before `inner`. */
  | { k: 'block-params'; params: Const[]; inner: Around }
  | { k: 'br'; inner: Around; dead: DeadOp[] }
  | { k: 'br_if'; inner: Around; cond: number; junk: number }
  | { k: 'br_table'; inner: Around; table: TableShape; dead: DeadOp[] }
  | { k: 'pre'; code: Pure[]; inner: Around }
  | { k: 'then'; inner: Around; carry: Carry };

/** The arm of an `if` that never runs: the results' types as constants, or dead code after `unreachable`. */
export type Arm = { k: 'junk'; v: number } | { k: 'dead'; ops: DeadOp[] };

export type Carry =
  /** R stashed in locals (`tee` chains through two locals per value), `between` run, R restored. */
  | { k: 'locals'; tee: boolean; between: Pure[] }
  /** Each value chosen by `select` against a constant, with a constant condition. */
  | { k: 'select'; cond: number; typed: boolean; junk: number }
  | { k: 'call' }
  | { k: 'call_indirect' }
  | { k: 'block-params'; inner: Carry[] }
  /** A loop with parameters R run `trips` times (R carried back by `br_if`). */
  | { k: 'loop-params'; trips: number; inner: Carry[] }
  | { k: 'br'; dead: DeadOp[] }
  | { k: 'br_if'; cond: number; junk: number }
  | { k: 'br_table'; table: TableShape; dead: DeadOp[] }
  /**
   * `return` with R. `bare`: directly in the enclosing block, so whatever follows there is in
   * unreachable position (dead code); otherwise in a block of its own (R → R), after which the
   * stack is typed again.
   */
  | { k: 'return'; bare: boolean; dead: DeadOp[] };

/** Side-effect-free, non-trapping, stack-neutral code (the context's own locals only). */
export type Pure =
  | { k: 'set'; c: Const }
  | { k: 'arith'; t: NumType; op: number; a: number; b: number }
  | { k: 'tee'; c: Const; n: number }
  | { k: 'block'; body: Pure[] }
  | { k: 'loop'; trips: number; body: Pure[] }
  | { k: 'if'; cond: number; then: Pure[]; else: Pure[] };

/** Code in unreachable position: validated against the polymorphic stack, never run. */
export type DeadOp =
  | { k: 'const'; c: Const }
  | { k: 'binop'; t: NumType; op: number }
  | { k: 'unop'; t: NumType; op: number }
  | { k: 'drop' }
  | { k: 'get'; t: NumType }
  | { k: 'set'; t: NumType }
  | { k: 'tee'; t: NumType }
  | { k: 'unreachable' }
  | { k: 'br' }
  | { k: 'block'; body: DeadOp[] };

export interface ContextParams {
  /** The swarm configuration: the constructs this context may use. */
  swarm: Construct[];
  /**
   * Where the body's branches to its function's label go (src/wasm/wrap-body.ts): straight out of
   * the function, or to the end of the body's block, on through the context after it.
   */
  escape: 'function' | 'body';
  root: Around;
}

/** The empty context: the body alone in its block. */
export const NO_CONTEXT: ContextParams = { swarm: [], escape: 'function', root: { k: 'hole' } };
