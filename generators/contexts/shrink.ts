/**
 * Shrinking context parameters (what fast-check asks of ./arbitrary.ts when a case fails): every
 * candidate is a strictly smaller valid context, the largest cuts first, produced lazily and in a
 * fixed order, so a shrink path (`i:a:b:…`) replays to the same context.
 *
 * Smaller means: fewer constructs in the swarm, a node replaced by the hole or by what it wraps,
 * fewer items in a list, nested carries replaced by one of their children, numbers nearer 0,
 * flags off, `escape` back to `function`. Every candidate is a context the draw could have made
 * under the candidate's swarm (the swarm always holds the constructs the tree uses), so it stays
 * transparent.
 */
import { constructsOf } from './tags.ts';
import type { Around, Arm, Carry, Const, ContextParams, DeadOp, Pure, TableShape } from './params.ts';

type Shrinks<T> = Generator<T, void, undefined>;

const HOLE: Around = { k: 'hole' };

/** 0, then ±1, for a value further from 0. */
function* shrinkInt(v: number): Shrinks<number> {
  if (v !== 0) yield 0;
  if (v > 1) yield 1;
  else if (v < -1) yield -1;
}

/** Fewer items (all of them beyond `min`, then each one), then each item shrunk in place. */
function* shrinkList<T>(items: readonly T[], item: (x: T) => Shrinks<T>, min = 0): Shrinks<T[]> {
  if (items.length > min && min < items.length - 1) yield items.slice(0, min);
  if (items.length > min) for (let i = 0; i < items.length; i++) yield [...items.slice(0, i), ...items.slice(i + 1)];
  for (let i = 0; i < items.length; i++) for (const x of item(items[i]!)) yield [...items.slice(0, i), x, ...items.slice(i + 1)];
}

function* shrinkConst(c: Const): Shrinks<Const> {
  if (c.t !== 'i32') yield { t: 'i32', v: c.v };
  for (const v of shrinkInt(c.v)) yield { t: c.t, v };
}

function* shrinkTable(t: TableShape): Shrinks<TableShape> {
  if (t.levels > 1) yield { levels: 1, targets: t.targets.map(() => 0), fallback: 0, selector: t.selector };
  for (const targets of shrinkList(t.targets, shrinkInt)) yield { ...t, targets };
  for (const fallback of shrinkInt(t.fallback)) yield { ...t, fallback };
  for (const selector of shrinkInt(t.selector)) yield { ...t, selector };
}

function* shrinkPure(p: Pure): Shrinks<Pure> {
  switch (p.k) {
    case 'set':
      for (const c of shrinkConst(p.c)) yield { k: 'set', c };
      return;
    case 'arith':
      if (p.op !== 0) yield { ...p, op: 0 };
      for (const a of shrinkInt(p.a)) yield { ...p, a };
      for (const b of shrinkInt(p.b)) yield { ...p, b };
      return;
    case 'tee':
      if (p.n > 1) yield { ...p, n: 1 };
      for (const c of shrinkConst(p.c)) yield { ...p, c };
      return;
    case 'block':
      for (const body of shrinkPureList(p.body)) yield { k: 'block', body };
      return;
    case 'loop':
      if (p.trips > 1) yield { ...p, trips: 1 };
      for (const body of shrinkPureList(p.body)) yield { ...p, body };
      return;
    case 'if':
      for (const cond of shrinkInt(p.cond)) yield { ...p, cond };
      for (const then of shrinkPureList(p.then)) yield { ...p, then };
      for (const e of shrinkPureList(p.else)) yield { ...p, else: e };
      return;
  }
}
const shrinkPureList = (code: readonly Pure[], min = 0): Shrinks<Pure[]> => shrinkList(code, shrinkPure, min);

function* shrinkDead(d: DeadOp): Shrinks<DeadOp> {
  switch (d.k) {
    case 'const':
      for (const c of shrinkConst(d.c)) yield { k: 'const', c };
      return;
    case 'binop':
    case 'unop':
      if (d.op !== 0) yield { ...d, op: 0 };
      return;
    case 'block':
      for (const body of shrinkDeadList(d.body)) yield { k: 'block', body };
      return;
    default:
      return;
  }
}
const shrinkDeadList = (ops: readonly DeadOp[]): Shrinks<DeadOp[]> => shrinkList(ops, shrinkDead);

function* shrinkArm(a: Arm): Shrinks<Arm> {
  if (a.k === 'dead') {
    yield { k: 'junk', v: 0 };
    for (const ops of shrinkDeadList(a.ops)) yield { k: 'dead', ops };
  } else for (const v of shrinkInt(a.v)) yield { k: 'junk', v };
}

/** A `br_if`'s fields, around or carry alike: its condition, then the constants after it. */
function* shrinkBrIf<T extends { cond: number; junk: number }>(x: T): Shrinks<T> {
  for (const cond of shrinkInt(x.cond)) yield { ...x, cond };
  for (const junk of shrinkInt(x.junk)) yield { ...x, junk };
}

/** A `br_table`'s fields, around or carry alike: its shape, then the dead code after it. */
function* shrinkBrTable<T extends { table: TableShape; dead: DeadOp[] }>(x: T): Shrinks<T> {
  for (const table of shrinkTable(x.table)) yield { ...x, table };
  for (const dead of shrinkDeadList(x.dead)) yield { ...x, dead };
}

function* shrinkCarry(c: Carry): Shrinks<Carry> {
  switch (c.k) {
    case 'locals':
      if (c.tee) yield { ...c, tee: false };
      for (const between of shrinkPureList(c.between)) yield { ...c, between };
      return;
    case 'select':
      if (c.typed) yield { ...c, typed: false };
      for (const cond of shrinkInt(c.cond)) yield { ...c, cond };
      for (const junk of shrinkInt(c.junk)) yield { ...c, junk };
      return;
    case 'block-params':
    case 'loop-params':
      // a nested carry on its own is one level less
      yield* c.inner;
      if (c.k === 'loop-params' && c.trips > 1) yield { ...c, trips: 1 };
      for (const inner of shrinkList(c.inner, shrinkCarry)) yield { ...c, inner };
      return;
    case 'br':
      for (const dead of shrinkDeadList(c.dead)) yield { k: 'br', dead };
      return;
    case 'br_if':
      return yield* shrinkBrIf(c);
    case 'br_table':
      return yield* shrinkBrTable(c);
    case 'return':
      if (c.bare) yield { ...c, bare: false };
      for (const dead of shrinkDeadList(c.dead)) yield { ...c, dead };
      return;
    default:
      return;
  }
}

/** The node's own fields, its inner tree left as it is. */
function* shrinkFields(a: Exclude<Around, { k: 'hole' }>): Shrinks<Around> {
  switch (a.k) {
    case 'if':
      for (const other of shrinkArm(a.other)) yield { ...a, other };
      for (const cond of shrinkInt(a.cond)) yield { ...a, cond };
      return;
    case 'block-params':
      for (const params of shrinkList(a.params, shrinkConst, 1)) yield { ...a, params };
      return;
    case 'br':
      for (const dead of shrinkDeadList(a.dead)) yield { ...a, dead };
      return;
    case 'br_if':
      return yield* shrinkBrIf(a);
    case 'br_table':
      return yield* shrinkBrTable(a);
    case 'pre':
      for (const code of shrinkPureList(a.code, 1)) yield { ...a, code };
      return;
    case 'then':
      for (const carry of shrinkCarry(a.carry)) yield { ...a, carry };
      return;
    default:
      return;
  }
}

function* shrinkAround(a: Around): Shrinks<Around> {
  if (a.k === 'hole') return;
  yield HOLE;
  if (a.inner.k !== 'hole') yield a.inner;
  yield* shrinkFields(a);
  for (const inner of shrinkAround(a.inner)) yield { ...a, inner };
}

/** Every smaller context than `p`, the largest cuts first. */
export function* shrinkContext(p: ContextParams): Shrinks<ContextParams> {
  const used = constructsOf(p);
  if (used.length < p.swarm.length) yield { ...p, swarm: used };
  if (p.escape === 'body') yield { ...p, escape: 'function' };
  for (const root of shrinkAround(p.root)) yield { ...p, root };
}
