/**
 * Placement: the wrappers around the trapping statement (blocks, loops that run once first,
 * if/else arms, br_table arms, direct and indirect calls), the tracked prefix effects at each
 * level, and how the trapping value is consumed. Records which function holds the trap, so
 * the module builder can run that function inside a transparent context.
 */
import type { BModule, BType, Expr } from '../../src/wasm/builder.ts';
import { binaryen, binaryenType, funcHeapType, i64c } from '../../src/wasm/builder.ts';
import type { CoreTrapParams, PrefixOp, Use } from './params.ts';
import type { SiteCtx, SiteDef } from './site.ts';
import { c32, u32 } from './site.ts';

/** A function under construction: its name and the locals it declares. */
export class Fn {
  readonly vars: BType[] = [];
  constructor(
    readonly name: string,
    readonly nparams: number,
  ) {}
  local(t: BType): number {
    this.vars.push(t);
    return this.nparams + this.vars.length - 1;
  }
}

export interface Builder {
  m: BModule;
  p: CoreTrapParams;
  site: SiteDef;
  ctx: SiteCtx;
  labels: number;
  helperFns: string[];
  ciSlots: string[];
  /** Prefix ops grouped by level (clamped to the depth). */
  prefixAt: PrefixOp[][];
  firstPrefixSlot: number;
  /** The use as applied: sites without a value are statements; a valued site is never a bare statement. */
  appliedUse: Use;
  /** The function holding the trapping statement (its name is set when the trap is built). */
  siteFn: string;
  /** Its function index, set when that function is added to the module. */
  siteFnIndex: number | undefined;
}

export const BAD = 0x0bad0000;

export const prefixBits = (op: { value: number; at: number }): bigint => (BigInt(u32(op.value)) << 32n) | BigInt(u32(op.value ^ 0x9e3779b9 ^ op.at));
export const g1Value = (v: number): bigint => BigInt.asIntN(64, (BigInt(u32(v ^ 0x5bd1e995)) << 32n) | BigInt(u32(v)));

function prefixStmt(b: Builder, op: PrefixOp): Expr {
  const m = b.m;
  switch (op.op) {
    case 'mem': {
      const v = prefixBits(op);
      const ptr = c32(m, op.at);
      if (op.width === 8) return m.i64.store(0, 1, ptr, i64c(m, v));
      const iv = c32(m, Number(v & 0xffffffffn));
      return op.width === 4 ? m.i32.store(0, 1, ptr, iv) : op.width === 2 ? m.i32.store16(0, 1, ptr, iv) : m.i32.store8(0, 1, ptr, iv);
    }
    case 'global':
      return op.g === 0 ? m.global.set('g0', c32(m, op.value)) : m.global.set('g1', i64c(m, g1Value(op.value)));
    case 'table':
      return m.table.set('t', c32(m, b.firstPrefixSlot + op.slot), m.ref.func(`id${op.fn}`, funcHeapType(m, `id${op.fn}`)));
    case 'grow':
      return m.global.set('g0', m.memory.grow(c32(m, op.delta.value)));
  }
}

function zeroOf(m: BModule, t: 'i32' | 'i64' | 'f32' | 'f64'): Expr {
  return t === 'i32' ? m.i32.const(7) : t === 'i64' ? i64c(m, 7n) : t === 'f32' ? m.f32.const(7) : m.f64.const(7);
}

/** The trapping statement (plus its pre-statements), consumed as `use` says. */
function trapStmts(b: Builder, fn: Fn): Expr[] {
  const m = b.m;
  b.siteFn = fn.name;
  const r = b.site.build(b.ctx);
  const out: Expr[] = [...(r.pre ?? [])];
  if (r.type === 'none' || r.type === 'unreachable') {
    b.appliedUse = 'stmt';
    out.push(r.expr);
    return out;
  }
  const use = b.p.use;
  b.appliedUse = use === 'stmt' ? 'drop' : use;
  switch (use) {
    case 'select': {
      const other = zeroOf(m, r.type);
      const cond = m.global.get('one', binaryen.i32);
      out.push(m.drop(b.p.variant & 32 ? m.select(cond, other, r.expr) : m.select(cond, r.expr, other)));
      return out;
    }
    case 'local':
      out.push(m.local.set(fn.local(binaryenType(r.type)), r.expr));
      return out;
    default:
      out.push(m.drop(r.expr));
      return out;
  }
}

/** A statement that must not run (a wrong branch): it would clobber g0. */
function notTaken(b: Builder, i: number): Expr {
  return b.m.global.set('g0', c32(b.m, BAD + i));
}

/**
 * Adds a () → () function; records its index if it holds the trap (binaryen numbers functions
 * in the order they are added, so the index is the count before it).
 */
export function addFunction(b: Builder, name: string, vars: BType[], body: Expr): void {
  if (name === b.siteFn) b.siteFnIndex = b.m.getNumFunctions();
  b.m.addFunction(name, binaryen.none, binaryen.none, vars, body);
}

/** The code of wrapper level `depth` (and everything inside it) in function `fn`. */
export function level(b: Builder, depth: number, fn: Fn): Expr {
  const m = b.m;
  const stmts: Expr[] = (b.prefixAt[depth] ?? []).map((op) => prefixStmt(b, op));
  if (depth === b.p.wrappers.length) {
    stmts.push(...trapStmts(b, fn));
    return stmts.length === 1 ? stmts[0]! : m.block(null, stmts);
  }
  const w = b.p.wrappers[depth]!;
  const label = `L${b.labels++}`;
  switch (w.kind) {
    case 'block':
      stmts.push(m.block(label, [level(b, depth + 1, fn)]));
      break;
    case 'loop': {
      // The loop runs once without trapping: the first iteration sets the counter and branches back.
      const c = fn.local(binaryen.i32);
      stmts.push(
        m.loop(
          label,
          m.block(null, [
            m.if(m.i32.eqz(m.local.get(c, binaryen.i32)), m.block(null, [m.local.set(c, m.i32.const(1)), m.br(label)])),
            level(b, depth + 1, fn),
          ]),
        ),
      );
      break;
    }
    case 'if-then':
      stmts.push(m.if(m.global.get('one', binaryen.i32), level(b, depth + 1, fn), notTaken(b, depth)));
      break;
    case 'if-else':
      stmts.push(m.if(m.i32.eqz(m.global.get('one', binaryen.i32)), notTaken(b, depth), level(b, depth + 1, fn)));
      break;
    case 'br_table-arm':
      stmts.push(brTableArm(b, depth, fn, label));
      break;
    case 'call':
    case 'call_indirect': {
      const name = `h${b.helperFns.length}`;
      b.helperFns.push(name);
      const inner = new Fn(name, 0);
      const body = level(b, depth + 1, inner);
      addFunction(b, name, inner.vars, body);
      if (w.kind === 'call') stmts.push(m.call(name, [], binaryen.none));
      else {
        const slot = 3 + b.ciSlots.length;
        b.ciSlots.push(name);
        stmts.push(m.call_indirect('t', c32(m, slot), [], binaryen.none, binaryen.none));
      }
      break;
    }
  }
  return stmts.length === 1 ? stmts[0]! : m.block(null, stmts);
}

/** A br_table over `arms` blocks whose selected arm (the default for an out-of-range index) holds the inner level. */
function brTableArm(b: Builder, depth: number, fn: Fn, label: string): Expr {
  const m = b.m;
  const w = b.p.wrappers[depth]!;
  const arms = w.arms;
  const target = Math.min(w.arm, arms); // arms == the default
  const names = Array.from({ length: arms }, (_, i) => `${label}_${i}`);
  const done = `${label}_done`;
  // selector: the target arm; the default arm (the last) is also reached by an out-of-range index.
  const sel = target >= arms - 1 ? (w.arm >= arms ? arms + w.arm : arms - 1) : target;
  m.addGlobal(`${label}_sel`, binaryen.i32, true, c32(m, sel));
  let cur = m.block(names[0]!, [m.switch(names, names[arms - 1]!, m.global.get(`${label}_sel`, binaryen.i32))]);
  const trapArm = Math.min(target, arms - 1);
  for (let i = 0; i < arms; i++) {
    const items = [cur, i === trapArm ? level(b, depth + 1, fn) : notTaken(b, depth * 8 + i)];
    if (i < arms - 1) items.push(m.br(done));
    cur = m.block(i < arms - 1 ? names[i + 1]! : done, items);
  }
  return cur;
}
