/**
 * Context parameters + the wrapped function's shape → the context's code (src/wasm/wrap-body.ts's
 * BodyContext). Pure: the same parameters and shape give the same bytes.
 *
 * Why each construct is transparent (R = the body's results):
 * - around the body, every label has results R and every path out of it carries the body's R:
 *   the arm of an `if` not taken, code after a taken `br_if` and code after `br` / `br_table`
 *   never run; block parameters are constants consumed before the body runs;
 * - after the body, every carry leaves R as it found it: locals restore what they stashed,
 *   `select` picks the real value (its condition is a constant), the identity function returns its
 *   arguments, loops with parameters R branch back with R unchanged a fixed number of times;
 * - pure code touches only the context's own locals and cannot trap; no construct touches memory,
 *   globals, tables the module had, or imports.
 */
import type { FunctionShape, BodyContext } from '../../src/wasm/wrap-body.ts';
import type { Feature } from '../../src/features.ts';
import { Emitter, isRef, typeCode } from './emitter.ts';
import type { Around, Arm, Carry, ContextParams, DeadOp, TableShape } from './params.ts';
import { emitDead, emitPure } from './straight-code.ts';

export interface EncodedContext {
  context: BodyContext;
  /** Wasm features the context's code needs (beyond what the module already uses). */
  features: Feature[];
}

/** No block parameters: the around nodes produce R from an empty stack. */
const NONE: number[] = [];

/** Where the body goes: recorded while the around nodes are emitted. */
interface Hole {
  at: number;
  labels: number;
}

class ContextEncoder {
  readonly e: Emitter;
  hole: Hole | undefined;
  constructor(shape: FunctionShape) {
    this.e = new Emitter(shape);
  }

  private get r(): number[] {
    return this.e.results;
  }

  /** After a taken `br_if` (never reached): the results replaced by constants, so the label's end still types. */
  private replaceResults(junk: number): void {
    for (let i = 0; i < this.r.length; i++) this.e.byte(0x1a);
    this.r.forEach((code, i) => this.e.constOf(code, junk + i));
  }

  private arm(a: Arm): void {
    if (a.k === 'junk') this.r.forEach((code, i) => this.e.constOf(code, a.v + i));
    else {
      this.e.byte(0x00);
      emitDead(this.e, a.ops);
    }
  }

  /**
   * `levels` nested blocks typed params → R, left by a br_table over them after `inside` (which
   * runs inside all of them). Every target has results R and falls through to the outermost end.
   */
  private brTable(t: TableShape, params: number[], inside: () => void, dead: DeadOp[]): void {
    for (let i = 0; i < t.levels; i++) this.e.open(0x02, params, this.r);
    inside();
    this.e.i32(t.selector);
    this.e.opIndex(0x0e, t.targets.length);
    for (const d of t.targets) this.e.index(d);
    this.e.index(t.fallback);
    emitDead(this.e, dead);
    for (let i = 0; i < t.levels; i++) this.e.byte(0x0b);
  }

  around(a: Around, labels: number): void {
    const e = this.e;
    switch (a.k) {
      case 'hole':
        this.hole = { at: e.out.length, labels };
        return;
      case 'block':
      case 'loop':
        e.open(a.k === 'block' ? 0x02 : 0x03, NONE, this.r);
        this.around(a.inner, labels + 1);
        return e.byte(0x0b);
      case 'if': {
        e.i32(a.cond);
        e.open(0x04, NONE, this.r);
        const taken = a.cond !== 0;
        if (taken) this.around(a.inner, labels + 1);
        else this.arm(a.other);
        e.byte(0x05);
        if (taken) this.arm(a.other);
        else this.around(a.inner, labels + 1);
        return e.byte(0x0b);
      }
      case 'block-params':
        for (const c of a.params) e.const(c);
        e.open(0x02, a.params.map((c) => typeCode(c.t)), this.r);
        for (let i = 0; i < a.params.length; i++) e.byte(0x1a);
        this.around(a.inner, labels + 1);
        return e.byte(0x0b);
      case 'br':
        e.open(0x02, NONE, this.r);
        this.around(a.inner, labels + 1);
        e.emit(0x0c, 0x00);
        emitDead(e, a.dead);
        return e.byte(0x0b);
      case 'br_if':
        e.open(0x02, NONE, this.r);
        this.around(a.inner, labels + 1);
        this.brIf(a.cond, a.junk);
        return e.byte(0x0b);
      case 'br_table':
        return this.brTable(a.table, [], () => this.around(a.inner, labels + a.table.levels), a.dead);
      case 'pre':
        emitPure(e, a.code);
        return this.around(a.inner, labels);
      case 'then':
        this.around(a.inner, labels);
        return this.carry(a.carry);
    }
  }

  private brIf(cond: number, junk: number): void {
    this.e.i32(cond);
    this.e.emit(0x0d, 0x00);
    if (cond !== 0) this.replaceResults(junk);
  }

  private stash(): number[] {
    const locals = this.r.map((code) => this.e.local(code));
    for (let i = locals.length - 1; i >= 0; i--) this.e.localOp(0x21, locals[i]!);
    return locals;
  }

  carry(c: Carry): void {
    const e = this.e;
    const r = this.r;
    switch (c.k) {
      case 'locals': {
        // with no results, an i32 goes through the same locals, so the construct is always there
        const values = r.length > 0 ? r : [0x7f];
        if (r.length === 0) e.i32(0);
        const first = values.map((code) => e.local(code));
        const second = c.tee ? values.map((code) => e.local(code)) : first;
        for (let i = values.length - 1; i >= 0; i--) {
          if (c.tee) e.localOp(0x22, first[i]!);
          e.localOp(0x21, second[i]!);
        }
        emitPure(e, c.between);
        second.forEach((l) => e.localOp(0x20, l));
        if (r.length === 0) e.byte(0x1a);
        return;
      }
      case 'select': {
        const real = this.stash();
        const values = r.length > 0 ? r.map((code, i) => ({ code, get: (): void => e.localOp(0x20, real[i]!) })) : [{ code: 0x7f, get: (): void => e.i32(0) }];
        for (const [i, v] of values.entries()) {
          const junk = (): void => e.constOf(v.code, c.junk + i);
          // select(a, b, cond) is a when cond ≠ 0: the real value goes where the constant condition picks
          if (c.cond !== 0) {
            v.get();
            junk();
          } else {
            junk();
            v.get();
          }
          e.i32(c.cond);
          if (c.typed || isRef(v.code)) {
            e.features.add('reference-types');
            e.emit(0x1c, 0x01, v.code);
          } else e.byte(0x1b);
        }
        if (r.length === 0) e.byte(0x1a);
        return;
      }
      case 'call':
        return e.opIndex(0x10, e.identity());
      case 'call_indirect': {
        const table = e.identityTable();
        e.i32(0);
        e.opIndex(0x11, e.typeIndex(r, r));
        return e.index(table);
      }
      case 'block-params':
        e.open(0x02, r, r);
        c.inner.forEach((inner) => this.carry(inner));
        return e.byte(0x0b);
      case 'loop-params': {
        const counter = e.local(0x7f);
        e.i32(c.trips);
        e.localOp(0x21, counter);
        e.open(0x03, r, r);
        c.inner.forEach((inner) => this.carry(inner));
        e.backEdge(counter);
        return e.byte(0x0b);
      }
      case 'br':
        e.open(0x02, r, r);
        e.emit(0x0c, 0x00);
        emitDead(e, c.dead);
        return e.byte(0x0b);
      case 'br_if':
        e.open(0x02, r, r);
        this.brIf(c.cond, c.junk);
        return e.byte(0x0b);
      case 'br_table':
        // the blocks' parameters are R itself: the br_table carries them out
        return this.brTable(c.table, r, () => {}, c.dead);
      case 'return':
        if (!c.bare) e.open(0x02, r, r);
        e.byte(0x0f);
        emitDead(e, c.dead);
        if (!c.bare) e.byte(0x0b);
        return;
    }
  }
}

/** The code and module additions of context `params` around the function described by `shape`. */
export function encodeContext(params: ContextParams, shape: FunctionShape): EncodedContext {
  const enc = new ContextEncoder(shape);
  enc.around(params.root, 0);
  const hole = enc.hole;
  if (!hole) throw new Error('generators.contexts: the context has no hole for the body');
  const e = enc.e;
  const bodyType = e.blockType([], e.results);
  const context: BodyContext = {
    locals: e.locals,
    prefix: e.out.slice(0, hole.at),
    bodyType,
    suffix: e.out.slice(hole.at),
    labels: hole.labels,
    escape: params.escape,
    types: e.types,
    functions: e.identityFunctions(),
  };
  if (e.table) context.table = e.table;
  return { context, features: [...e.features].sort() };
}
