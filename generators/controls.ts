/**
 * controls: boundary cases that must NOT trap, each with its exact result. Spurious traps are
 * bugs too (bug-catalog #4: rem_s(INT_MIN, -1) trapped in Pulley/wasmi; #5, spec#1224:
 * i32.trunc_f64_s(-2147483648.9) is -2147483648, not a trap).
 *
 * The controls themselves live in generators/controls/ (arithmetic, truncation, memory, calls);
 * many draw interesting operands (generators/values.ts) and tag their classes `value:<operand>`.
 * `run` (the site) sits inside a transparent context (generators/contexts/, issue #18) in 7
 * cases out of 8; no other function does, so the deep recursion keeps its frame count.
 *
 * Steps: `instantiate` → return; `invoke run` → return [the exact value] (plus the memory
 * bytes for the store controls).
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import { FEATURES } from '../src/features.ts';
import type { WasmValue } from '../src/outcome.ts';
import { i32 } from '../src/outcome.ts';
import type { Expr } from '../src/wasm/builder.ts';
import { binaryen, binaryenType, buildModule } from '../src/wasm/builder.ts';
import type { ContextParams } from './contexts/index.ts';
import { CONTEXT_DECLARES, contextArbitrary, contextTags, NO_CONTEXT, wrapInContext } from './contexts/index.ts';
import { ARITH_CONTROLS } from './controls/arith.ts';
import { CALL_CONTROLS, IDS } from './controls/calls.ts';
import type { ControlDef, ControlOperands, ControlParams as BaseParams } from './controls/def.ts';
import { c32, PAGE } from './controls/def.ts';
import { ANY_WINDOW_KEYS, ATOMIC_CONTROLS, BULK_CONTROLS, endPattern, LOAD_STORE_CONTROLS } from './controls/memory.ts';
import { TRUNC_CONTROLS } from './controls/trunc.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { MemoryModel } from './state.ts';

const NAME = 'controls';

export type { ControlOperands } from './controls/def.ts';
export interface ControlParams extends BaseParams {
  /** The context `run` runs in (NO_CONTEXT: none). */
  context: ContextParams;
}

const CONTROLS: readonly ControlDef[] = [...ARITH_CONTROLS, ...TRUNC_CONTROLS, ...LOAD_STORE_CONTROLS, ...BULK_CONTROLS, ...CALL_CONTROLS, ...ATOMIC_CONTROLS];
export const CONTROL_KEYS: readonly string[] = CONTROLS.map((c) => c.key);
const BY_KEY = new Map(CONTROLS.map((c) => [c.key, c]));

/** Features in registry order, so a case's list does not depend on where each one came from. */
const featureOrder = (fs: Iterable<Feature>): Feature[] => {
  const set = new Set(fs);
  return FEATURES.filter((f) => set.has(f));
};

function buildCase(p: ControlParams, origin: Origin): Case {
  const def = BY_KEY.get(p.control);
  if (!def) throw new Error(`${NAME}: unknown control ${JSON.stringify(p.control)}`);
  const detail = def.details[p.variant % def.details.length]!;
  const memSize = p.pages * PAGE;
  const model = new MemoryModel(memSize);
  const pattern = endPattern(p, ANY_WINDOW_KEYS.has(def.key));
  model.writeBytes(memSize - 8, pattern);
  const features = featureOrder(def.features);
  let value: WasmValue = i32(0);
  let withMemory = false;
  let values: Record<string, string> = {};
  let site = def.site;
  /** Function index of `run`: what came before it (no imports), known while building, so the bytes are not read back. */
  let runIndex = 0;
  let bytes = buildModule(NAME, features, (m) => {
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
    values = r.values ?? {};
    site = r.site ?? def.site;
    runIndex = m.getNumFunctions();
    m.addFunction('run', binaryen.none, binaryenType(r.value.type as 'i32' | 'i64' | 'f32' | 'f64'), [], r.expr);
    m.addFunctionExport('run', 'run');
  });
  // a context with nothing around the hole would only add a block: left out, as NO_CONTEXT
  const inContext = p.context.root.k !== 'hole';
  let contextFeatures: Feature[] = [];
  // the context's tags: the wrap computes them anyway (they are the same for NO_CONTEXT's plain form)
  let ctxTags: Record<string, string>;
  if (inContext) {
    const wrapped = wrapInContext(bytes, runIndex, p.context);
    bytes = wrapped.bytes;
    contextFeatures = wrapped.features;
    ctxTags = wrapped.tags;
  } else ctxTags = contextTags(p.context);
  const runExpect: Step['expect'] = { outcome: { kind: 'return', values: [value] } };
  if (withMemory) runExpect.memory = model.regions();
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features: featureOrder([...features, ...contextFeatures]),
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'run', expect: runExpect },
    ],
    provenance: generatorProvenance(controls, origin, p),
    tags: { control: def.key, site, detail, expect: 'return', ...values, context: inContext ? 'on' : 'none', ...ctxTags },
  };
}

/**
 * One case in 8 has no context; the others one of depth 1 … 4 with something around the hole
 * (a tree that is only the hole would be the bare case again).
 */
const contextParams: fc.Arbitrary<ContextParams> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NO_CONTEXT) },
  { weight: 7, arbitrary: contextArbitrary({ maxDepth: 4, wrapped: true }) },
);

/** Cumulative weights: draw n < TOTAL, the control is the first whose cumulative weight exceeds n. */
const weightOf = (c: ControlDef): number => c.weight ?? 2;
const CUMULATIVE = CONTROLS.reduce<number[]>((acc, c) => [...acc, (acc.at(-1) ?? 0) + weightOf(c)], []);
const TOTAL_WEIGHT = CUMULATIVE.at(-1)!;
const controlIndexAt = (n: number): number => CUMULATIVE.findIndex((w) => n < w);

const NO_OPERANDS: fc.Arbitrary<ControlOperands> = fc.constant({});
const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
/** Each control's parameters, built once (an arbitrary costs more to build than to draw from). */
const PARAMS_OF: ReadonlyArray<fc.Arbitrary<ControlParams>> = CONTROLS.map((def) =>
  fc.record({
    control: fc.constant(def.key),
    variant: fc.noBias(fc.nat({ max: 63 })),
    a: u32Arb,
    b: u32Arb,
    pages: fc.constantFrom(1 as const, 2 as const),
    ops: def.operands ?? NO_OPERANDS,
    context: contextParams,
  }),
);
export const controlsArbitrary: fc.Arbitrary<ControlParams> = fc.noBias(fc.nat({ max: TOTAL_WEIGHT - 1 })).chain((n) => PARAMS_OF[controlIndexAt(n)]!);

/** `value:<operand>` → every class some control can emit for it. */
function valueDeclares(): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const c of CONTROLS) for (const [tag, classes] of Object.entries(c.values ?? {})) for (const cls of classes) (out[tag] ??= new Set()).add(cls);
  return Object.fromEntries(Object.entries(out).map(([tag, s]) => [tag, [...s]]));
}

export const controls: Family<ControlParams> = {
  name: NAME,
  // 2: contexts around `run`, interesting operands (division, shifts, truncation, boundary addresses)
  // 3: contexts drawn by generators/contexts/draw.ts (same shapes, other draws for a seed)
  version: 3,
  description:
    'Boundary cases that must not trap, with exact results: rem_s(MIN,-1), division and shifts over interesting operands, edge truncations and ' +
    'trunc_sat over interesting float bits, last in-bounds and boundary accesses, zero-length bulk ops at the end, memory.grow past max, ' +
    'matching call_indirect, table.get at the last index, deep recursion; `run` inside transparent contexts.',
  declares: {
    control: [...CONTROL_KEYS],
    site: [...new Set(CONTROLS.flatMap((c) => c.sites ?? [c.site]))],
    detail: [...new Set(CONTROLS.flatMap((c) => c.details))],
    expect: ['return'],
    ...valueDeclares(),
    context: ['none', 'on'],
    ...CONTEXT_DECLARES,
  },
  arbitrary: controlsArbitrary,
  build: buildCase,
};
