/**
 * core-traps parameters: plain data (JSON-safe, shrinkable), drawn by ./arbitrary.ts and turned
 * into a case by ./module.ts. Everything a build reads comes from here.
 */
import type { ContextParams } from '../contexts/index.ts';
import type { BoundaryDraw, Drawn } from '../values.ts';

export const WRAPPER_KINDS = ['block', 'loop', 'if-then', 'if-else', 'br_table-arm', 'call', 'call_indirect'] as const;
export type WrapperKind = (typeof WRAPPER_KINDS)[number];
export interface Wrapper {
  kind: WrapperKind;
  /** br_table: number of arms (2..4) and the arm that holds the trap (`arm >= arms`: the default). */
  arms: number;
  arm: number;
}

export type PrefixOp =
  | { op: 'mem'; at: number; width: 1 | 2 | 4 | 8; value: number; level: number }
  | { op: 'global'; g: 0 | 1; value: number; level: number }
  | { op: 'table'; slot: 0 | 1; fn: 0 | 1 | 2; level: number }
  /** `g0 = memory.grow(delta)`: the memory's maximum is its initial size, so any delta > 0 fails (−1). */
  | { op: 'grow'; delta: Drawn<number>; level: number };

export const USES = ['drop', 'select', 'local', 'stmt'] as const;
export type Use = (typeof USES)[number];

/**
 * Interesting operands (generators/values.ts) a site may use. Sites whose `drawn` detail is
 * picked take their operands from here; the rest ignore them.
 */
export interface Operands {
  /** i32 dividends. */
  u32: Drawn<number>;
  /** i64 dividends (decimal string). */
  i64: Drawn<string>;
  /** Shift / rotate counts that compute an address or a divisor. */
  shift32: Drawn<number>;
  shift64: Drawn<number>;
  /** Truncation inputs (raw bits; f64 as a decimal string). */
  f32: Drawn<number>;
  f64: Drawn<string>;
  /** Around the relevant bound: address / destination / table index, source, length. */
  at: BoundaryDraw;
  src: BoundaryDraw;
  len: BoundaryDraw;
  /** A load / store's static offset immediate. */
  offset: Drawn<number>;
  /** Whether the address is computed by a rotate (`rotl(rotr(addr, k), k)`) instead of a constant. */
  viaShift: boolean;
}

export interface CoreTrapParams {
  /** Key into the site registry: the trapping instruction and its class (`i32.div_s/zero`, `i64.load16_u`, …). */
  site: string;
  /** Picks the site's detail (address mode, operand class …) and small sub-variants. */
  variant: number;
  /** 0..5: sites with a `drawn` detail use it (operands from `ops`) when this is below their share (./site.ts). */
  drawn: number;
  /** Free u32 operands (addresses, NaN payloads, stored values). */
  a: number;
  b: number;
  ops: Operands;
  /** `start`: the trap runs in the start function, so instantiation traps. */
  stage: 'run' | 'start';
  /** Outermost first. */
  wrappers: Wrapper[];
  /** How the trapping value is consumed (forced to `stmt` for sites without a value). */
  use: Use;
  pages: 1 | 2;
  prefix: PrefixOp[];
  /** Initial values of the exported globals g0 (i32) and g1 (i64, from two u32 halves). */
  g0: number;
  g1: number;
  /** Constant the probe folds the state into. */
  salt: number;
  /** The transparent context the site's function runs in (NO_CONTEXT: the plain form). */
  context: ContextParams;
}
