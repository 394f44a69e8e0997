/**
 * Opcode tables of the numeric instructions mutations emit, by operand and result type: the ones
 * that can never trap (pure code that runs) and the ones that can (dead code, which never runs and
 * only has to validate). Only MVP opcodes: a mutation must not make a case need a feature it did
 * not declare (sign-extension operators, saturating truncations and SIMD stay out).
 */
import { sleb } from '../wasm/leb.ts';

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export const NUM_TYPES: readonly NumType[] = ['i32', 'i64', 'f32', 'f64'];
export const TYPE_CODE: Record<NumType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
const BY_CODE: Record<number, NumType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** The numeric type of a value type code, undefined for v128 and references. */
export function numTypeOf(code: number): NumType | undefined {
  return BY_CODE[code];
}

export interface NumOp {
  op: number;
  /** Operand types (one for unary, two alike for binary). */
  from: NumType[];
  to: NumType;
}

const un = (from: NumType, to: NumType, ops: number[]): NumOp[] => ops.map((op) => ({ op, from: [from], to }));
const bin = (t: NumType, to: NumType, ops: number[]): NumOp[] => ops.map((op) => ({ op, from: [t, t], to }));
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Operators that cannot trap: arithmetic without division, comparisons, non-trapping conversions. */
export const SAFE_OPS: readonly NumOp[] = [
  ...un('i32', 'i32', [0x45, 0x67, 0x68, 0x69]),
  ...bin('i32', 'i32', [...range(0x46, 0x4f), 0x6a, 0x6b, 0x6c, ...range(0x71, 0x78)]),
  ...un('i64', 'i32', [0x50, 0xa7]),
  ...bin('i64', 'i32', range(0x51, 0x5a)),
  ...un('i64', 'i64', [0x79, 0x7a, 0x7b]),
  ...bin('i64', 'i64', [0x7c, 0x7d, 0x7e, ...range(0x83, 0x8a)]),
  ...bin('f32', 'i32', range(0x5b, 0x60)),
  ...bin('f64', 'i32', range(0x61, 0x66)),
  ...un('f32', 'f32', range(0x8b, 0x91)),
  ...bin('f32', 'f32', range(0x92, 0x98)),
  ...un('f64', 'f64', range(0x99, 0x9f)),
  ...bin('f64', 'f64', range(0xa0, 0xa6)),
  ...un('i32', 'i64', [0xac, 0xad]),
  ...un('i32', 'f32', [0xb2, 0xb3, 0xbe]),
  ...un('i64', 'f32', [0xb4, 0xb5]),
  ...un('f64', 'f32', [0xb6]),
  ...un('i32', 'f64', [0xb7, 0xb8]),
  ...un('i64', 'f64', [0xb9, 0xba, 0xbf]),
  ...un('f32', 'f64', [0xbb]),
  ...un('f32', 'i32', [0xbc]),
  ...un('f64', 'i64', [0xbd]),
];

/** Operators that can trap: integer division and remainder, float → integer truncation. */
export const TRAPPING_OPS: readonly NumOp[] = [
  ...bin('i32', 'i32', range(0x6d, 0x70)),
  ...bin('i64', 'i64', range(0x7f, 0x82)),
  ...un('f32', 'i32', [0xa8, 0xa9]),
  ...un('f64', 'i32', [0xaa, 0xab]),
  ...un('f32', 'i64', [0xae, 0xaf]),
  ...un('f64', 'i64', [0xb0, 0xb1]),
];

/** Safe operators by opcode: what pure-subexpression outlining may move. */
export const SAFE_BY_OPCODE: ReadonlyMap<number, NumOp> = new Map(SAFE_OPS.map((o) => [o.op, o]));

/** Every operator producing type `t` (safe only, or trapping ones too). */
export function opsProducing(t: NumType, trapping: boolean): NumOp[] {
  return (trapping ? [...SAFE_OPS, ...TRAPPING_OPS] : SAFE_OPS).filter((o) => o.to === t);
}

/** A constant of type `t` derived from `v` (an integer drawn by fast-check). */
export function constOf(t: NumType, v: number): number[] {
  switch (t) {
    case 'i32':
      return [0x41, ...sleb(v | 0)];
    case 'i64':
      return [0x42, ...sleb(BigInt(Math.trunc(v)) * 0x10001n)];
    case 'f32': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v / 8, true);
      return [0x43, ...b];
    }
    case 'f64': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v / 8, true);
      return [0x44, ...b];
    }
  }
}

/** The opcode of `t.const`: where a pure subexpression can start. */
export const CONST_OPCODE: Record<number, NumType> = { 0x41: 'i32', 0x42: 'i64', 0x43: 'f32', 0x44: 'f64' };
