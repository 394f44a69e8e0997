/**
 * The fuel pass (DESIGN §5 "Fuel"), on binaryen IR: meters every function entry, every loop
 * header and every bulk memory op, so any module terminates on a budget and every metering point
 * is an exact, deterministic instruction budget (never wall time).
 *
 *   func $f … body        →  func $f (fuel -= N_entry; if fuel < 0: call exhausted) body
 *   loop $l body          →  loop $l (fuel -= N_loop;  if fuel < 0: leave the loop, call exhausted,
 *                             give the charge back, re-enter at the header: see meterLoop) body
 *   memory.fill d v n     →  (t0 = d; t1 = v; t2 = n; fuel -= t2; if fuel < 0: call exhausted;
 *                             memory.fill t0 t1 t2)            (same for memory.copy / memory.init)
 *
 * N_entry counts the expressions of the function outside its loops, N_loop the expressions of
 * the loop body outside nested loops: one unit is roughly one wasm instruction. A bulk op costs
 * its static unit (inside N_entry / N_loop) plus its length operand, charged *before* it runs, so
 * a fill that then traps out of bounds has still paid (bug-catalog #36). Operands are evaluated
 * once, in order, into fresh locals; a memory64 length (i64) is charged as is.
 *
 * The counter is a mutable i64 global exported as `trapcheck_fuel`, starting at the imported
 * immutable `trapcheck:fuel.initial` (the budget set before instantiation); the hook is the import
 * `trapcheck:fuel.exhausted` (no params, no results). The host decides what running dry means:
 * refill the global and return (a fuel *slice*), pause (the hook is an Asyncify import:
 * ./suspend.ts), or throw `OUT_OF_FUEL`, which the host reports as `trap "out of fuel"`.
 *
 * `fuelPlan` is the same walk without rewriting: the static costs a generator needs to predict
 * where a budget runs out without running the module (test/runtime/fuel.test.ts checks that the
 * plan matches the real charges).
 *
 * Not metered by length: table.fill / table.copy / table.init. binaryen.js 132 has no accessors for
 * them (their operands can be neither read nor replaced), so the walk reports them as unsupported.
 *
 * Pure: same bytes in, same bytes out.
 */
import { binaryen } from '../builder.ts';
import type { BModule, Expr } from '../builder.ts';
import { FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE } from './fuel-abi.ts';
import { INSTRUMENT_FEATURES, InstrumentError, expressionInfo, mapChildren, rewriteModule } from './ir.ts';

export { INSTRUMENT_FEATURES };
export { FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE, OUT_OF_FUEL, OutOfFuel } from './fuel-abi.ts';

const HOOK_FN = 'trapcheck_fuel_exhausted';
const INITIAL_GLOBAL = 'trapcheck_fuel_initial';

export class FuelError extends InstrumentError {
  override name = 'FuelError';
}

export interface FuelStats {
  functions: number;
  loops: number;
  /** Bulk memory ops charged by their length. */
  bulk: number;
}

/** The static costs of one defined function (index: among defined functions, in module order). */
export interface FunctionCost {
  index: number;
  /** The names the function is exported under (none for an internal function). */
  exports: string[];
  /** Charged once per call, before the body runs. */
  entry: number;
  /** Per loop, in the order the `loop` keywords appear in the body: charged once per iteration (each entry to the loop label). */
  loops: number[];
}

/** What a metered run of the module charges: the static costs, plus the length operand of every bulk memory op. */
export interface FuelPlan {
  functions: FunctionCost[];
  bulk: 'length';
}

const BULK: Record<string, readonly string[]> = {
  MemoryFill: ['Dest', 'Value', 'Size'],
  MemoryCopy: ['Dest', 'Source', 'Size'],
  MemoryInit: ['Dest', 'Offset', 'Size'],
};

interface Walk {
  m: BModule;
  /** Absent: only count (the plan). */
  fn: binaryen.FunctionRef | undefined;
  stats: FuelStats;
  loops: number[];
  /** Labels added to this function so far (fresh names per function: the output never depends on what ran before). */
  labels: number;
}

function chargeBy(m: BModule, amount: Expr): Expr {
  const g = (): Expr => m.global.get(FUEL_GLOBAL, binaryen.i64);
  return m.block(null, [
    m.global.set(FUEL_GLOBAL, m.i64.sub(g(), amount)),
    m.if(m.i64.lt_s(g(), m.i64.const(0 as unknown as number)), m.call(HOOK_FN, [], binaryen.none)),
  ]);
}

const charge = (m: BModule, cost: number): Expr => chargeBy(m, m.i64.const(cost as unknown as number));

const addVar = (binaryen as unknown as { _BinaryenFunctionAddVar(f: binaryen.FunctionRef, t: binaryen.Type): number })._BinaryenFunctionAddVar;

/** `op d x n` → `(t0 = d; t1 = x; t2 = n; charge t2; op t0 t1 t2)`: the length is charged before the op runs. */
function meterBulk(w: Walk, e: Expr, api: Record<string, (e: Expr, ...a: unknown[]) => unknown>, fields: readonly string[]): Expr {
  const { m, fn } = w;
  const operands = fields.map((f) => api[`get${f}`]!(e) as Expr);
  const types = operands.map((o) => binaryen.getExpressionType(o));
  if (types.some((t) => t === binaryen.unreachable)) return e; // never executes
  const sets: Expr[] = [];
  const locals = operands.map((o, i) => {
    const index = addVar(fn!, types[i]!);
    sets.push(m.local.set(index, o));
    api[`set${fields[i]}`]!(e, m.local.get(index, types[i]!));
    return index;
  });
  const size = m.local.get(locals[2]!, types[2]!);
  const length = types[2] === binaryen.i64 ? size : m.i64.extend_u(size);
  w.stats.bulk++;
  return m.block(null, [...sets, chargeBy(m, length), e], binaryen.none);
}

/**
 * A loop's per-iteration charge, with the exhaustion hook kept OUT of the loop:
 *
 *   (block $out (loop $retry
 *     (block $exh (br $out (loop $l (fuel -= c; br_if $exh (fuel < 0)) body)))
 *     (call exhausted) (fuel += c) (br $retry)))
 *
 * Measured on V8 11 (xorshift loop, 17 units per iteration): a `call` inside the loop body, even
 * on a branch never taken, costs 1.9× the unmetered loop (the call constrains register
 * allocation for the whole loop); with the call outside, the metered loop runs at 1.0×. After the
 * hook returns (refuelled), the charge is given back and the loop is re-entered at its header,
 * which charges it again: the iteration is paid exactly once, and a hook that did not refuel
 * enough is called again at the same point.
 */
function meterLoop(w: Walk, loop: Expr, api: Record<string, (e: Expr, ...a: unknown[]) => unknown>, body: Expr, cost: number): Expr {
  const { m } = w;
  const type = binaryen.getExpressionType(loop);
  const k = w.labels++;
  const out = `fuel$out${k}`;
  const retry = `fuel$retry${k}`;
  const exh = `fuel$exh${k}`;
  const g = (): Expr => m.global.get(FUEL_GLOBAL, binaryen.i64);
  const c = (): Expr => m.i64.const(cost as unknown as number);
  const check = m.block(null, [m.global.set(FUEL_GLOBAL, m.i64.sub(g(), c())), m.br(exh, m.i64.lt_s(g(), m.i64.const(0 as unknown as number)))]);
  api['setBody']!(loop, m.block(null, [check, body], binaryen.getExpressionType(body)));
  const concrete = type !== binaryen.none && type !== binaryen.unreachable;
  const inner = concrete ? m.br(out, undefined, loop) : type === binaryen.none ? m.block(null, [loop, m.br(out)]) : loop;
  const refill = [m.call(HOOK_FN, [], binaryen.none), m.global.set(FUEL_GLOBAL, m.i64.add(g(), c())), m.br(retry)];
  const retryLoop = m.loop(retry, m.block(null, [m.block(exh, [inner], binaryen.none), ...refill]));
  return concrete ? m.block(out, [retryLoop], type) : m.block(out, [retryLoop]);
}

/** The cost of `e` outside nested loop bodies (each loop gets its own charge); rewrites below it when metering. */
function visit(w: Walk, e: Expr): [number, Expr] {
  const { name, api } = expressionInfo(e, 'fuel');
  if (name === 'Loop') {
    const slot = w.loops.length;
    w.loops.push(0);
    const [inner, body] = visit(w, api['getBody']!(e) as Expr);
    const cost = Math.max(1, inner);
    w.loops[slot] = cost;
    w.stats.loops++;
    if (!w.fn) return [1, e];
    return [1, meterLoop(w, e, api, body, cost)];
  }
  let n = 1;
  mapChildren(e, 'fuel', (child) => {
    const [c, next] = visit(w, child);
    n += c;
    return next;
  });
  const bulk = BULK[name];
  return [n, bulk && w.fn ? meterBulk(w, e, api, bulk) : e];
}

function exportsByFunction(m: BModule): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const n = m.getNumExports();
  for (let i = 0; i < n; i++) {
    const info = binaryen.getExportInfo(m.getExportByIndex(i));
    if (info.kind !== binaryen.ExternalFunction) continue;
    const list = out.get(info.value) ?? [];
    list.push(info.name);
    out.set(info.value, list);
  }
  return out;
}

/** Walks every defined function (imports skipped); `meter` rewrites, otherwise only counts. */
function walkFunctions(m: BModule, meter: boolean): { stats: FuelStats; costs: FunctionCost[] } {
  const stats: FuelStats = { functions: 0, loops: 0, bulk: 0 };
  const costs: FunctionCost[] = [];
  const exported = exportsByFunction(m);
  const setBody = (binaryen as unknown as { Function: { setBody(f: binaryen.FunctionRef, b: Expr): void } }).Function.setBody;
  const n = m.getNumFunctions();
  for (let i = 0; i < n; i++) {
    const fn = m.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(fn);
    if (info.module || !info.body || info.name === HOOK_FN) continue; // imports
    const w: Walk = { m, fn: meter ? fn : undefined, stats, loops: [], labels: 0 };
    const [inner, body] = visit(w, info.body);
    const entry = Math.max(1, inner);
    costs.push({ index: costs.length, exports: exported.get(info.name) ?? [], entry, loops: w.loops });
    stats.functions++;
    if (meter) setBody(fn, m.block(null, [charge(m, entry), body], binaryen.getExpressionType(body)));
  }
  return { stats, costs };
}

/**
 * Adds fuel metering to a parsed module (in place): the `trapcheck_fuel` global (exported; it
 * starts at the imported `trapcheck:fuel.initial`, so a host gives the start function its budget
 * before instantiation; 0 means the first metering point calls the hook), the
 * `trapcheck:fuel.exhausted` import, and a charge at every function entry, loop header and bulk
 * memory op.
 */
export function meterFuel(m: BModule): FuelStats {
  m.addFunctionImport(HOOK_FN, FUEL_MODULE, FUEL_HOOK, binaryen.none, binaryen.none);
  m.addGlobalImport(INITIAL_GLOBAL, FUEL_MODULE, FUEL_INITIAL, binaryen.i64, false);
  m.addGlobal(FUEL_GLOBAL, binaryen.i64, true, m.global.get(INITIAL_GLOBAL, binaryen.i64));
  m.addGlobalExport(FUEL_GLOBAL, FUEL_GLOBAL);
  return walkFunctions(m, true).stats;
}

function readModule(bytes: Uint8Array, what: string): BModule {
  try {
    const m = binaryen.readBinary(bytes);
    m.setFeatures(INSTRUMENT_FEATURES);
    return m;
  } catch (e) {
    throw new FuelError(`${what}: binaryen cannot read the module (${String(e)})`);
  }
}

/** The static costs `meterFuel` charges for these (uninstrumented) bytes: see FuelPlan. */
export function fuelPlan(bytes: Uint8Array): FuelPlan {
  const m = readModule(bytes, 'fuel plan');
  try {
    return { functions: walkFunctions(m, false).costs, bulk: 'length' };
  } finally {
    m.dispose();
  }
}

/** Parses, meters and emits (unoptimised, deterministic). Throws FuelError for a module it cannot read. */
export function instrumentFuel(bytes: Uint8Array): { bytes: Uint8Array } & FuelStats {
  const out = rewriteModule(bytes, 'fuel instrumentation', meterFuel, (message) => new FuelError(message));
  return { bytes: out.bytes, ...out.result };
}
