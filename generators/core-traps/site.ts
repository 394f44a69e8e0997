/**
 * What a trap site is: the trapping instruction, its trap kind, its details (address mode,
 * operand class …) and a builder that emits it into the module under construction. Site
 * definitions live in ./sites-*.ts; ./sites.ts lists them.
 */
import type { Feature } from '../../src/features.ts';
import type { TrapKind } from '../../src/outcome.ts';
import type { BModule, BytePatch, Expr } from '../../src/wasm/builder.ts';
import type { MemoryModel } from '../state.ts';
import type { CoreTrapParams } from './params.ts';

export const PAGE = 65536;

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'none' | 'unreachable';

export interface SiteResult {
  expr: Expr;
  type: ValType;
  /** Statements that run right before the trapping one (e.g. `data.drop`). */
  pre?: Expr[];
}

/** What a site's builder can use: the module, the layout, the memory model. */
export interface SiteCtx {
  m: BModule;
  memSize: number;
  tableSize: number;
  model: MemoryModel;
  patches: BytePatch[];
  helpers: Set<string>;
  /** The detail picked for this case (`drawn`: the operands come from `p.ops`). */
  detail: string;
  p: CoreTrapParams;
  /** Coverage tags the site adds: `value:<operand>` → the class of the value it emitted. */
  values: Record<string, string>;
}

/** Groups the site draw weighs (./arbitrary.ts): one concept of trap site each. */
export type SiteGroup =
  | 'unreachable'
  | 'div-zero'
  | 'div-overflow'
  | 'trunc-nan'
  | 'trunc-range'
  | 'load'
  | 'store'
  | 'bulk-memory'
  | 'table-access'
  | 'table-bulk'
  | 'call_indirect'
  | 'recursion'
  | 'atomic'
  | 'wait'
  | 'segment';

export interface SiteDef {
  key: string;
  /** The instruction tag (`i32.div_s`, `memory.fill`, `call_indirect`, …). */
  site: string;
  group: SiteGroup;
  trap: TrapKind;
  features: readonly Feature[];
  /** Details the variant picks from; `drawn` (if listed) is picked instead when `p.drawn`. */
  details: readonly string[];
  /** Memory pages this detail needs (default: params.pages). */
  pages?(detail: string, p: CoreTrapParams): number;
  /** Whether the passive segment `pass` must exist. */
  passive?: boolean;
  /** Segment sites: trap at instantiation from an active segment; the module builder adds the segment. */
  segment?: boolean;
  build(ctx: SiteCtx): SiteResult;
}

export const DRAWN = 'drawn';

/**
 * In how many of six cases a site with a `drawn` detail picks it (`p.drawn` is 0..5): loads,
 * stores and table indices have the most operand classes to cover and few fixed details.
 */
const DRAWN_SHARE: Partial<Record<SiteGroup, number>> = { load: 4, store: 4, 'table-access': 5, call_indirect: 5 };

/** The detail of `site` for params `p`. */
export function detailOf(site: SiteDef, p: CoreTrapParams): string {
  const fixed = site.details.filter((d) => d !== DRAWN);
  if (fixed.length < site.details.length && p.drawn < (DRAWN_SHARE[site.group] ?? 3)) return DRAWN;
  return fixed[p.variant % fixed.length]!;
}

export const u32 = (x: number): number => x >>> 0;
export const c32 = (m: BModule, x: number): Expr => m.i32.const(x | 0);

/** A value whose bytes all differ from the end-of-memory pattern (0xa0..0xa7) and from zero. */
export function storeBits(p: CoreTrapParams): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v |= BigInt(0x40 | ((p.b >>> (i * 3)) & 0x3f)) << BigInt(8 * i);
  return v;
}
