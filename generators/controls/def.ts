/**
 * What one control is (generators/controls.ts): a boundary case that must NOT trap, the code of
 * its `run` function and the exact value `run` returns. Each control may draw interesting
 * operands (generators/values.ts); it then says which class each emitted operand came from, so
 * the case is tagged `value:<operand>` → class and coverage can check every class shows up.
 */
import type fc from 'fast-check';
import type { Feature } from '../../src/features.ts';
import type { WasmValue } from '../../src/outcome.ts';
import { i32, i64 } from '../../src/outcome.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import type { MemoryModel } from '../state.ts';
import type { BoundaryDraw, Drawn } from '../values.ts';

export const PAGE = 65536;

/** The operands a control may draw (plain data; each control fills the ones it reads). */
export interface ControlOperands {
  /** u32 operands (values.ts `u32Operand`). */
  x?: Drawn<number>;
  y?: Drawn<number>;
  /** i64 operands as decimal strings (values.ts `i64Operand`). */
  xl?: Drawn<string>;
  yl?: Drawn<string>;
  /** A shift count (values.ts `shiftCount`). */
  count?: Drawn<number>;
  /** Float operands as raw bits (values.ts `f32Bits` / `f64Bits`). */
  f32?: Drawn<number>;
  f64?: Drawn<string>;
  /** An effective address against the last in-bounds one (values.ts `boundaryOffset`). */
  at?: BoundaryDraw;
  /** Where the memarg offset splits the effective address (0 … 2^16, scaled to it). */
  split?: number;
}

export interface ControlParams {
  /** Key into the registry (`i32.rem_s/min-by-minus-one`, `i64.trunc_sat_f32_u/nan`, …). */
  control: string;
  /** Picks a detail / sub-variant. */
  variant: number;
  a: number;
  b: number;
  pages: 1 | 2;
  ops: ControlOperands;
}

export interface Ctx {
  m: BModule;
  p: ControlParams;
  detail: string;
  memSize: number;
  model: MemoryModel;
}

export interface Built {
  expr: Expr;
  value: WasmValue;
  /** The step also checks the watched memory. */
  memory?: boolean;
  /** `value:<operand>` tag → the class of the operand emitted. */
  values?: Record<string, string>;
  /** The site, when the control picks it (one of its `sites`). */
  site?: string;
}

export interface ControlDef {
  key: string;
  site: string;
  /** Every site `build` may report, when it picks one (default: `site`). */
  sites?: readonly string[];
  features: readonly Feature[];
  details: readonly string[];
  /** Uses the passive segment `pass` (16 bytes). */
  passive?: boolean;
  /** Declared maximum pages (default: the initial size). */
  maxPages?: number;
  /** Table of [id0, id1, takes_i32, null?]: `table` slots. */
  table?: boolean;
  /** How often the control is drawn relative to the others (default 2; 3 per detail for details no other control has). */
  weight?: number;
  /** The operands it draws (default none). */
  operands?: fc.Arbitrary<ControlOperands>;
  /** `value:<operand>` tag → every class `build` can emit for it. */
  values?: Record<string, readonly string[]>;
  /** Builds the body of `run` and returns its exact expected value. */
  build(ctx: Ctx): Built;
}

export const u32 = (x: number): number => x >>> 0;
export const c32 = (m: BModule, x: number): Expr => m.i32.const(x | 0);
export const INT64_MIN = -(1n << 63n);
export const intValue = (to: 'i32' | 'i64', v: bigint): WasmValue => (to === 'i32' ? i32(Number(BigInt.asIntN(32, v))) : i64(v));
export type UnOps = Record<string, Record<string, (x: Expr) => Expr>>;
export type BinOps = Record<string, (x: Expr, y: Expr) => Expr>;

/** The operand a control drew, or a clear error naming what its arbitrary failed to draw. */
export function operand<K extends keyof ControlOperands>(p: ControlParams, name: K): NonNullable<ControlOperands[K]> {
  const v = p.ops[name];
  if (v === undefined) throw new Error(`controls: ${p.control} needs operand ${name}`);
  return v as NonNullable<ControlOperands[K]>;
}
