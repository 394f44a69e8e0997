/**
 * Encoders for the two kinds of code a context adds besides its structure: pure code (runs, but
 * touches only the context's own locals, never traps and leaves the stack as it found it) and
 * dead code (never runs; it only has to validate, against the polymorphic stack that follows
 * `unreachable`, `br` and `return`, so it may hold trapping operators).
 */
import type { Emitter } from './emitter.ts';
import type { DeadOp, NumType, Pure } from './params.ts';

interface Op {
  op: number;
  result: NumType;
}
const same = (t: NumType, ops: number[]): Op[] => ops.map((op) => ({ op, result: t }));
const toI32 = (ops: number[]): Op[] => ops.map((op) => ({ op, result: 'i32' as const }));

/** Binary operators that cannot trap (no integer division). */
const SAFE_BINOPS: Record<NumType, Op[]> = {
  i32: same('i32', [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78]),
  i64: same('i64', [0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a]),
  f32: same('f32', [0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98]),
  f64: same('f64', [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6]),
};

/** Every binary operator, comparisons and trapping divisions included (dead code never runs them). */
const ALL_BINOPS: Record<NumType, Op[]> = {
  i32: [...SAFE_BINOPS.i32, ...same('i32', [0x6d, 0x6e, 0x6f, 0x70]), ...toI32([0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f])],
  i64: [...SAFE_BINOPS.i64, ...same('i64', [0x7f, 0x80, 0x81, 0x82]), ...toI32([0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a])],
  f32: [...SAFE_BINOPS.f32, ...toI32([0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60])],
  f64: [...SAFE_BINOPS.f64, ...toI32([0x61, 0x62, 0x63, 0x64, 0x65, 0x66])],
};

/** Unary operators and conversions by operand type (trapping truncations included). */
const UNOPS: Record<NumType, Op[]> = {
  i32: [...toI32([0x45, 0x67, 0x68, 0x69]), { op: 0xac, result: 'i64' }, { op: 0xb2, result: 'f32' }, { op: 0xb8, result: 'f64' }, { op: 0xbe, result: 'f32' }],
  i64: [...toI32([0x50, 0xa7]), ...same('i64', [0x79, 0x7a, 0x7b]), { op: 0xb9, result: 'f64' }, { op: 0xbf, result: 'f64' }],
  f32: [...same('f32', [0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91]), ...toI32([0xa8, 0xbc]), { op: 0xbb, result: 'f64' }],
  f64: [...same('f64', [0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f]), { op: 0xb6, result: 'f32' }, { op: 0xb0, result: 'i64' }, { op: 0xbd, result: 'i64' }],
};

const pick = <T>(list: T[], i: number): T => list[i % list.length]!;

/** Emits pure code: every list item is stack-neutral. */
export function emitPure(e: Emitter, code: Pure[]): void {
  for (const p of code) {
    switch (p.k) {
      case 'set':
        e.const(p.c);
        e.localOp(0x21, e.scratchLocal(p.c.t));
        break;
      case 'arith':
        e.const({ t: p.t, v: p.a });
        e.const({ t: p.t, v: p.b });
        e.byte(pick(SAFE_BINOPS[p.t], p.op).op);
        e.localOp(0x21, e.scratchLocal(p.t));
        break;
      case 'tee':
        e.const(p.c);
        for (let i = 0; i < p.n; i++) e.localOp(0x22, e.scratchLocal(p.c.t, i % 2));
        e.byte(0x1a);
        break;
      case 'block':
        e.emit(0x02, 0x40);
        emitPure(e, p.body);
        e.byte(0x0b);
        break;
      case 'loop': {
        const counter = e.local(0x7f);
        e.i32(p.trips);
        e.localOp(0x21, counter);
        e.emit(0x03, 0x40);
        emitPure(e, p.body);
        e.backEdge(counter);
        e.byte(0x0b);
        break;
      }
      case 'if':
        e.i32(p.cond);
        e.emit(0x04, 0x40);
        emitPure(e, p.then);
        e.byte(0x05);
        emitPure(e, p.else);
        e.byte(0x0b);
        break;
    }
  }
}

/**
 * Emits dead code. `stack` models the values pushed since control became unreachable (below them
 * the stack is polymorphic: any pop of a missing value validates); an operator whose operands do
 * not match the known values first drops them. The code ends with the known values dropped, so any
 * `end` (whatever its label's results) validates after it.
 */
export function emitDead(e: Emitter, ops: DeadOp[]): void {
  const stack: NumType[] = [];
  const drop = (): void => {
    stack.pop();
    e.byte(0x1a);
  };
  /** Makes the top `n` known values (as many as are known) all of type t, then pops them. */
  const take = (t: NumType, n: number): void => {
    while (stack.length > 0 && stack.slice(-n).some((x) => x !== t)) drop();
    stack.length = Math.max(0, stack.length - n);
  };
  for (const d of ops) {
    switch (d.k) {
      case 'const':
        e.const(d.c);
        stack.push(d.c.t);
        break;
      case 'binop':
      case 'unop': {
        const op = pick((d.k === 'binop' ? ALL_BINOPS : UNOPS)[d.t], d.op);
        take(d.t, d.k === 'binop' ? 2 : 1);
        e.byte(op.op);
        stack.push(op.result);
        break;
      }
      case 'drop':
        drop();
        break;
      case 'get':
        e.localOp(0x20, e.scratchLocal(d.t));
        stack.push(d.t);
        break;
      case 'set':
      case 'tee':
        take(d.t, 1);
        e.localOp(d.k === 'set' ? 0x21 : 0x22, e.scratchLocal(d.t));
        if (d.k === 'tee') stack.push(d.t);
        break;
      case 'unreachable':
        e.byte(0x00);
        stack.length = 0;
        break;
      case 'br':
        // the label's values come from the polymorphic part: known ones would have to match them
        while (stack.length > 0) drop();
        e.emit(0x0c, 0x00);
        break;
      case 'block':
        // `unreachable` first: a block's inside starts reachable, and its body is dead code too
        e.emit(0x02, 0x40, 0x00);
        emitDead(e, d.body);
        e.byte(0x0b);
        break;
    }
  }
  while (stack.length > 0) drop();
}
