/**
 * The fuel a transparent context (generators/contexts/) charges around `run`, in execution order,
 * so the cancellation model stays exact with a context around its site.
 *
 * The fuel pass (src/wasm/instrument/fuel.ts) charges at function entries and loop headers. A
 * context's straight code is counted in `run`'s entry cost or in the cost of the loop it sits in,
 * and those costs come from the fuel plan of the emitted bytes, like every other cost here. What
 * the plan cannot say is *when* the context's own metering points run; this walk says it, mirroring
 * the encoder (generators/contexts/encode.ts, straight-code.ts) construct by construct:
 *
 * - a loop around the body is entered once (nothing branches back to it);
 * - a counted loop (pure code, loops with parameters) runs `trips` times, charging each time;
 * - an `if` with a constant condition runs one arm (the other's loops exist but never charge);
 * - `call` / `call_indirect` enter the identity function (its entry cost);
 * - after a `return` the function is over: nothing later charges;
 * - dead code and the arm of an `if` never taken hold no loops or calls.
 *
 * The context's loops are numbered in the order their `loop` keywords appear in the bytes; the plan
 * numbers `run`'s loops the same way, the body's own between the context's before and after it.
 */
import type { Around, Carry, ContextParams, Pure } from '../contexts/index.ts';

/** One metering point of the context: a loop header (the context's loops numbered in byte order) or an identity-function entry. */
export type ContextCharge = { loop: number } | { call: true };

export interface RunContext {
  /**
   * How many of the context's loops come before the body's in the bytes: the body's first loop is
   * plan slot `loopOffset`; context loop s is plan slot s before the body, s + (the body's loops) after it.
   */
  loopOffset: number;
  /** The context's loops in all (live or not): with the body's, the plan's loop count for `run`. */
  loops: number;
  /** What the context charges before the body runs. */
  before: ContextCharge[];
  /** What it charges after the body returned (nothing after a trap). */
  after: ContextCharge[];
}

/** No context: the body alone. */
export const BARE_RUN: RunContext = { loopOffset: 0, loops: 0, before: [], after: [] };

type Node = { k: 'loop'; trips: number; body: Node[]; slot?: number } | { k: 'call' } | { k: 'hole' } | { k: 'return' } | { k: 'never'; body: Node[] };

function pure(code: Pure[]): Node[] {
  return code.flatMap((p): Node[] => {
    switch (p.k) {
      case 'set':
      case 'arith':
      case 'tee':
        return [];
      case 'block':
        return pure(p.body);
      case 'loop':
        return [{ k: 'loop', trips: p.trips, body: pure(p.body) }];
      case 'if': {
        // the `then` arm comes first in the bytes whichever runs
        const then = pure(p.then);
        const other = pure(p.else);
        return p.cond !== 0 ? [...then, { k: 'never', body: other }] : [{ k: 'never', body: then }, ...other];
      }
    }
  });
}

function carry(c: Carry): Node[] {
  switch (c.k) {
    case 'locals':
      return pure(c.between);
    case 'call':
    case 'call_indirect':
      return [{ k: 'call' }];
    case 'block-params':
      return c.inner.flatMap(carry);
    case 'loop-params':
      return [{ k: 'loop', trips: c.trips, body: c.inner.flatMap(carry) }];
    case 'return':
      return [{ k: 'return' }];
    case 'select':
    case 'br':
    case 'br_if':
    case 'br_table':
      return [];
  }
}

function around(a: Around): Node[] {
  switch (a.k) {
    case 'hole':
      return [{ k: 'hole' }];
    case 'loop':
      return [{ k: 'loop', trips: 1, body: around(a.inner) }];
    case 'block':
    case 'if':
    case 'block-params':
    case 'br':
    case 'br_if':
    case 'br_table':
      return around(a.inner);
    case 'pre':
      return [...pure(a.code), ...around(a.inner)];
    case 'then':
      return [...around(a.inner), ...carry(a.carry)];
  }
}

/** Numbers the loops in byte order, and records how many come before the hole. */
function number(nodes: Node[], next: { slot: number; beforeHole?: number }): void {
  for (const n of nodes) {
    if (n.k === 'loop') {
      n.slot = next.slot++;
      number(n.body, next);
    } else if (n.k === 'never') number(n.body, next);
    else if (n.k === 'hole') next.beforeHole = next.slot;
  }
}

interface Run {
  charges: ContextCharge[];
  /** Charges made before the hole, once it was reached. */
  atHole?: number;
  returned: boolean;
}

function execute(nodes: Node[], run: Run): void {
  for (const n of nodes) {
    if (run.returned) return;
    switch (n.k) {
      case 'loop':
        for (let t = 0; t < n.trips && !run.returned; t++) {
          run.charges.push({ loop: n.slot! });
          execute(n.body, run);
        }
        break;
      case 'call':
        run.charges.push({ call: true });
        break;
      case 'return':
        run.returned = true;
        break;
      case 'hole':
        run.atHole = run.charges.length;
        break;
      case 'never':
        break;
    }
  }
}

/** When and where the context `params` charges fuel around the body it wraps. */
export function contextCharges(params: ContextParams): RunContext {
  const nodes = around(params.root);
  const next: { slot: number; beforeHole?: number } = { slot: 0 };
  number(nodes, next);
  const run: Run = { charges: [], returned: false };
  execute(nodes, run);
  if (next.beforeHole === undefined || run.atHole === undefined) throw new Error('cancellation: the context has no hole for the body');
  return { loopOffset: next.beforeHole, loops: next.slot, before: run.charges.slice(0, run.atHole), after: run.charges.slice(run.atHole) };
}
