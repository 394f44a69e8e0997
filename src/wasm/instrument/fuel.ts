/**
 * The fuel pass (DESIGN §5 "Fuel"), on binaryen IR: meters every function entry and every loop
 * header with a static instruction count, so any module terminates on a budget and every
 * metering point is an exact, deterministic instruction budget (never wall time).
 *
 *   func $f … body            →  func $f (fuel -= N_entry; if fuel < 0: call exhausted) body
 *   loop $l body              →  loop $l (fuel -= N_loop;  if fuel < 0: call exhausted) body
 *
 * N_entry counts the expressions of the function outside its loops, N_loop the expressions of
 * the loop body outside nested loops: one unit is roughly one wasm instruction. The counter is a
 * mutable i64 global exported as `trapcheck_fuel`; the hook is the import
 * `trapcheck:fuel.exhausted` (no params, no results). The host decides what running dry means:
 * refill the global and return (a fuel *slice*: a yield point for a scheduler, Lunatic's
 * `out_of_fuel_async_yield`), or throw `OUT_OF_FUEL`, which the host reports as
 * `trap "out of fuel"`. Never refilling means the first exhaustion ends the call.
 *
 * Pure: same bytes in, same bytes out. `meterFuel` works on a module already parsed (so other
 * passes, e.g. asyncify, can run on the same IR); `instrumentFuel` parses and emits.
 */
import { binaryen } from '../builder.ts';
import type { BModule, Expr } from '../builder.ts';
import { INSTRUMENT_FEATURES, InstrumentError, expressionInfo, mapChildren } from './ir.ts';

export { INSTRUMENT_FEATURES };

export const FUEL_MODULE = 'trapcheck:fuel';
export const FUEL_HOOK = 'exhausted';
export const FUEL_GLOBAL = 'trapcheck_fuel';
const HOOK_FN = 'trapcheck_fuel_exhausted';

/** What the hook throws when the budget is gone: hosts classify it as `trap "out of fuel"`. */
export class OutOfFuel {
  readonly outOfFuel = true;
}
export const OUT_OF_FUEL = new OutOfFuel();

export class FuelError extends InstrumentError {
  override name = 'FuelError';
}


export interface FuelStats {
  functions: number;
  loops: number;
}

function charge(m: BModule, cost: number): Expr {
  const g = (): Expr => m.global.get(FUEL_GLOBAL, binaryen.i64);
  return m.block(null, [
    m.global.set(FUEL_GLOBAL, m.i64.sub(g(), m.i64.const(cost as unknown as number))),
    m.if(m.i64.lt_s(g(), m.i64.const(0 as unknown as number)), m.call(HOOK_FN, [], binaryen.none)),
  ]);
}

/** Counts `e` (excluding nested loop bodies, which get their own charge) and instruments loops below it. */
function visit(m: BModule, stats: FuelStats, e: Expr): number {
  if (!e) return 0;
  const { name, api } = expressionInfo(e, 'fuel');
  if (name === 'Loop') {
    const body = api['getBody']!(e) as Expr;
    const cost = Math.max(1, visit(m, stats, body));
    stats.loops++;
    api['setBody']!(e, m.block(null, [charge(m, cost), body], binaryen.getExpressionType(body)));
    return 1;
  }
  let n = 1;
  mapChildren(e, 'fuel', (child) => {
    n += visit(m, stats, child);
    return child;
  });
  return n;
}

/**
 * Adds fuel metering to a parsed module (in place): the `trapcheck_fuel` global (exported, initial
 * 0: the first metering point calls the hook, so a host must set the budget before calling in),
 * the `trapcheck:fuel.exhausted` import, and a charge at every function entry and loop header.
 */
export function meterFuel(m: BModule): FuelStats {
  const stats: FuelStats = { functions: 0, loops: 0 };
  m.addFunctionImport(HOOK_FN, FUEL_MODULE, FUEL_HOOK, binaryen.none, binaryen.none);
  m.addGlobal(FUEL_GLOBAL, binaryen.i64, true, m.i64.const(0 as unknown as number));
  m.addGlobalExport(FUEL_GLOBAL, FUEL_GLOBAL);
  const setBody = (binaryen as unknown as { Function: { setBody(f: binaryen.FunctionRef, b: Expr): void } }).Function.setBody;
  const n = m.getNumFunctions();
  for (let i = 0; i < n; i++) {
    const fn = m.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(fn);
    if (info.module || !info.body) continue; // imports
    const cost = Math.max(1, visit(m, stats, info.body));
    stats.functions++;
    setBody(fn, m.block(null, [charge(m, cost), info.body], binaryen.getExpressionType(info.body)));
  }
  return stats;
}

/** Parses, meters and emits (unoptimised, deterministic). Throws FuelError for a module it cannot read. */
export function instrumentFuel(bytes: Uint8Array): { bytes: Uint8Array } & FuelStats {
  let m: BModule;
  try {
    m = binaryen.readBinary(bytes);
  } catch (e) {
    throw new FuelError(`fuel instrumentation: binaryen cannot read the module (${String(e)})`);
  }
  const opt = binaryen.getOptimizeLevel();
  const shrink = binaryen.getShrinkLevel();
  try {
    m.setFeatures(INSTRUMENT_FEATURES);
    const stats = meterFuel(m);
    if (!m.validate()) throw new FuelError('fuel instrumentation: the rewritten module does not validate');
    binaryen.setOptimizeLevel(0);
    binaryen.setShrinkLevel(0);
    return { bytes: m.emitBinary(), ...stats };
  } finally {
    binaryen.setOptimizeLevel(opt);
    binaryen.setShrinkLevel(shrink);
    m.dispose();
  }
}
