/**
 * controls: boundary cases that must NOT trap, each with its exact result. Spurious traps are
 * bugs too (bug-catalog #4: rem_s(INT_MIN, -1) trapped in Pulley/wasmi; #5, spec#1224:
 * i32.trunc_f64_s(-2147483648.9) is -2147483648, not a trap).
 *
 * Steps: `instantiate` → return; `invoke run` → return [the exact value] (plus the memory
 * bytes for the store controls).
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { WasmValue } from '../src/outcome.ts';
import { i32, i64 } from '../src/outcome.ts';
import { f32BitsToText, f64BitsToText } from '../src/values.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, binaryenType, buildModule, i64c } from '../src/wasm/builder.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { MemoryModel } from './state.ts';
import type { TruncOp } from './trunc-ops.ts';
import { TRUNC_OPS } from './trunc-ops.ts';

const NAME = 'controls';
const PAGE = 65536;

export interface ControlParams {
  /** Key into CONTROLS (`i32.rem_s/min-by-minus-one`, `i64.trunc_sat_f32_u/nan`, …). */
  control: string;
  /** Picks a detail / sub-variant. */
  variant: number;
  a: number;
  b: number;
  pages: 1 | 2;
}

interface Ctx {
  m: BModule;
  p: ControlParams;
  detail: string;
  memSize: number;
  model: MemoryModel;
}

interface ControlDef {
  key: string;
  site: string;
  features: readonly Feature[];
  details: readonly string[];
  /** Uses the passive segment `pass` (16 bytes). */
  passive?: boolean;
  /** Declared maximum pages (default: the initial size). */
  maxPages?: number;
  /** Table of [id0, id1, takes_i32, null?]: `table` slots. */
  table?: boolean;
  /** Builds the body of `run` and returns its type and the exact expected value. */
  build(ctx: Ctx): { expr: Expr; value: WasmValue; memory?: boolean };
}

const u32 = (x: number): number => x >>> 0;
const c32 = (m: BModule, x: number): Expr => m.i32.const(x | 0);
const INT64_MIN = -(1n << 63n);
const CONTROLS: ControlDef[] = [];
const add = (c: ControlDef): void => {
  CONTROLS.push(c);
};

// rem_s(MIN, -1) = 0; div/rem by -1 of other values.
add({
  key: 'i32.rem_s/min-by-minus-one',
  site: 'i32.rem_s',
  features: [],
  details: ['min-by-minus-one'],
  build: ({ m }) => ({ expr: m.i32.rem_s(c32(m, 0x80000000), m.i32.const(-1)), value: i32(0) }),
});
add({
  key: 'i64.rem_s/min-by-minus-one',
  site: 'i64.rem_s',
  features: [],
  details: ['min-by-minus-one'],
  build: ({ m }) => ({ expr: m.i64.rem_s(i64c(m, INT64_MIN), i64c(m, -1n)), value: i64(0) }),
});
for (const op of ['div_s', 'rem_s'] as const) {
  add({
    key: `i32.${op}/by-minus-one`,
    site: `i32.${op}`,
    features: [],
    details: ['by-minus-one'],
    build: ({ m, p }) => {
      const x = p.a === 0x80000000 ? 0x7fffffff : p.a | 0;
      return { expr: m.i32[op](c32(m, x), m.i32.const(-1)), value: i32(op === 'div_s' ? -x | 0 : 0) };
    },
  });
  add({
    key: `i64.${op}/by-minus-one`,
    site: `i64.${op}`,
    features: [],
    details: ['by-minus-one'],
    build: ({ m, p }) => {
      let x = BigInt.asIntN(64, (BigInt(p.a) << 32n) | BigInt(p.b));
      if (x === INT64_MIN) x += 1n;
      return { expr: m.i64[op](i64c(m, x), i64c(m, -1n)), value: i64(op === 'div_s' ? -x : 0n) };
    },
  });
}

// Float → int at the edge of the range (fits) and saturating conversions.

/** The largest and smallest inputs whose truncation still fits, with the truncated value. */
const TRUNC_EDGES: Record<string, { max: [number, bigint]; min: [number, bigint] }> = {
  'i32.trunc_f64_s': { max: [2147483647.9, 2147483647n], min: [-2147483648.9, -2147483648n] },
  'i32.trunc_f32_s': { max: [2147483520, 2147483520n], min: [-2147483648, -2147483648n] },
  'i32.trunc_f64_u': { max: [4294967295.9, 4294967295n], min: [-0.9, 0n] },
  'i32.trunc_f32_u': { max: [4294967040, 4294967040n], min: [-0.9, 0n] },
  'i64.trunc_f64_s': { max: [9223372036854774784, 9223372036854774784n], min: [-9223372036854775808, INT64_MIN] },
  'i64.trunc_f32_s': { max: [9223371487098961920, 9223371487098961920n], min: [-9223372036854775808, INT64_MIN] },
  'i64.trunc_f64_u': { max: [18446744073709549568, 18446744073709549568n], min: [-0.9, 0n] },
  'i64.trunc_f32_u': { max: [18446742974197923840, 18446742974197923840n], min: [-0.9, 0n] },
};

const intValue = (to: 'i32' | 'i64', v: bigint): WasmValue => (to === 'i32' ? i32(Number(BigInt.asIntN(32, v))) : i64(v));
const fconst = (m: BModule, from: 'f32' | 'f64', x: number): Expr => (from === 'f32' ? m.f32.const(x) : m.f64.const(x));
type UnOps = Record<string, Record<string, (x: Expr) => Expr>>;

for (const op of TRUNC_OPS) {
  const edges = TRUNC_EDGES[op.name]!;
  add({
    key: `${op.name}/edge`,
    site: op.name,
    features: [],
    details: ['max', 'min'],
    build: ({ m, detail }) => {
      const [x, v] = detail === 'max' ? edges.max : edges.min;
      const fn = (m[op.to] as unknown as UnOps)[op.signed ? 'trunc_s' : 'trunc_u']![op.from]!;
      return { expr: fn(fconst(m, op.from, x)), value: intValue(op.to, v) };
    },
  });
  const bits = op.to === 'i32' ? 32 : 64;
  const max = op.signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = op.signed ? -(1n << BigInt(bits - 1)) : 0n;
  const satName = `${op.to}.trunc_sat_${op.from}_${op.signed ? 's' : 'u'}`;
  add({
    key: `${satName}/saturate`,
    site: satName,
    features: ['nontrapping-fptoint'],
    details: ['nan', '-nan', 'inf', '-inf', 'above', 'below'],
    build: ({ m, detail, p }) => {
      const far = op.from === 'f32' ? 3.4028234663852886e38 : 1e300;
      const x =
        detail === 'nan'
          ? NaN
          : detail === '-nan'
            ? -NaN
            : detail === 'inf'
              ? Infinity
              : detail === '-inf'
                ? -Infinity
                : detail === 'above'
                  ? (p.a & 1 ? far : 2 ** (op.signed ? bits - 1 : bits))
                  : p.a & 1
                    ? -far
                    : op.signed
                      ? -(2 ** bits)
                      : -1;
      const fn = (m[op.to] as unknown as UnOps)[op.signed ? 'trunc_s_sat' : 'trunc_u_sat']![op.from]!;
      const expected = detail === 'nan' || detail === '-nan' ? 0n : detail === 'inf' || detail === 'above' ? max : min;
      return { expr: fn(fconst(m, op.from, x)), value: intValue(op.to, expected) };
    },
  });
}

// Last in-bounds loads and stores. The last 8 bytes hold a pattern (never a NaN as f32/f64).
function endPattern(p: ControlParams): Uint8Array {
  const d = new Uint8Array(8);
  for (let i = 0; i < 8; i++) d[i] = (p.a >>> (i * 4)) & 0xff;
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
function loadedValue(op: MemOp, model: MemoryModel, ea: number): WasmValue {
  let raw = 0n;
  for (let i = op.width - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(model.read(ea + i));
  if (op.type === 'f32') return { type: 'f32', value: f32BitsToText(Number(raw)) };
  if (op.type === 'f64') return { type: 'f64', value: f64BitsToText(raw) };
  const v = op.signed ? BigInt.asIntN(op.width * 8, raw) : raw;
  return intValue(op.type, v);
}
for (const op of LOADS) {
  add({
    key: `${op.name}/last`,
    site: op.name,
    features: [],
    details: ['last-in-bounds', 'last-via-offset'],
    build: ({ m, memSize, model, detail, p }) => {
      const ea = memSize - op.width;
      const offset = detail === 'last-via-offset' ? Math.min(ea, 1 + (p.b % 4096)) : 0;
      const load = (m[op.type] as unknown as Record<string, (o: number, a: number, ptr: Expr) => Expr>)[op.fn]!;
      return { expr: load(offset, 1, c32(m, ea - offset)), value: loadedValue(op, model, ea) };
    },
  });
}
const STORES: { name: string; type: 'i32' | 'i64'; width: 1 | 2 | 4 | 8; fn: string }[] = [
  { name: 'i32.store', type: 'i32', width: 4, fn: 'store' },
  { name: 'i32.store8', type: 'i32', width: 1, fn: 'store8' },
  { name: 'i32.store16', type: 'i32', width: 2, fn: 'store16' },
  { name: 'i64.store', type: 'i64', width: 8, fn: 'store' },
  { name: 'i64.store32', type: 'i64', width: 4, fn: 'store32' },
];
for (const op of STORES) {
  add({
    key: `${op.name}/last`,
    site: op.name,
    features: [],
    details: ['last-in-bounds'],
    build: ({ m, memSize, model, p }) => {
      const ea = memSize - op.width;
      const v = (BigInt(u32(p.b)) << 32n) | BigInt(u32(p.a ^ 0x5a5a5a5a));
      const value = op.type === 'i32' ? c32(m, Number(v & 0xffffffffn)) : i64c(m, v);
      const store = (m[op.type] as unknown as Record<string, (o: number, a: number, ptr: Expr, v: Expr) => Expr>)[op.fn]!;
      model.write(ea, op.width, v);
      model.watch(memSize - 8, 8);
      const readBack = loadedValue({ name: 'i64.load', type: 'i64', width: 8, fn: 'load', signed: true }, model, memSize - 8);
      return {
        expr: m.block(null, [store(0, 1, c32(m, ea), value), m.i64.load(0, 1, c32(m, memSize - 8))], binaryen.i64),
        value: readBack,
        memory: true,
      };
    },
  });
}

// Zero-length bulk operations exactly at the end: no trap.
add({
  key: 'memory.fill/len0-at-end',
  site: 'memory.fill',
  features: ['bulk-memory'],
  details: ['len0-at-end'],
  build: ({ m, memSize }) => ({
    expr: m.block(null, [m.memory.fill(c32(m, memSize), m.i32.const(0xff), m.i32.const(0)), m.memory.size()], binaryen.i32),
    value: i32(memSize / PAGE),
  }),
});
add({
  key: 'memory.copy/len0-at-end',
  site: 'memory.copy',
  features: ['bulk-memory'],
  details: ['dst-at-end', 'src-at-end', 'both-at-end'],
  build: ({ m, memSize, detail }) => {
    const dst = detail === 'src-at-end' ? 0 : memSize;
    const src = detail === 'dst-at-end' ? 0 : memSize;
    return { expr: m.block(null, [m.memory.copy(c32(m, dst), c32(m, src), m.i32.const(0)), m.memory.size()], binaryen.i32), value: i32(memSize / PAGE) };
  },
});
add({
  key: 'memory.init/len0-at-end',
  site: 'memory.init',
  features: ['bulk-memory'],
  passive: true,
  details: ['dst-at-end', 'src-at-end', 'after-data.drop'],
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
});

// memory.grow past the declared maximum returns -1 (and the memory keeps its size).
add({
  key: 'memory.grow/past-max',
  site: 'memory.grow',
  features: [],
  maxPages: 2,
  details: ['past-max', 'huge-delta'],
  build: ({ m, p, detail, memSize }) => {
    const delta = detail === 'huge-delta' ? 0x10000 + (p.a % 0x10000) : 3 - memSize / PAGE + (p.a % 8);
    // (grow result) * 16 + memory.size: both must be as expected.
    return {
      expr: m.i32.add(m.i32.mul(m.memory.grow(c32(m, delta)), m.i32.const(16)), m.memory.size()),
      value: i32(-16 + memSize / PAGE),
    };
  },
});

// Tables: [id0, id1, takes_i32, null].
const IDS = [0x1d0, 0x1d1];
add({
  key: 'call_indirect/match',
  site: 'call_indirect',
  features: [],
  table: true,
  details: ['no-param', 'with-param'],
  build: ({ m, p, detail }) =>
    detail === 'no-param'
      ? { expr: m.call_indirect('t', c32(m, p.a & 1), [], binaryen.none, binaryen.i32), value: i32(IDS[p.a & 1]!) }
      : { expr: m.call_indirect('t', m.i32.const(2), [c32(m, p.b)], binaryen.createType([binaryen.i32]), binaryen.i32), value: i32(p.b | 0) },
});
add({
  key: 'table.get/last',
  site: 'table.get',
  features: ['reference-types'],
  table: true,
  details: ['last-null', 'last-but-one'],
  build: ({ m, detail }) => ({
    expr: m.ref.is_null(m.table.get('t', m.i32.const(detail === 'last-null' ? 3 : 2), binaryen.funcref)),
    value: i32(detail === 'last-null' ? 1 : 0),
  }),
});

// Deep but bounded recursion.
add({
  key: 'recursion/deep',
  site: 'recursion',
  features: [],
  details: ['deep'],
  build: ({ m, p }) => {
    const n = 500 + (p.a % 1500);
    const i32s = binaryen.createType([binaryen.i32]);
    const arg = m.local.get(0, binaryen.i32);
    m.addFunction(
      'down',
      i32s,
      binaryen.i32,
      [],
      m.if(m.i32.eqz(arg), m.i32.const(0), m.i32.add(m.call('down', [m.i32.sub(m.local.get(0, binaryen.i32), m.i32.const(1))], binaryen.i32), m.i32.const(1))),
    );
    return { expr: m.call('down', [c32(m, n)], binaryen.i32), value: i32(n) };
  },
});

// Atomics that must not trap on an unshared memory.
add({
  key: 'memory.atomic.notify/unshared',
  site: 'memory.atomic.notify',
  features: ['threads'],
  details: ['unshared'],
  build: ({ m, p }) => ({ expr: m.memory.atomic.notify(c32(m, 4 * (p.a % 64)), c32(m, p.b)), value: i32(0) }),
});
add({
  key: 'i32.atomic.load/aligned-last',
  site: 'i32.atomic.load',
  features: ['threads'],
  details: ['aligned-last'],
  build: ({ m, memSize, model }) => ({
    expr: m.i32.atomic.load(0, c32(m, memSize - 4)),
    value: loadedValue({ name: 'i32.load', type: 'i32', width: 4, fn: 'load', signed: true }, model, memSize - 4),
  }),
});

export const CONTROL_KEYS: readonly string[] = CONTROLS.map((c) => c.key);
const BY_KEY = new Map(CONTROLS.map((c) => [c.key, c]));

function buildCase(p: ControlParams, origin: Origin): Case {
  const def = BY_KEY.get(p.control);
  if (!def) throw new Error(`${NAME}: unknown control ${JSON.stringify(p.control)}`);
  const detail = def.details[p.variant % def.details.length]!;
  const memSize = p.pages * PAGE;
  const model = new MemoryModel(memSize);
  const pattern = endPattern(p);
  model.writeBytes(memSize - 8, pattern);
  const features = (['bulk-memory', 'reference-types', 'nontrapping-fptoint', 'threads'] as Feature[]).filter((f) => def.features.includes(f));
  let value: WasmValue = i32(0);
  let withMemory = false;
  const bytes = buildModule(NAME, features, (m) => {
    const segments: { name: string; data: Uint8Array; passive: boolean; offset: Expr }[] = [
      { name: 'end', data: pattern, passive: false, offset: c32(m, memSize - 8) },
    ];
    if (def.passive) segments.push({ name: 'pass', data: new Uint8Array(16).fill(0x77), passive: true, offset: 0 });
    m.setMemory(p.pages, def.maxPages ?? p.pages, 'memory', segments, false);
    if (def.table) {
      m.addFunction('id0', binaryen.none, binaryen.i32, [], c32(m, IDS[0]!));
      m.addFunction('id1', binaryen.none, binaryen.i32, [], c32(m, IDS[1]!));
      m.addFunction('takes_i32', binaryen.createType([binaryen.i32]), binaryen.i32, [], m.local.get(0, binaryen.i32));
      m.addTable('t', 4, 4);
      m.addActiveElementSegment('t', 'e0', ['id0', 'id1', 'takes_i32'], m.i32.const(0));
    }
    const r = def.build({ m, p, detail, memSize, model });
    value = r.value;
    withMemory = r.memory === true;
    m.addFunction('run', binaryen.none, binaryenType(r.value.type as 'i32' | 'i64' | 'f32' | 'f64'), [], r.expr);
    m.addFunctionExport('run', 'run');
  });
  const runExpect: Step['expect'] = { outcome: { kind: 'return', values: [value] } };
  if (withMemory) runExpect.memory = model.regions();
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'run', expect: runExpect },
    ],
    provenance: generatorProvenance(controls, origin, p),
    tags: { control: def.key, site: def.site, detail, expect: 'return' },
  };
}

const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
export const controlsArbitrary: fc.Arbitrary<ControlParams> = fc.record({
  control: fc.noBias(fc.nat({ max: CONTROL_KEYS.length - 1 })).map((i) => CONTROL_KEYS[i]!),
  variant: fc.noBias(fc.nat({ max: 63 })),
  a: u32Arb,
  b: u32Arb,
  pages: fc.constantFrom(1 as const, 2 as const),
});

export const controls: Family<ControlParams> = {
  name: NAME,
  version: 1,
  description:
    'Boundary cases that must not trap, with exact results: rem_s(MIN,-1), edge truncations and trunc_sat, last in-bounds ' +
    'accesses, zero-length bulk ops at the end, memory.grow past max, matching call_indirect, table.get at the last index, deep recursion.',
  declares: {
    control: [...CONTROL_KEYS],
    site: [...new Set(CONTROLS.map((c) => c.site))],
    detail: [...new Set(CONTROLS.flatMap((c) => c.details))],
    expect: ['return'],
  },
  arbitrary: controlsArbitrary,
  build: buildCase,
};
