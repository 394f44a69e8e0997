/**
 * core-traps: every trap kind V8 (Node 20) can raise, each at a random depth inside blocks,
 * loops, if/else arms, br_table arms, direct and indirect calls, after a tracked prefix of
 * memory stores, global sets and table sets; or in the start function / an active segment,
 * where instantiation itself must trap.
 *
 * Ordinary case: `instantiate` → return; `invoke run` → the trap, with the tracked memory
 * (including the bytes a trapping store or bulk op targets: a trap writes nothing) and the
 * exported globals; `invoke probe` → a value computed from that state, proving the instance
 * is still usable. The trapping value is dropped, fed to a `select`, or stored to a local:
 * optimisers like to delete dead results, and a dead trapping load must still trap
 * (bug-catalog #1).
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { TrapKind } from '../src/outcome.ts';
import { i32, i64 } from '../src/outcome.ts';
import type { BModule, BType, BytePatch, Expr } from '../src/wasm/builder.ts';
import { binaryen, binaryenType, buildModule, floatBits, funcHeapType, i32ConstBytes, i64c } from '../src/wasm/builder.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { MemoryModel, mix } from './state.ts';
import type { TruncOp } from './trunc-ops.ts';
import { TRUNC_OPS } from './trunc-ops.ts';

const NAME = 'core-traps';
const PAGE = 65536;

// ---------------------------------------------------------------------------------------------
// Parameters

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
  | { op: 'table'; slot: 0 | 1; fn: 0 | 1 | 2; level: number };

export const USES = ['drop', 'select', 'local', 'stmt'] as const;
export type Use = (typeof USES)[number];

export interface CoreTrapParams {
  /** Key into SITES: the trapping instruction and its class (`i32.div_s/zero`, `i64.load16_u`, …). */
  site: string;
  /** Picks the site's detail (address mode, operand class …) and small sub-variants. */
  variant: number;
  /** Free u32 operands (dividends, addresses, NaN payloads, stored values). */
  a: number;
  b: number;
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
}

// ---------------------------------------------------------------------------------------------
// Module layout shared by all sites

/** Table slots: 0 = id0 (()->i32), 1 = takes_i32 ((i32)->i32), 2 = null, then call_indirect helpers, then 2 prefix slots. */
const ID_VALUES = [0x1d0, 0x1d1, 0x1d2];
const PATTERN = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7];
const BAD = 0x0bad0000;

type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'none' | 'unreachable';

interface SiteResult {
  expr: Expr;
  type: ValType;
  /** Statements that run right before the trapping one (e.g. `data.drop`). */
  pre?: Expr[];
}

/** What a site's builder can use: the module, the layout, the memory model. */
interface Ctx {
  m: BModule;
  memSize: number;
  tableSize: number;
  model: MemoryModel;
  patches: BytePatch[];
  helpers: Set<string>;
  /** Distinguishes byte-patch placeholders of one module. */
  detail: string;
  p: CoreTrapParams;
}

interface SiteDef {
  key: string;
  /** The instruction tag (`i32.div_s`, `memory.fill`, `call_indirect`, …). */
  site: string;
  trap: TrapKind;
  features: readonly Feature[];
  details: readonly string[];
  /** Memory pages this detail needs (default: params.pages). */
  pages?(detail: string, p: CoreTrapParams): number;
  /** Whether the passive segment `pass` must exist. */
  passive?: boolean;
  /** Segment sites: trap at instantiation from an active segment; `build` adds the segment. */
  segment?: boolean;
  build(ctx: Ctx): SiteResult;
}

const u32 = (x: number): number => x >>> 0;
const c32 = (m: BModule, x: number): Expr => m.i32.const(x | 0);

// ---------------------------------------------------------------------------------------------
// Sites

const SITES: SiteDef[] = [];
const add = (s: SiteDef): void => {
  SITES.push(s);
};

add({
  key: 'unreachable',
  site: 'unreachable',
  trap: 'unreachable',
  features: [],
  details: ['unreachable'],
  build: ({ m }) => ({ expr: m.unreachable(), type: 'unreachable' }),
});

// Integer division.
for (const t of ['i32', 'i64'] as const) {
  for (const op of ['div_s', 'div_u', 'rem_s', 'rem_u'] as const) {
    add({
      key: `${t}.${op}/zero`,
      site: `${t}.${op}`,
      trap: 'integer divide by zero',
      features: [],
      details: ['const-zero', 'local-zero'],
      build: ({ m, p, detail }) => {
        const dividend = t === 'i32' ? c32(m, p.variant & 8 ? 0x80000000 : p.a) : i64c(m, p.variant & 8 ? -(1n << 63n) : (BigInt(p.a) << 32n) | BigInt(p.b));
        const zero = t === 'i32' ? m.i32.const(0) : i64c(m, 0n);
        return { expr: m[t][op](dividend, detail === 'local-zero' ? localOf(m, t, zero) : zero), type: t };
      },
    });
  }
  add({
    key: `${t}.div_s/overflow`,
    site: `${t}.div_s`,
    trap: 'integer overflow',
    features: [],
    details: ['min-by-minus-one'],
    build: ({ m }) =>
      t === 'i32'
        ? { expr: m.i32.div_s(c32(m, 0x80000000), m.i32.const(-1)), type: t }
        : { expr: m.i64.div_s(i64c(m, -(1n << 63n)), i64c(m, -1n)), type: t },
  });
}

/** `local.tee` of a fresh block-scoped value: hides the constant from trivial folding. */
function localOf(m: BModule, _t: 'i32' | 'i64', value: Expr): Expr {
  // A mutable global would need tracking; a block with a nop keeps it simple and still non-literal.
  return m.block(null, [m.nop(), value], _t === 'i32' ? binaryen.i32 : binaryen.i64);
}

// Float → int truncation (non-saturating).

const F32_MAX = 3.4028234663852886e38;
/** Just outside the range, per op: the first value whose truncation does not fit. */
function truncOutOfRange(op: TruncOp, side: 'above' | 'below'): number {
  const bits = op.to === 'i32' ? 32 : 64;
  if (side === 'above') return op.signed ? 2 ** (bits - 1) : 2 ** bits;
  if (!op.signed) return -1;
  // The next representable value below -2^(bits-1).
  // (f64 → i32 has sub-integer precision there: -2^31 - 0.5 still truncates into range, so step by 1.)
  const ulp = 2 ** (bits - 1 - (op.from === 'f32' ? 23 : 52));
  return -(2 ** (bits - 1)) - Math.max(ulp, 1);
}

for (const op of TRUNC_OPS) {
  const unop = (m: BModule, x: Expr): Expr =>
    (m[op.to] as unknown as Record<string, Record<string, (x: Expr) => Expr>>)[op.signed ? 'trunc_s' : 'trunc_u']![op.from]!(x);
  add({
    key: `${op.name}/nan`,
    site: op.name,
    trap: 'invalid conversion to integer',
    features: [],
    details: ['nan', '-nan', 'nan-payload'],
    build: ({ m, p, detail }) => {
      let bits: bigint;
      if (op.from === 'f32') {
        const payload = BigInt(p.a & 0x7fffff || 1);
        bits = detail === 'nan' ? 0x7fc00000n : detail === '-nan' ? 0xffc00000n : 0x7f800000n | payload | (p.b & 1 ? 0x80000000n : 0n);
      } else {
        const payload = ((BigInt(p.a & 0xfffff) << 32n) | BigInt(u32(p.b))) || 1n;
        bits =
          detail === 'nan'
            ? 0x7ff8000000000000n
            : detail === '-nan'
              ? 0xfff8000000000000n
              : 0x7ff0000000000000n | payload | (p.variant & 8 ? 0x8000000000000000n : 0n);
      }
      return { expr: unop(m, floatBits(m, op.from, bits)), type: op.to };
    },
  });
  for (const side of ['above', 'below'] as const) {
    add({
      key: `${op.name}/${side}`,
      site: op.name,
      trap: 'integer overflow',
      features: [],
      details: side === 'above' ? ['just-above', 'inf', 'far-above'] : ['just-below', '-inf', 'far-below'],
      build: ({ m, detail }) => {
        const far = op.from === 'f32' ? F32_MAX : 1e300;
        const x =
          detail === 'just-above' || detail === 'just-below'
            ? truncOutOfRange(op, side)
            : detail === 'inf'
              ? Infinity
              : detail === '-inf'
                ? -Infinity
                : side === 'above'
                  ? far
                  : -far;
        return { expr: unop(m, op.from === 'f32' ? m.f32.const(x) : m.f64.const(x)), type: op.to };
      },
    });
  }
}

// Loads and stores out of bounds.
interface MemOp {
  name: string;
  type: 'i32' | 'i64' | 'f32' | 'f64';
  width: 1 | 2 | 4 | 8;
  fn: string;
}
const LOADS: MemOp[] = [
  { name: 'i32.load', type: 'i32', width: 4, fn: 'load' },
  { name: 'i32.load8_s', type: 'i32', width: 1, fn: 'load8_s' },
  { name: 'i32.load8_u', type: 'i32', width: 1, fn: 'load8_u' },
  { name: 'i32.load16_s', type: 'i32', width: 2, fn: 'load16_s' },
  { name: 'i32.load16_u', type: 'i32', width: 2, fn: 'load16_u' },
  { name: 'i64.load', type: 'i64', width: 8, fn: 'load' },
  { name: 'i64.load8_s', type: 'i64', width: 1, fn: 'load8_s' },
  { name: 'i64.load8_u', type: 'i64', width: 1, fn: 'load8_u' },
  { name: 'i64.load16_s', type: 'i64', width: 2, fn: 'load16_s' },
  { name: 'i64.load16_u', type: 'i64', width: 2, fn: 'load16_u' },
  { name: 'i64.load32_s', type: 'i64', width: 4, fn: 'load32_s' },
  { name: 'i64.load32_u', type: 'i64', width: 4, fn: 'load32_u' },
  { name: 'f32.load', type: 'f32', width: 4, fn: 'load' },
  { name: 'f64.load', type: 'f64', width: 8, fn: 'load' },
];
const STORES: MemOp[] = [
  { name: 'i32.store', type: 'i32', width: 4, fn: 'store' },
  { name: 'i32.store8', type: 'i32', width: 1, fn: 'store8' },
  { name: 'i32.store16', type: 'i32', width: 2, fn: 'store16' },
  { name: 'i64.store', type: 'i64', width: 8, fn: 'store' },
  { name: 'i64.store8', type: 'i64', width: 1, fn: 'store8' },
  { name: 'i64.store16', type: 'i64', width: 2, fn: 'store16' },
  { name: 'i64.store32', type: 'i64', width: 4, fn: 'store32' },
  { name: 'f32.store', type: 'f32', width: 4, fn: 'store' },
  { name: 'f64.store', type: 'f64', width: 8, fn: 'store' },
];
const ADDR_MODES = ['past-end', 'straddle', 'offset-wrap', 'zero-page'] as const;

/** Effective address split into (pointer operand, static offset) for an OOB access of `width`. */
function oobAddress(detail: string, memSize: number, width: number, p: CoreTrapParams): { ptr: number; offset: number; ea: number } {
  switch (detail) {
    case 'straddle': {
      // Partly in bounds: starts 1..width-1 bytes before the end. Width 1 cannot straddle: exactly at the end.
      const j = width === 1 ? 0 : 1 + (p.a % (width - 1));
      const ea = memSize - j;
      const offset = p.variant & 8 ? Math.min(ea, p.b % 4096) : 0;
      return { ptr: ea - offset, offset, ea };
    }
    case 'offset-wrap': {
      // pointer near 2^32 plus a static offset: the 33-bit effective address must not wrap (bug-catalog #3).
      const ptr = u32(0xffffffff - (p.a % 256));
      const offset = 0x100 + (p.b % 0x10000);
      return { ptr, offset, ea: ptr + offset };
    }
    case 'zero-page': {
      const ea = p.a % 8;
      return { ptr: ea, offset: 0, ea };
    }
    default: {
      const ea = memSize + (p.a % 64);
      const offset = p.variant & 8 ? Math.min(ea, p.b % 128) : 0;
      return { ptr: ea - offset, offset, ea };
    }
  }
}

const memPages = (detail: string, p: CoreTrapParams): number => (detail === 'zero-page' ? 0 : p.pages);

/** A value whose bytes all differ from the end-of-memory pattern (0xa0..0xa7) and from zero. */
function storeBits(p: CoreTrapParams): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v |= BigInt(0x40 | ((p.b >>> (i * 3)) & 0x3f)) << BigInt(8 * i);
  return v;
}

for (const op of LOADS) {
  add({
    key: op.name,
    site: op.name,
    trap: 'out of bounds memory access',
    features: [],
    details: ADDR_MODES,
    pages: memPages,
    build: ({ m, p, memSize, detail }) => {
      const { ptr, offset } = oobAddress(detail, memSize, op.width, p);
      const align = p.variant & 16 ? 1 : op.width;
      const load = (m[op.type] as unknown as Record<string, (o: number, a: number, ptr: Expr) => Expr>)[op.fn]!;
      return { expr: load(offset, align, c32(m, ptr)), type: op.type };
    },
  });
}
for (const op of STORES) {
  add({
    key: op.name,
    site: op.name,
    trap: 'out of bounds memory access',
    features: [],
    details: ADDR_MODES,
    pages: memPages,
    build: ({ m, p, memSize, detail, model }) => {
      const { ptr, offset, ea } = oobAddress(detail, memSize, op.width, p);
      if (ea < memSize) model.watch(ea, op.width); // the in-bounds part must stay unchanged
      const align = p.variant & 16 ? 1 : op.width;
      const bits = storeBits(p);
      const value =
        op.type === 'i32'
          ? c32(m, Number(bits & 0xffffffffn))
          : op.type === 'i64'
            ? i64c(m, bits)
            : floatBits(m, op.type, op.type === 'f32' ? bits & 0xffffffffn : bits);
      const store = (m[op.type] as unknown as Record<string, (o: number, a: number, ptr: Expr, v: Expr) => Expr>)[op.fn]!;
      return { expr: store(offset, align, c32(m, ptr), value), type: 'none' };
    },
  });
}

// Bulk memory.
add({
  key: 'memory.fill',
  site: 'memory.fill',
  trap: 'out of bounds memory access',
  features: ['bulk-memory'],
  details: ['straddle', 'past-end', 'len0-past-end', 'huge-len'],
  build: ({ m, p, memSize, detail, model }) => {
    let dest: number;
    let len: number;
    if (detail === 'straddle') {
      const j = 1 + (p.a % 8);
      dest = memSize - j;
      len = j + 1 + (p.b % 64);
    } else if (detail === 'past-end') {
      dest = memSize + (p.a % 16);
      len = 1 + (p.b % 16);
    } else if (detail === 'len0-past-end') {
      dest = memSize + 1 + (p.a % 16);
      len = 0;
    } else {
      dest = 256 + (p.a % 256);
      len = u32(0xffffffff - (p.b % 256));
    }
    model.watch(dest, 16);
    return { expr: m.memory.fill(c32(m, dest), c32(m, 0x40 | (p.b & 0x3f)), c32(m, len)), type: 'none' };
  },
});
add({
  key: 'memory.copy',
  site: 'memory.copy',
  trap: 'out of bounds memory access',
  features: ['bulk-memory'],
  details: ['src-straddle', 'dst-straddle', 'len0-past-end', 'huge-len'],
  build: ({ m, p, memSize, detail, model }) => {
    const j = 1 + (p.a % 8);
    let dst: number;
    let src: number;
    let len: number;
    if (detail === 'src-straddle') {
      src = memSize - j; // the end pattern: a partial copy would show in dst
      dst = 512 + (p.b % 256);
      len = j + 1 + (p.b % 32);
    } else if (detail === 'dst-straddle') {
      dst = memSize - j;
      src = 0;
      len = j + 1 + (p.b % 32);
    } else if (detail === 'len0-past-end') {
      dst = p.b & 1 ? memSize + 1 + (p.a % 16) : 0;
      src = p.b & 1 ? 0 : memSize + 1 + (p.a % 16);
      len = 0;
    } else {
      dst = 512;
      src = memSize - 8;
      len = u32(0xffffffff - (p.b % 256));
    }
    model.watch(dst, 16);
    return { expr: m.memory.copy(c32(m, dst), c32(m, src), c32(m, len)), type: 'none' };
  },
});
const PASSIVE_LEN = 16;
function passiveData(p: CoreTrapParams): Uint8Array {
  const d = new Uint8Array(PASSIVE_LEN);
  for (let i = 0; i < PASSIVE_LEN; i++) d[i] = 0x40 | ((p.a >>> (i % 26)) & 0x3f) | (i & 1 ? 0x80 : 0);
  return d;
}
add({
  key: 'memory.init',
  site: 'memory.init',
  trap: 'out of bounds memory access',
  features: ['bulk-memory'],
  passive: true,
  details: ['src-straddle', 'dst-straddle', 'len0-past-end', 'src-len0-past-end', 'after-data.drop'],
  build: ({ m, p, memSize, detail, model }) => {
    const j = 1 + (p.a % 8);
    let dst = 512 + (p.b % 256);
    let off = 0;
    let len: number;
    const pre: Expr[] = [];
    if (detail === 'src-straddle') {
      off = PASSIVE_LEN - j;
      len = j + 1 + (p.b % 8);
    } else if (detail === 'dst-straddle') {
      dst = memSize - j;
      len = Math.min(PASSIVE_LEN, j + 1 + (p.b % 8));
    } else if (detail === 'len0-past-end') {
      dst = memSize + 1 + (p.a % 16);
      len = 0;
    } else if (detail === 'src-len0-past-end') {
      off = PASSIVE_LEN + 1 + (p.a % 4);
      len = 0;
    } else {
      pre.push(m.data.drop('pass'));
      len = 1 + (p.b % PASSIVE_LEN);
    }
    model.watch(dst, 16);
    return { expr: m.memory.init('pass', c32(m, dst), c32(m, off), c32(m, len)), type: 'none', pre };
  },
});

// Tables. The table `t` has `tableSize` slots; slot 2 is null.
add({
  key: 'table.get',
  site: 'table.get',
  trap: 'out of bounds table access',
  features: ['reference-types'],
  details: ['past-end', 'max-index'],
  build: ({ m, p, tableSize, detail }) => ({
    expr: m.ref.is_null(m.table.get('t', c32(m, detail === 'max-index' ? 0xffffffff - (p.a % 2) * 0x7fffffff : tableSize + (p.a % 8)), binaryen.funcref)),
    type: 'i32',
  }),
});
add({
  key: 'table.set',
  site: 'table.set',
  trap: 'out of bounds table access',
  features: ['reference-types'],
  details: ['past-end', 'max-index'],
  build: ({ m, p, tableSize, detail }) => ({
    expr: m.table.set(
      't',
      c32(m, detail === 'max-index' ? 0xffffffff : tableSize + (p.a % 8)),
      p.b & 1 ? m.ref.func('id0', funcHeapType(m, 'id0')) : m.ref.null(binaryen.funcref),
    ),
    type: 'none',
  }),
});
/**
 * binaryen.js 132 cannot construct table.fill / table.copy. A helper function is emitted with
 * `drop`s of the operands (same byte length) and patched into the real instruction.
 */
add({
  key: 'table.fill',
  site: 'table.fill',
  trap: 'out of bounds table access',
  features: ['reference-types', 'bulk-memory'],
  details: ['straddle', 'past-end', 'len0-past-end'],
  build: ({ m, p, tableSize, detail, patches, helpers }) => {
    const j = 1 + (p.a % 3);
    const [dest, len] =
      detail === 'straddle' ? [tableSize - j, j + 1 + (p.b % 4)] : detail === 'past-end' ? [tableSize + (p.a % 4), 1 + (p.b % 4)] : [tableSize + 1 + (p.a % 4), 0];
    m.addFunction('tfill', binaryen.none, binaryen.none, [], m.block(null, [m.drop(c32(m, dest)), m.drop(m.ref.null(binaryen.funcref)), m.drop(c32(m, len))]));
    helpers.add('tfill');
    const d = i32ConstBytes(dest);
    const n = i32ConstBytes(len);
    patches.push({ find: [...d, 0x1a, 0xd0, 0x70, 0x1a, ...n, 0x1a], replace: [...d, 0xd0, 0x70, ...n, 0xfc, 17, 0x00] });
    return { expr: m.call('tfill', [], binaryen.none), type: 'none' };
  },
});
add({
  key: 'table.copy',
  site: 'table.copy',
  trap: 'out of bounds table access',
  features: ['reference-types', 'bulk-memory'],
  details: ['src-straddle', 'dst-straddle', 'len0-past-end'],
  build: ({ m, p, tableSize, detail, patches, helpers }) => {
    const j = 1 + (p.a % 3);
    let dst = 0;
    let src = 0;
    let len: number;
    if (detail === 'src-straddle') {
      src = tableSize - j;
      len = j + 1 + (p.b % 4);
    } else if (detail === 'dst-straddle') {
      dst = tableSize - j;
      len = j + 1 + (p.b % 4);
    } else {
      if (p.b & 1) dst = tableSize + 1;
      else src = tableSize + 1;
      len = 0;
    }
    m.addFunction('tcopy', binaryen.none, binaryen.none, [], m.block(null, [m.drop(c32(m, dst)), m.drop(c32(m, src)), m.drop(c32(m, len)), m.nop()]));
    helpers.add('tcopy');
    const [D, S, N] = [i32ConstBytes(dst), i32ConstBytes(src), i32ConstBytes(len)];
    patches.push({ find: [...D, 0x1a, ...S, 0x1a, ...N, 0x1a, 0x01], replace: [...D, ...S, ...N, 0xfc, 14, 0x00, 0x00] });
    return { expr: m.call('tcopy', [], binaryen.none), type: 'none' };
  },
});

// call_indirect.
add({
  key: 'call_indirect/undefined',
  site: 'call_indirect',
  trap: 'undefined element',
  features: [],
  details: ['past-end', 'max-index'],
  build: ({ m, p, tableSize, detail }) => ({
    expr: m.call_indirect('t', c32(m, detail === 'max-index' ? (p.a & 1 ? 0xffffffff : 0x80000000) : tableSize + (p.a % 8)), [], binaryen.none, binaryen.i32),
    type: 'i32',
  }),
});
add({
  key: 'call_indirect/null',
  site: 'call_indirect',
  trap: 'uninitialized element',
  features: [],
  details: ['null-slot'],
  build: ({ m }) => ({ expr: m.call_indirect('t', m.i32.const(2), [], binaryen.none, binaryen.i32), type: 'i32' }),
});
add({
  key: 'call_indirect/signature',
  site: 'call_indirect',
  trap: 'indirect call type mismatch',
  features: [],
  details: ['extra-param', 'missing-param', 'param-type', 'result-type', 'no-result'],
  build: ({ m, detail }) => {
    const i32s = binaryen.createType([binaryen.i32]);
    switch (detail) {
      case 'extra-param': // slot 0 is ()->i32
        return { expr: m.call_indirect('t', m.i32.const(0), [m.i32.const(1)], i32s, binaryen.i32), type: 'i32' };
      case 'missing-param': // slot 1 is (i32)->i32
        return { expr: m.call_indirect('t', m.i32.const(1), [], binaryen.none, binaryen.i32), type: 'i32' };
      case 'param-type':
        return { expr: m.call_indirect('t', m.i32.const(1), [i64c(m, 1n)], binaryen.createType([binaryen.i64]), binaryen.i32), type: 'i32' };
      case 'result-type':
        return { expr: m.call_indirect('t', m.i32.const(0), [], binaryen.none, binaryen.i64), type: 'i64' };
      default:
        return { expr: m.call_indirect('t', m.i32.const(0), [], binaryen.none, binaryen.none), type: 'none' };
    }
  },
});

// Unbounded recursion.
add({
  key: 'recursion',
  site: 'recursion',
  trap: 'call stack exhausted',
  features: [],
  details: ['self', 'mutual', 'big-frame', 'no-result'],
  build: ({ m, detail, helpers }) => {
    const i32s = binaryen.createType([binaryen.i32]);
    const next = (fn: string, t: BType): Expr => m.call(fn, [m.i32.add(m.local.get(0, binaryen.i32), m.i32.const(1))], t);
    if (detail === 'self') {
      m.addFunction('rec', i32s, binaryen.i32, [], m.i32.add(next('rec', binaryen.i32), m.i32.const(1)));
      helpers.add('rec');
      return { expr: m.call('rec', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    if (detail === 'mutual') {
      m.addFunction('rec_a', i32s, binaryen.i32, [], m.i32.add(next('rec_b', binaryen.i32), m.i32.const(1)));
      m.addFunction('rec_b', i32s, binaryen.i32, [], m.i32.sub(next('rec_a', binaryen.i32), m.i32.const(1)));
      helpers.add('rec_a').add('rec_b');
      return { expr: m.call('rec_a', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    if (detail === 'big-frame') {
      const vars: BType[] = [];
      const body: Expr[] = [];
      for (let i = 0; i < 32; i++) {
        const t = i % 2 ? binaryen.f64 : binaryen.i64;
        vars.push(t);
        const base = m.i64.extend_u(m.local.get(0, binaryen.i32));
        body.push(m.local.set(1 + i, t === binaryen.i64 ? m.i64.add(base, i64c(m, BigInt(i))) : m.f64.convert_u.i64(base)));
      }
      let sum: Expr = m.i64.extend_u(next('rec_big', binaryen.i32));
      for (let i = 0; i < 32; i += 2) sum = m.i64.add(sum, m.local.get(1 + i, binaryen.i64));
      body.push(m.i32.wrap(sum));
      m.addFunction('rec_big', i32s, binaryen.i32, vars, m.block(null, body, binaryen.i32));
      helpers.add('rec_big');
      return { expr: m.call('rec_big', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    m.addFunction('rec_void', binaryen.none, binaryen.none, [], m.call('rec_void', [], binaryen.none));
    helpers.add('rec_void');
    return { expr: m.call('rec_void', [], binaryen.none), type: 'none' };
  },
});

// Unaligned atomics (in bounds, on an unshared memory: alignment is checked either way).
interface AtomicOp {
  name: string;
  width: 2 | 4 | 8;
  build(m: BModule, offset: number, ptr: Expr, v: bigint): { expr: Expr; type: ValType };
}
const ATOMICS: AtomicOp[] = [
  { name: 'i32.atomic.load', width: 4, build: (m, o, ptr) => ({ expr: m.i32.atomic.load(o, ptr), type: 'i32' }) },
  { name: 'i32.atomic.load16_u', width: 2, build: (m, o, ptr) => ({ expr: m.i32.atomic.load16_u(o, ptr), type: 'i32' }) },
  { name: 'i64.atomic.load', width: 8, build: (m, o, ptr) => ({ expr: m.i64.atomic.load(o, ptr), type: 'i64' }) },
  { name: 'i64.atomic.load32_u', width: 4, build: (m, o, ptr) => ({ expr: m.i64.atomic.load32_u(o, ptr), type: 'i64' }) },
  { name: 'i32.atomic.store', width: 4, build: (m, o, ptr, v) => ({ expr: m.i32.atomic.store(o, ptr, c32(m, Number(v & 0xffffffffn))), type: 'none' }) },
  { name: 'i64.atomic.store', width: 8, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.store(o, ptr, i64c(m, v)), type: 'none' }) },
  { name: 'i64.atomic.store16', width: 2, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.store16(o, ptr, i64c(m, v)), type: 'none' }) },
  { name: 'i32.atomic.rmw.add', width: 4, build: (m, o, ptr, v) => ({ expr: m.i32.atomic.rmw.add(o, ptr, c32(m, Number(v & 0xffffffffn))), type: 'i32' }) },
  { name: 'i64.atomic.rmw.cmpxchg', width: 8, build: (m, o, ptr, v) => ({ expr: m.i64.atomic.rmw.cmpxchg(o, ptr, i64c(m, 0n), i64c(m, v)), type: 'i64' }) },
  { name: 'memory.atomic.notify', width: 4, build: (m, o, ptr) => ({ expr: m.memory.atomic.notify(o ? m.i32.add(ptr, c32(m, o)) : ptr, m.i32.const(1)), type: 'i32' }) },
];
for (const op of ATOMICS) {
  add({
    key: op.name,
    site: op.name,
    trap: 'unaligned atomic',
    features: ['threads'],
    details: ['unaligned'],
    build: ({ m, p, model }) => {
      const j = 1 + (p.a % (op.width - 1));
      const ea = 0x800 + 8 * (p.b % 32) + j;
      const offset = op.name.startsWith('memory.') ? 0 : p.variant & 8 ? 8 * (p.a % 4) : 0;
      model.watch(ea, op.width);
      return op.build(m, offset, c32(m, ea - offset), storeBits(p));
    },
  });
}
for (const w of [32, 64] as const) {
  add({
    key: `memory.atomic.wait${w}`,
    site: `memory.atomic.wait${w}`,
    trap: 'expected shared memory',
    features: ['threads'],
    details: ['unshared'],
    build: ({ m, p }) => {
      // Aligned and in bounds: the only reason to trap is the unshared memory. A finite timeout
      // keeps a runtime that wrongly waits from hanging.
      const ptr = 0x900 + (w / 8) * (p.a % 16);
      const timeout = i64c(m, p.b & 1 ? 0n : 1000n);
      const expr =
        w === 32 ? m.memory.atomic.wait32(c32(m, ptr), c32(m, p.b & 2 ? 0 : p.b), timeout) : m.memory.atomic.wait64(c32(m, ptr), i64c(m, p.b & 2 ? 0n : BigInt(p.b)), timeout);
      return { expr, type: 'i32' };
    },
  });
}

// Active segments out of bounds: instantiation traps.
add({
  key: 'data-segment',
  site: 'data-segment',
  trap: 'out of bounds memory access',
  features: ['bulk-memory'],
  details: ['straddle', 'past-end', 'len0-past-end', 'huge-offset'],
  segment: true,
  build: () => ({ expr: 0, type: 'none' }),
});
add({
  key: 'elem-segment',
  site: 'elem-segment',
  trap: 'out of bounds table access',
  features: ['bulk-memory'],
  details: ['straddle', 'past-end', 'len0-past-end'],
  segment: true,
  build: () => ({ expr: 0, type: 'none' }),
});

export const SITE_KEYS: readonly string[] = SITES.map((s) => s.key);
const SITE_BY_KEY = new Map(SITES.map((s) => [s.key, s]));

// ---------------------------------------------------------------------------------------------
// Placement: wrappers around the trapping statement

class Fn {
  readonly vars: BType[] = [];
  constructor(readonly nparams: number) {}
  local(t: BType): number {
    this.vars.push(t);
    return this.nparams + this.vars.length - 1;
  }
}

interface Builder {
  m: BModule;
  p: CoreTrapParams;
  site: SiteDef;
  ctx: Ctx;
  labels: number;
  helperFns: string[];
  ciSlots: string[];
  /** Prefix ops grouped by level (clamped to the depth). */
  prefixAt: PrefixOp[][];
  firstPrefixSlot: number;
  use: Use;
  /** The use as applied: sites without a value are statements; a valued site is never a bare statement. */
  appliedUse: Use;
}

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
  }
}

const prefixBits = (op: { value: number; at: number }): bigint => (BigInt(u32(op.value)) << 32n) | BigInt(u32(op.value ^ 0x9e3779b9 ^ op.at));
const g1Value = (v: number): bigint => BigInt.asIntN(64, (BigInt(u32(v ^ 0x5bd1e995)) << 32n) | BigInt(u32(v)));

/** The trapping statement (plus its pre-statements), consumed as `use` says. */
function trapStmts(b: Builder, fn: Fn): Expr[] {
  const m = b.m;
  const r = b.site.build(b.ctx);
  const out: Expr[] = [...(r.pre ?? [])];
  if (r.type === 'none' || r.type === 'unreachable') {
    b.appliedUse = 'stmt';
    out.push(r.expr);
    return out;
  }
  b.appliedUse = b.use === 'stmt' ? 'drop' : b.use;
  const t = binaryenType(r.type);
  switch (b.use) {
    case 'select': {
      const other = zeroOf(m, r.type);
      const cond = m.global.get('one', binaryen.i32);
      out.push(m.drop(b.p.variant & 32 ? m.select(cond, other, r.expr) : m.select(cond, r.expr, other)));
      return out;
    }
    case 'local':
      out.push(m.local.set(fn.local(t), r.expr));
      return out;
    default:
      out.push(m.drop(r.expr));
      return out;
  }
}

function zeroOf(m: BModule, t: 'i32' | 'i64' | 'f32' | 'f64'): Expr {
  return t === 'i32' ? m.i32.const(7) : t === 'i64' ? i64c(m, 7n) : t === 'f32' ? m.f32.const(7) : m.f64.const(7);
}

/** A statement that must not run (a wrong branch): it would clobber g0. */
function notTaken(b: Builder, i: number): Expr {
  return b.m.global.set('g0', c32(b.m, BAD + i));
}

function level(b: Builder, depth: number, fn: Fn): Expr {
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
    case 'br_table-arm': {
      const arms = w.arms;
      const target = Math.min(w.arm, arms); // arms == the default
      const names = Array.from({ length: arms }, (_, i) => `${label}_${i}`);
      const done = `${label}_done`;
      // selector: the target arm; the default arm (the last) is also reached by an out-of-range index.
      const sel = target >= arms - 1 ? (w.arm >= arms ? arms + w.arm : arms - 1) : target;
      b.ctx.m.addGlobal(`${label}_sel`, binaryen.i32, true, c32(m, sel));
      let cur = m.block(names[0]!, [m.switch(names, names[arms - 1]!, m.global.get(`${label}_sel`, binaryen.i32))]);
      const trapArm = Math.min(target, arms - 1);
      for (let i = 0; i < arms; i++) {
        const items = [cur, i === trapArm ? level(b, depth + 1, fn) : notTaken(b, depth * 8 + i)];
        if (i < arms - 1) items.push(m.br(done));
        cur = m.block(i < arms - 1 ? names[i + 1]! : done, items);
      }
      stmts.push(cur);
      break;
    }
    case 'call':
    case 'call_indirect': {
      const name = `h${b.helperFns.length}`;
      b.helperFns.push(name);
      const inner = new Fn(0);
      const body = level(b, depth + 1, inner);
      m.addFunction(name, binaryen.none, binaryen.none, inner.vars, body);
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

// ---------------------------------------------------------------------------------------------
// Build

interface Built {
  bytes: Uint8Array;
  site: SiteDef;
  detail: string;
  model: MemoryModel;
  memSize: number;
  features: Feature[];
  use: Use;
  probe: number;
  globals: { g0: number; g1: bigint };
}

const TABLE_SITES = new Set(['table.get', 'table.set', 'table.fill', 'table.copy', 'call_indirect', 'elem-segment']);

function featuresOf(site: SiteDef, p: CoreTrapParams): Feature[] {
  const set = new Set<Feature>(['mutable-globals', ...site.features]);
  if (!site.segment && p.prefix.some((op) => op.op === 'table')) set.add('reference-types');
  // Keep a stable order (the registry's order) so cases compare equal.
  return (['mutable-globals', 'bulk-memory', 'reference-types', 'threads'] as Feature[]).filter((f) => set.has(f));
}

function buildCore(p: CoreTrapParams): Built {
  const site = SITE_BY_KEY.get(p.site);
  if (!site) throw new Error(`${NAME}: unknown site ${JSON.stringify(p.site)}`);
  const detail = site.details[p.variant % site.details.length]!;
  const pages = site.pages ? site.pages(detail, p) : p.pages;
  const memSize = pages * PAGE;
  const model = new MemoryModel(memSize);
  const features = featuresOf(site, p);
  const nCI = site.segment ? 0 : p.wrappers.filter((w) => w.kind === 'call_indirect').length;
  const firstPrefixSlot = 3 + nCI;
  // The table (and its functions) only when something uses it: fewer functions, faster emit.
  const needTable =
    TABLE_SITES.has(site.site) || nCI > 0 || (!site.segment && p.prefix.some((op) => op.op === 'table'));
  const tableSize = firstPrefixSlot + 2;
  const patches: BytePatch[] = [];
  const helpers = new Set<string>();
  const use: Use = p.use;
  let actualUse: Use = 'stmt';
  const globals = { g0: p.g0 | 0, g1: g1Value(p.g1) };
  let probe = 0;

  const bytes = buildModule(
    NAME,
    features,
    (m) => {
      const segments: { name: string; data: Uint8Array; passive: boolean; offset: Expr }[] = [];
      if (pages > 0) {
        segments.push({ name: 'end', data: Uint8Array.from(PATTERN), passive: false, offset: c32(m, memSize - PATTERN.length) });
        model.writeBytes(memSize - PATTERN.length, Uint8Array.from(PATTERN));
      }
      if (site.passive) segments.push({ name: 'pass', data: passiveData(p), passive: true, offset: 0 });
      if (site.key === 'data-segment') {
        const j = 1 + (p.a % 8);
        const [offset, len] =
          detail === 'straddle'
            ? [memSize - j, j + 1 + (p.b % 8)]
            : detail === 'past-end'
              ? [memSize + (p.a % 16), 1 + (p.b % 8)]
              : detail === 'len0-past-end'
                ? [memSize + 1 + (p.a % 16), 0]
                : [u32(0xfffffff0 + (p.a % 8)), 1 + (p.b % 32)];
        segments.push({ name: 'oob', data: new Uint8Array(len).fill(0x5a), passive: false, offset: c32(m, offset) });
      }
      m.setMemory(pages, pages, 'memory', segments, false);

      m.addGlobal('g0', binaryen.i32, true, c32(m, globals.g0));
      m.addGlobal('g1', binaryen.i64, true, i64c(m, globals.g1));
      m.addGlobal('one', binaryen.i32, true, m.i32.const(1));
      m.addGlobalExport('g0', 'g0');
      m.addGlobalExport('g1', 'g1');

      if (needTable) {
        for (let i = 0; i < 3; i++) m.addFunction(`id${i}`, binaryen.none, binaryen.i32, [], c32(m, ID_VALUES[i]!));
        m.addFunction('takes_i32', binaryen.createType([binaryen.i32]), binaryen.i32, [], m.local.get(0, binaryen.i32));
        m.addTable('t', tableSize, tableSize);
      }

      const ctx: Ctx = { m, memSize, tableSize, model, patches, helpers, detail, p };
      const b: Builder = {
        m,
        p,
        site,
        ctx,
        labels: 0,
        helperFns: [],
        ciSlots: [],
        prefixAt: [],
        firstPrefixSlot,
        use,
        appliedUse: 'stmt',
      };
      const slots = [0, 0]; // prefix table slots start as id0

      if (!site.segment) {
        // Prefix effects, in execution order (level by level), mirrored in the model.
        const depth = p.wrappers.length;
        const ops = p.prefix.filter((op) => !(op.op === 'mem' && pages === 0));
        for (let lv = 0; lv <= depth; lv++) {
          const here = ops.filter((op) => Math.min(op.level, depth) === lv);
          b.prefixAt[lv] = here;
          for (const op of here) {
            if (op.op === 'mem') model.write(op.at, op.width, prefixBits(op));
            else if (op.op === 'global') {
              if (op.g === 0) globals.g0 = op.value | 0;
              else globals.g1 = g1Value(op.value);
            } else slots[op.slot] = op.fn;
          }
        }
        // Resolve the use now (the site's type is known only when built, so trapStmts applies the fallback).
        const entryFn = new Fn(0);
        const body = level(b, 0, entryFn);
        m.addFunction('entry', binaryen.none, binaryen.none, entryFn.vars, body);
        if (p.stage === 'start') m.setStart(m.getFunction('entry'));
        else m.addFunctionExport('entry', 'run');
      } else if (site.key === 'elem-segment') {
        const j = 1 + (p.a % 3);
        const [offset, n] =
          detail === 'straddle' ? [tableSize - j, j + 1 + (p.b % 3)] : detail === 'past-end' ? [tableSize + (p.a % 4), 1 + (p.b % 3)] : [tableSize + 1 + (p.a % 4), 0];
        m.addActiveElementSegment('t', 'oob', Array.from({ length: n }, (_, i) => `id${i % 3}`), c32(m, offset));
      }

      // Table contents: [id0, takes_i32, null, ...call_indirect helpers, id0, id0].
      if (needTable) {
        m.addActiveElementSegment('t', 'e0', ['id0', 'takes_i32'], m.i32.const(0));
        m.addActiveElementSegment('t', 'e1', [...b.ciSlots, 'id0', 'id0'], m.i32.const(3));
      }

      // probe(): folds the state into one i32, computed here too.
      let acc = p.salt | 0;
      let e: Expr = c32(m, acc);
      const fold = (x: Expr, v: number): void => {
        e = m.i32.add(m.i32.mul(e, m.i32.const(31)), x);
        acc = mix(acc, v);
      };
      fold(m.global.get('g0', binaryen.i32), globals.g0);
      fold(m.i32.wrap(m.global.get('g1', binaryen.i64)), Number(BigInt.asIntN(32, globals.g1)));
      const seen = new Set<number>();
      for (const op of p.prefix) {
        if (op.op !== 'mem' || pages === 0 || site.segment || seen.has(op.at)) continue;
        seen.add(op.at);
        fold(m.i32.load(0, 1, c32(m, op.at)), model.readU32(op.at));
      }
      if (pages > 0) fold(m.i32.load(0, 4, c32(m, memSize - 4)), model.readU32(memSize - 4));
      if (needTable) for (const s of [0, 1]) fold(m.call_indirect('t', c32(m, firstPrefixSlot + s), [], binaryen.none, binaryen.i32), ID_VALUES[slots[s]!]!);
      m.addFunction('probe', binaryen.none, binaryen.i32, [], e);
      m.addFunctionExport('probe', 'probe');
      probe = acc;
      actualUse = b.appliedUse;
    },
    patches,
  );
  return { bytes, site, detail, model, memSize, features, use: actualUse, probe, globals };
}

// ---------------------------------------------------------------------------------------------
// Arbitrary

const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
const wrapperArb: fc.Arbitrary<Wrapper> = fc.record({
  kind: fc.noBias(fc.nat({ max: WRAPPER_KINDS.length - 1 })).map((i) => WRAPPER_KINDS[i]!),
  arms: fc.integer({ min: 2, max: 4 }),
  arm: fc.integer({ min: 0, max: 4 }),
});
const prefixArb: fc.Arbitrary<PrefixOp> = fc.oneof(
  fc.record({
    op: fc.constant('mem' as const),
    at: fc.integer({ min: 0, max: 1016 }),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    value: u32Arb,
    level: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ op: fc.constant('global' as const), g: fc.constantFrom(0 as const, 1 as const), value: u32Arb, level: fc.integer({ min: 0, max: 4 }) }),
  fc.record({
    op: fc.constant('table' as const),
    slot: fc.constantFrom(0 as const, 1 as const),
    fn: fc.constantFrom(0 as const, 1 as const, 2 as const),
    level: fc.integer({ min: 0, max: 4 }),
  }),
);

/**
 * Sites are drawn per trap kind first (uniformly, without fast-check's small-value bias, which
 * would starve the last keys), then uniformly within the kind. Memory OOB has most sites and
 * gets triple weight; integer overflow (division + truncation) double.
 */
const KIND_WEIGHT: Partial<Record<TrapKind, number>> = { 'out of bounds memory access': 3, 'integer overflow': 2 };
const GROUPS: string[][] = [];
for (const kind of new Set(SITES.map((s) => s.trap))) {
  const keys = SITES.filter((s) => s.trap === kind).map((s) => s.key);
  for (let w = 0; w < (KIND_WEIGHT[kind] ?? 1); w++) GROUPS.push(keys);
}
const siteArb: fc.Arbitrary<string> = fc
  .tuple(fc.noBias(fc.nat({ max: GROUPS.length - 1 })), fc.noBias(fc.nat({ max: 0xffff })))
  .map(([g, k]) => {
    const keys = GROUPS[g]!;
    return keys[k % keys.length]!;
  });

export const coreTrapsArbitrary: fc.Arbitrary<CoreTrapParams> = fc.record({
  site: siteArb,
  variant: fc.noBias(fc.nat({ max: 63 })),
  a: u32Arb,
  b: u32Arb,
  stage: fc.oneof({ weight: 6, arbitrary: fc.constant('run' as const) }, { weight: 1, arbitrary: fc.constant('start' as const) }),
  wrappers: fc.array(wrapperArb, { maxLength: 4 }),
  use: fc.noBias(fc.nat({ max: USES.length - 1 })).map((i) => USES[i]!),
  pages: fc.constantFrom(1 as const, 2 as const),
  prefix: fc.array(prefixArb, { maxLength: 6 }),
  g0: u32Arb,
  g1: u32Arb,
  salt: u32Arb,
});

// ---------------------------------------------------------------------------------------------
// Family

function buildCase(p: CoreTrapParams, origin: Origin): Case {
  const r = buildCore(p);
  const { site, detail } = r;
  const placement = site.segment ? 'segment' : p.wrappers.length === 0 ? 'body' : p.wrappers[p.wrappers.length - 1]!.kind;
  const stage = site.segment || p.stage === 'start' ? 'instantiate' : 'run';
  const tags: Record<string, string> = {
    trap: site.trap,
    site: site.site,
    detail,
    placement: stage === 'instantiate' && !site.segment ? 'start' : placement,
    depth: String(site.segment ? 0 : p.wrappers.length),
    use: r.use,
    stage,
  };
  if (!site.segment && stage === 'instantiate') tags['start-placement'] = placement;
  let steps: Step[];
  if (stage === 'instantiate') {
    steps = [{ op: 'instantiate', expect: { outcome: { kind: 'trap', trap: site.trap } } }];
  } else {
    const expect: Step['expect'] = {
      outcome: { kind: 'trap', trap: site.trap },
      globals: { g0: i32(r.globals.g0), g1: i64(r.globals.g1) },
    };
    if (r.memSize > 0) expect.memory = r.model.regions();
    steps = [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'run', expect },
      { op: 'invoke', export: 'probe', expect: { outcome: { kind: 'return', values: [i32(r.probe)] } } },
    ];
  }
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes: r.bytes }],
    features: r.features,
    steps,
    provenance: generatorProvenance(coreTraps, origin, p),
    tags,
  };
}

const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)];

export const coreTraps: Family<CoreTrapParams> = {
  name: NAME,
  version: 1,
  description:
    'Every trap kind V8 raises (unreachable, division, truncation, OOB memory/table, call_indirect, stack, atomics), ' +
    'placed at random depth in blocks, loops, if/else and br_table arms, direct and indirect calls, after tracked side effects; ' +
    'or in the start function / an active segment (instantiation traps).',
  declares: {
    trap: uniq(SITES.map((s) => s.trap)),
    site: uniq(SITES.map((s) => s.site)),
    detail: uniq(SITES.flatMap((s) => s.details)),
    placement: ['body', ...WRAPPER_KINDS, 'start', 'segment'],
    depth: ['0', '1', '2', '3', '4'],
    use: [...USES],
    stage: ['run', 'instantiate'],
  },
  arbitrary: coreTrapsArbitrary,
  build: buildCase,
};
