/**
 * Drawing context parameters straight from fast-check's random source, swarm style: a draw first
 * enables a random subset of the constructs, then builds a tree from the enabled ones only. It
 * replaces a tree of `fc.record` / `fc.oneof` / `fc.array` combinators that cost ~17 µs a context
 * in a tight loop and about twice that between binaryen builds: every node went through
 * fast-check's value wrappers, bias and clone checks, though shrinking (the one thing they are
 * for) is done by ./shrink.ts on the plain data.
 *
 * Size bounds: `Around` nesting ≤ `maxDepth`, `Carry` nesting ≤ 2 with ≤ 3 children, `Pure` and
 * dead-code blocks nested ≤ 2 with ≤ 4 / 6 instructions per list, `br_table` over ≤ 3 blocks,
 * loops run ≤ 3 times. A context is therefore a few hundred bytes at most and runs a bounded
 * number of instructions (loops nest ≤ 2 in carries and pure code).
 */
import type { Around, Arm, Carry, Const, Construct, DeadOp, NumType, Pure, TableShape } from './params.ts';
import { NUM_TYPES } from './params.ts';

/** What a draw needs of fast-check's `Random` (both bounds inclusive). */
export interface Rng {
  nextInt(min: number, max: number): number;
  nextBoolean(): boolean;
}

/** Nesting of carries, pure code and dead-code blocks. */
const NESTED = 2;

/** Constructs that exist as carries (after the body). */
const CARRIES: readonly Construct[] = ['locals', 'select', 'call', 'call_indirect', 'block-params', 'loop-params', 'br-values', 'br_if-values', 'br_table-values', 'return'];
/** Around nodes other than the hole and `then`, in the order a swarm offers them. */
const WRAPPERS: readonly Construct[] = ['block', 'loop', 'if', 'block-params', 'br-values', 'br_if-values', 'br_table-values', 'pre-code'];

const numType = (rng: Rng): NumType => NUM_TYPES[rng.nextInt(0, NUM_TYPES.length - 1)]!;
/** Half the time a small value (the edges of a condition), half any i32. */
const smallInt = (rng: Rng): number => (rng.nextBoolean() ? rng.nextInt(-2, 3) : rng.nextInt(-0x80000000, 0x7fffffff));
const constant = (rng: Rng): Const => ({ t: numType(rng), v: smallInt(rng) });
const opIndex = (rng: Rng): number => rng.nextInt(0, 15);
const trips = (rng: Rng): number => rng.nextInt(1, 3);

function table(rng: Rng): TableShape {
  const levels = rng.nextInt(1, 3);
  const targets = list(rng, 0, 3, () => rng.nextInt(0, levels - 1));
  const fallback = rng.nextInt(0, levels - 1);
  // in range (a target or the fallback) or any i32 (out of range: the fallback)
  const selector = rng.nextBoolean() ? rng.nextInt(0, levels) : rng.nextInt(-0x80000000, 0x7fffffff);
  return { levels, targets, fallback, selector };
}

const DEAD_LEAVES = 7;
function deadOps(rng: Rng, depth: number): DeadOp[] {
  return list(rng, 0, 6, (): DeadOp => {
    switch (rng.nextInt(0, depth > 0 ? DEAD_LEAVES : DEAD_LEAVES - 1)) {
      case 0:
        return { k: 'const', c: constant(rng) };
      case 1:
        return { k: 'binop', t: numType(rng), op: opIndex(rng) };
      case 2:
        return { k: 'unop', t: numType(rng), op: opIndex(rng) };
      case 3:
        return { k: 'drop' };
      case 4:
        return { k: (['get', 'set', 'tee'] as const)[rng.nextInt(0, 2)]!, t: numType(rng) };
      case 5:
        return { k: 'unreachable' };
      case 6:
        return { k: 'br' };
      default:
        return { k: 'block', body: deadOps(rng, depth - 1) };
    }
  });
}

function pureCode(rng: Rng, depth: number, minLength: number): Pure[] {
  return list(rng, minLength, 4, (): Pure => {
    switch (rng.nextInt(0, depth > 0 ? 5 : 2)) {
      case 0:
        return { k: 'set', c: constant(rng) };
      case 1:
        return { k: 'arith', t: numType(rng), op: opIndex(rng), a: smallInt(rng), b: smallInt(rng) };
      case 2:
        return { k: 'tee', c: constant(rng), n: rng.nextInt(1, 3) };
      case 3:
        return { k: 'block', body: pureCode(rng, depth - 1, 0) };
      case 4:
        return { k: 'loop', trips: trips(rng), body: pureCode(rng, depth - 1, 0) };
      default:
        return { k: 'if', cond: smallInt(rng), then: pureCode(rng, depth - 1, 0), else: pureCode(rng, depth - 1, 0) };
    }
  });
}

/**
 * A length in [min, max]: half the time among the short ones (min … min + log2(max − min)), half
 * the time any. fast-check's arrays and subarrays draw lengths the same way under the bias every
 * generated case is drawn with, so contexts keep the sizes they had (mean depth 2.6; 40–50 bytes of
 * code around a one-result function): bigger ones would cost every case compile time for little.
 */
function length(rng: Rng, min: number, max: number): number {
  if (max <= min) return min;
  // ⌊log2(max − min)⌋ in integer arithmetic: a draw never depends on a floating-point result
  return rng.nextBoolean() ? rng.nextInt(min, min + 31 - Math.clz32(max - min)) : rng.nextInt(min, max);
}

function list<T>(rng: Rng, min: number, max: number, item: () => T): T[] {
  const out: T[] = [];
  for (let n = length(rng, min, max); n > 0; n--) out.push(item());
  return out;
}

/** The swarm configuration: `length` of the allowed constructs, picked at random, in the order given. */
export function drawSwarm(rng: Rng, allowed: readonly Construct[]): Construct[] {
  const left = allowed.map((_, i) => i);
  const picked = new Array<boolean>(allowed.length).fill(false);
  for (let n = length(rng, 0, allowed.length); n > 0; n--) picked[left.splice(rng.nextInt(0, left.length - 1), 1)[0]!] = true;
  return allowed.filter((_, i) => picked[i]);
}

/** One swarm's tree: what its constructs allow, drawn node by node. */
export class SwarmDraw {
  private readonly deadOn: boolean;
  private readonly preOn: boolean;
  private readonly wrappers: Construct[];
  private readonly carries: Construct[];

  constructor(
    private readonly rng: Rng,
    on: ReadonlySet<Construct>,
  ) {
    this.deadOn = on.has('dead-code');
    this.preOn = on.has('pre-code');
    this.wrappers = WRAPPERS.filter((c) => on.has(c));
    this.carries = CARRIES.filter((c) => on.has(c));
  }

  private dead(): DeadOp[] {
    return this.deadOn ? deadOps(this.rng, NESTED) : [];
  }

  /** The arm of an `if` that never runs: constants of the results' types, or (dead code on) half the time dead code. */
  private otherArm(): Arm {
    if (this.deadOn && this.rng.nextBoolean()) return { k: 'dead', ops: this.dead() };
    return { k: 'junk', v: smallInt(this.rng) };
  }

  /**
   * An `Around` tree at most `depth` deep. Each wrapper has weight 3, `then` (a carry after the
   * inner tree) 3 per enabled carry kind, so each carry is about as frequent as each wrapper, and
   * the hole 1: trees usually reach a useful depth.
   */
  around(depth: number): Around {
    const carryWeight = 3 * this.carries.length;
    const total = 1 + 3 * this.wrappers.length + carryWeight;
    if (depth === 0 || total === 1) return { k: 'hole' };
    const rng = this.rng;
    const n = rng.nextInt(0, total - 1);
    if (n === 0) return { k: 'hole' };
    if (n > 3 * this.wrappers.length) return { k: 'then', inner: this.around(depth - 1), carry: this.carry(NESTED) };
    const inner = (): Around => this.around(depth - 1);
    switch (this.wrappers[Math.floor((n - 1) / 3)]) {
      case 'block':
        return { k: 'block', inner: inner() };
      case 'loop':
        return { k: 'loop', inner: inner() };
      case 'if':
        return { k: 'if', cond: smallInt(rng), inner: inner(), other: this.otherArm() };
      case 'block-params':
        return { k: 'block-params', params: list(rng, 1, 3, () => constant(rng)), inner: inner() };
      case 'br-values':
        return { k: 'br', inner: inner(), dead: this.dead() };
      case 'br_if-values':
        return { k: 'br_if', inner: inner(), cond: smallInt(rng), junk: smallInt(rng) };
      case 'br_table-values':
        return { k: 'br_table', inner: inner(), table: table(rng), dead: this.dead() };
      default:
        return { k: 'pre', code: pureCode(rng, NESTED, 1), inner: inner() };
    }
  }

  /** A carry, its nested carries at most `depth` deep; every enabled carry kind equally likely. */
  carry(depth: number): Carry {
    const rng = this.rng;
    const children = (): Carry[] => (depth > 0 ? list(rng, 0, 3, () => this.carry(depth - 1)) : []);
    switch (this.carries[rng.nextInt(0, this.carries.length - 1)]) {
      case 'locals':
        return { k: 'locals', tee: rng.nextBoolean(), between: this.preOn ? pureCode(rng, NESTED, 0) : [] };
      case 'select':
        return { k: 'select', cond: smallInt(rng), typed: rng.nextBoolean(), junk: smallInt(rng) };
      case 'call':
        return { k: 'call' };
      case 'call_indirect':
        return { k: 'call_indirect' };
      case 'block-params':
        return { k: 'block-params', inner: children() };
      case 'loop-params':
        return { k: 'loop-params', trips: trips(rng), inner: children() };
      case 'br-values':
        return { k: 'br', dead: this.dead() };
      case 'br_if-values':
        return { k: 'br_if', cond: smallInt(rng), junk: smallInt(rng) };
      case 'br_table-values':
        return { k: 'br_table', table: table(rng), dead: this.dead() };
      default:
        // a bare return makes what follows it dead code: only when dead code is on
        return { k: 'return', bare: this.deadOn && rng.nextBoolean(), dead: this.dead() };
    }
  }
}
