/**
 * Memory accesses that must not trap: loads and stores at the last in-bounds address, at
 * interesting addresses just inside the end (values.ts `boundaryOffset` against the last
 * in-bounds address of the access's width, only the draws that stay in bounds) with the
 * effective address split between the address operand and the memarg offset; zero-length bulk
 * operations exactly at the end; memory.grow past the declared maximum (-1, size unchanged);
 * atomics on an unshared memory.
 *
 * The last 8 bytes of memory hold a pattern (`endPattern`); everything else is zero.
 */
import fc from 'fast-check';
import type { WasmValue } from '../../src/outcome.ts';
import { i32 } from '../../src/outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../src/values.ts';
import type { Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import type { MemoryModel } from '../state.ts';
import type { BoundaryDraw } from '../values.ts';
import { boundaryOffset, boundaryValue } from '../values.ts';
import type { ControlDef, ControlParams } from './def.ts';
import { c32, intValue, operand, PAGE, u32 } from './def.ts';

/**
 * The last 8 bytes: never a NaN as an aligned f32/f64 (the exponent's top bits are clear), so
 * a float's bits survive the trip through the host. `anyWindow`: also no byte has bit 6 set,
 * so no 4- or 8-byte window at any address is a NaN (a float load at an unaligned address).
 */
export function endPattern(p: ControlParams, anyWindow: boolean): Uint8Array {
  const d = new Uint8Array(8);
  for (let i = 0; i < 8; i++) d[i] = (p.a >>> (i * 4)) & (anyWindow ? 0xbf : 0xff);
  d[7] = d[7]! & 0x3f; // exponent never all-ones: no NaN
  d[3] = d[3]! & 0x3f;
  return d;
}

interface MemOp {
  name: string;
  type: 'i32' | 'i64' | 'f32' | 'f64';
  width: 1 | 2 | 4 | 8;
  fn: string;
  signed: boolean;
}
const LOADS: MemOp[] = [
  { name: 'i32.load', type: 'i32', width: 4, fn: 'load', signed: true },
  { name: 'i32.load8_s', type: 'i32', width: 1, fn: 'load8_s', signed: true },
  { name: 'i32.load8_u', type: 'i32', width: 1, fn: 'load8_u', signed: false },
  { name: 'i32.load16_s', type: 'i32', width: 2, fn: 'load16_s', signed: true },
  { name: 'i32.load16_u', type: 'i32', width: 2, fn: 'load16_u', signed: false },
  { name: 'i64.load', type: 'i64', width: 8, fn: 'load', signed: true },
  { name: 'i64.load8_s', type: 'i64', width: 1, fn: 'load8_s', signed: true },
  { name: 'i64.load16_u', type: 'i64', width: 2, fn: 'load16_u', signed: false },
  { name: 'i64.load32_s', type: 'i64', width: 4, fn: 'load32_s', signed: true },
  { name: 'i64.load32_u', type: 'i64', width: 4, fn: 'load32_u', signed: false },
  { name: 'f32.load', type: 'f32', width: 4, fn: 'load', signed: false },
  { name: 'f64.load', type: 'f64', width: 8, fn: 'load', signed: false },
];
const I64_LOAD: MemOp = { name: 'i64.load', type: 'i64', width: 8, fn: 'load', signed: true };

function loadedValue(op: MemOp, model: MemoryModel, ea: number): WasmValue {
  let raw = 0n;
  for (let i = op.width - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(model.read(ea + i));
  if (op.type === 'f32') return { type: 'f32', value: f32BitsToText(Number(raw)) };
  if (op.type === 'f64') return { type: 'f64', value: f64BitsToText(raw) };
  const v = op.signed ? BigInt.asIntN(op.width * 8, raw) : raw;
  return intValue(op.type, v);
}

type LoadFn = (offset: number, align: number, ptr: Expr) => Expr;
type StoreFn = (offset: number, align: number, ptr: Expr, v: Expr) => Expr;
const loadFn = (m: Parameters<ControlDef['build']>[0]['m'], op: MemOp): LoadFn => (m[op.type] as unknown as Record<string, LoadFn>)[op.fn]!;

/** The boundary draws that stay in bounds against the last in-bounds address: at it, before it, or 0. */
const inBounds = (d: BoundaryDraw): boolean => d.anchor === 'zero' || (d.anchor === 'limit' && d.delta <= 0);
const ADDRESS_CLASSES = ['at-limit', 'limit-1', 'below-limit', 'zero'];
const SPLIT_MAX = 0x10000;
const addressOperands = fc.record({
  at: boundaryOffset().filter(inBounds),
  split: fc.oneof(fc.constantFrom(0, SPLIT_MAX), fc.nat({ max: SPLIT_MAX })),
});
const OFFSET_CLASSES = ['none', 'whole', 'part'];

/** The effective address a boundary control accesses, its memarg offset, and their classes. */
function boundaryAddress(p: ControlParams, memSize: number, width: number): { ea: number; offset: number; values: Record<string, string> } {
  const at = operand(p, 'at');
  const ea = boundaryValue(at, memSize - width);
  const offset = Math.floor((ea * operand(p, 'split')) / SPLIT_MAX);
  const split = offset === 0 ? 'none' : offset === ea ? 'whole' : 'part';
  return { ea, offset, values: { 'value:address': at.class, 'value:mem-offset': split } };
}

const loadControls = (): ControlDef[] =>
  LOADS.flatMap((op): ControlDef[] => [
    {
      key: `${op.name}/last`,
      site: op.name,
      features: [],
      details: ['last-in-bounds', 'last-via-offset'],
      build: ({ m, memSize, model, detail, p }) => {
        const ea = memSize - op.width;
        const offset = detail === 'last-via-offset' ? Math.min(ea, 1 + (p.b % 4096)) : 0;
        return { expr: loadFn(m, op)(offset, 1, c32(m, ea - offset)), value: loadedValue(op, model, ea) };
      },
    },
    {
      key: `${op.name}/boundary`,
      site: op.name,
      features: [],
      details: ['boundary'],
      weight: 2,
      operands: addressOperands,
      values: { 'value:address': ADDRESS_CLASSES, 'value:mem-offset': OFFSET_CLASSES },
      build: ({ m, memSize, model, p }) => {
        const { ea, offset, values } = boundaryAddress(p, memSize, op.width);
        return { expr: loadFn(m, op)(offset, 1, c32(m, ea - offset)), value: loadedValue(op, model, ea), values };
      },
    },
  ]);

const STORES: { name: string; type: 'i32' | 'i64'; width: 1 | 2 | 4 | 8; fn: string }[] = [
  { name: 'i32.store', type: 'i32', width: 4, fn: 'store' },
  { name: 'i32.store8', type: 'i32', width: 1, fn: 'store8' },
  { name: 'i32.store16', type: 'i32', width: 2, fn: 'store16' },
  { name: 'i64.store', type: 'i64', width: 8, fn: 'store' },
  { name: 'i64.store32', type: 'i64', width: 4, fn: 'store32' },
];

const storeControls = (): ControlDef[] =>
  STORES.flatMap((op): ControlDef[] => {
    /** Stores at `ea` (memarg `offset`), then reads the last 8 bytes back; the memory is checked too. */
    const storeAt = ({ m, memSize, model, p }: Parameters<ControlDef['build']>[0], ea: number, offset: number): { expr: Expr; value: WasmValue; memory: true } => {
      const v = (BigInt(u32(p.b)) << 32n) | BigInt(u32(p.a ^ 0x5a5a5a5a));
      const value = op.type === 'i32' ? c32(m, Number(v & 0xffffffffn)) : i64c(m, v);
      const store = (m[op.type] as unknown as Record<string, StoreFn>)[op.fn]!;
      model.write(ea, op.width, v);
      model.watch(memSize - 8, 8);
      return {
        expr: m.block(null, [store(offset, 1, c32(m, ea - offset), value), m.i64.load(0, 1, c32(m, memSize - 8))], binaryen.i64),
        value: loadedValue(I64_LOAD, model, memSize - 8),
        memory: true,
      };
    };
    return [
      { key: `${op.name}/last`, site: op.name, features: [], details: ['last-in-bounds'], build: (ctx) => storeAt(ctx, ctx.memSize - op.width, 0) },
      {
        key: `${op.name}/boundary`,
        site: op.name,
        features: [],
        details: ['boundary'],
        weight: 2,
        operands: addressOperands,
        values: { 'value:address': ADDRESS_CLASSES, 'value:mem-offset': OFFSET_CLASSES },
        build: (ctx) => {
          const { ea, offset, values } = boundaryAddress(ctx.p, ctx.memSize, op.width);
          return { ...storeAt(ctx, ea, offset), values };
        },
      },
    ];
  });

const bulkControls = (): ControlDef[] => [
  // Zero-length bulk operations exactly at the end: no trap.
  {
    key: 'memory.fill/len0-at-end',
    site: 'memory.fill',
    features: ['bulk-memory'],
    details: ['len0-at-end'],
    build: ({ m, memSize }) => ({
      expr: m.block(null, [m.memory.fill(c32(m, memSize), m.i32.const(0xff), m.i32.const(0)), m.memory.size()], binaryen.i32),
      value: i32(memSize / PAGE),
    }),
  },
  {
    key: 'memory.copy/len0-at-end',
    site: 'memory.copy',
    features: ['bulk-memory'],
    details: ['dst-at-end', 'src-at-end', 'both-at-end'],
    weight: 9,
    build: ({ m, memSize, detail }) => {
      const dst = detail === 'src-at-end' ? 0 : memSize;
      const src = detail === 'dst-at-end' ? 0 : memSize;
      return { expr: m.block(null, [m.memory.copy(c32(m, dst), c32(m, src), m.i32.const(0)), m.memory.size()], binaryen.i32), value: i32(memSize / PAGE) };
    },
  },
  {
    key: 'memory.init/len0-at-end',
    site: 'memory.init',
    features: ['bulk-memory'],
    passive: true,
    details: ['dst-at-end', 'src-at-end', 'after-data.drop'],
    weight: 9,
    build: ({ m, memSize, detail }) => {
      const pre: Expr[] = [];
      let dst = 0;
      let off = 0;
      if (detail === 'dst-at-end') dst = memSize;
      else if (detail === 'src-at-end') off = 16;
      else pre.push(m.data.drop('pass'));
      return {
        expr: m.block(null, [...pre, m.memory.init('pass', c32(m, dst), c32(m, off), m.i32.const(0)), m.memory.size()], binaryen.i32),
        value: i32(memSize / PAGE),
      };
    },
  },
  // memory.grow past the declared maximum returns -1 (and the memory keeps its size).
  {
    key: 'memory.grow/past-max',
    site: 'memory.grow',
    features: [],
    maxPages: 2,
    details: ['past-max', 'huge-delta'],
    weight: 6,
    build: ({ m, p, detail, memSize }) => {
      const delta = detail === 'huge-delta' ? 0x10000 + (p.a % 0x10000) : 3 - memSize / PAGE + (p.a % 8);
      // (grow result) * 16 + memory.size: both must be as expected.
      return {
        expr: m.i32.add(m.i32.mul(m.memory.grow(c32(m, delta)), m.i32.const(16)), m.memory.size()),
        value: i32(-16 + memSize / PAGE),
      };
    },
  },
];

// Atomics that must not trap on an unshared memory.
const atomicControls = (): ControlDef[] => [
  {
    key: 'memory.atomic.notify/unshared',
    site: 'memory.atomic.notify',
    features: ['threads'],
    details: ['unshared'],
    build: ({ m, p }) => ({ expr: m.memory.atomic.notify(c32(m, 4 * (p.a % 64)), c32(m, p.b)), value: i32(0) }),
  },
  {
    key: 'i32.atomic.load/aligned-last',
    site: 'i32.atomic.load',
    features: ['threads'],
    details: ['aligned-last'],
    build: ({ m, memSize, model }) => ({
      expr: m.i32.atomic.load(0, c32(m, memSize - 4)),
      value: loadedValue({ name: 'i32.load', type: 'i32', width: 4, fn: 'load', signed: true }, model, memSize - 4),
    }),
  },
];

export const LOAD_STORE_CONTROLS: readonly ControlDef[] = [...loadControls(), ...storeControls()];
export const BULK_CONTROLS: readonly ControlDef[] = bulkControls();
export const ATOMIC_CONTROLS: readonly ControlDef[] = atomicControls();
/** Controls whose loads may read floats at any address: their end pattern has no NaN window. */
export const ANY_WINDOW_KEYS: ReadonlySet<string> = new Set(['f32.load/boundary', 'f64.load/boundary']);
