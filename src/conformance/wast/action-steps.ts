/**
 * The step(s) of an action (`invoke`, `get`) against an instance: a direct export call or global
 * read when its values cross the JS boundary exactly, else a call through a wrapper module
 * (wrapper-batches.ts); or a decision when there is nothing to run (no such export, a value
 * type no step can carry).
 */
import type { Step } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import { f32BitsToText, f64BitsToText } from '../../values.ts';
import type { ExportSig, SigType } from '../../wasm/signatures.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import type { AssertionPlan, Check, ConvertOptions, Decided } from './conversion-plan.ts';
import { JS_BOUNDARY } from './conversion-plan.ts';
import type { InstanceInfo, InstanceSlot } from './module-slots.ts';
import { isUnavailable } from './module-slots.ts';
import { constHasNan, patternHasNan } from './patterns.ts';
import type { ScriptCase } from './script-case.ts';
import type { Action, Const, ResultPattern } from './script.ts';
import type { PlannedStep, WrapperBatches } from './wrapper-batches.ts';
import { isWasmConstant } from './wrapper.ts';

export class ActionSteps {
  constructor(
    private readonly scriptCase: ScriptCase,
    private readonly wrappers: WrapperBatches,
    private readonly options: ConvertOptions,
  ) {}

  /**
   * Adds the step(s) of an action on `slot` (the instance it names): a direct invoke/get, or a call
   * through a wrapper module when a value cannot cross the JS boundary exactly. Returns a decision
   * when there is nothing to run.
   */
  add(slot: InstanceSlot, action: Action, line: number, plan: PlannedStep, expect: Step['expect'], check: Check | undefined, results?: ResultPattern[]): Decided | undefined {
    if (isUnavailable(slot)) return slot.decided;
    plan.deps.push(slot.step);
    if (slot.taint && 'ordinal' in plan) (plan as AssertionPlan).taint = slot.taint;
    const sig = this.exportSig(slot, action.field);
    if ('error' in sig) return { verdict: 'fail', reason: sig.error };
    const what = `${action.type} "${action.field}"`;
    if (action.type === 'get') {
      if (sig.kind !== 'global') return { verdict: 'fail', reason: `export "${action.field}" is not a global` };
      if (sig.type.startsWith('other:')) return { verdict: 'skip', feature: JS_BOUNDARY, reason: `get "${action.field}": a value of type ${sig.type.slice(6)} cannot cross the JS boundary, and trapcheck's wrapper modules do not read GC references yet` };
      if (this.options.exactValues && sig.type === 'v128') return { verdict: 'skip', feature: 'simd', reason: `get "${action.field}": v128 values cannot be read back through export calls on this runtime` };
      const wrap = !this.options.exactValues && (sig.type === 'v128' || (results ?? []).some(patternHasNan));
      if (!wrap) {
        plan.step = this.scriptCase.addStep({ op: 'get', instance: slot.name, global: action.field, expect }, line, what);
        if (check) plan.check = check;
        return undefined;
      }
      return this.wrappers.call(slot, { kind: 'global', field: action.field, type: sig.type, mutable: sig.mutable }, [], line, plan, check, what);
    }
    if (sig.kind !== 'func') return { verdict: 'fail', reason: `export "${action.field}" is not a function` };
    if (action.args.length !== sig.params.length) return { verdict: 'fail', reason: `invoke "${action.field}": ${action.args.length} argument(s) for ${sig.params.length} parameter(s)` };
    const types = [...sig.params, ...sig.results];
    const opaque = types.find((t) => t.startsWith('other:'));
    if (opaque) return { verdict: 'skip', feature: JS_BOUNDARY, reason: `invoke "${action.field}": a value of type ${opaque.slice(6)} cannot cross the JS boundary, and trapcheck's wrapper modules do not read GC references yet` };
    // an exact-values runtime reads results back as integer bits: a v128 has no such form there
    if (this.options.exactValues && types.includes('v128')) return { verdict: 'skip', feature: 'simd', reason: `invoke "${action.field}": v128 values cannot be passed or read back through export calls on this runtime` };
    const wrap = !this.options.exactValues && (types.includes('v128') || action.args.some(constHasNan) || (results ?? []).some(patternHasNan));
    if (!wrap) {
      plan.step = this.scriptCase.addStep({ op: 'invoke', instance: slot.name, export: action.field, args: action.args.map((a, i) => toWasmValue(a, sig.params[i]!)), expect }, line, what);
      if (check) plan.check = check;
      return undefined;
    }
    const hostArgs = action.args.filter((a) => !isWasmConstant(a)).map((a) => toWasmValue(a, 'externref'));
    return this.wrappers.call(slot, { kind: 'func', field: action.field, params: sig.params, results: sig.results, args: action.args }, hostArgs, line, plan, check, what);
  }

  private exportSig(slot: InstanceInfo, field: string): ExportSig | { error: string } {
    if (!slot.sigs) {
      try {
        slot.sigs = readSignatures(this.scriptCase.modules[slot.moduleIndex]!.bytes);
      } catch (e) {
        slot.sigs = { error: `cannot read the module's export types: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    if ('error' in slot.sigs) return { error: slot.sigs.error };
    const sig = slot.sigs.exports.get(field);
    return sig ?? { error: `the module has no export "${field}"` };
  }
}

function toWasmValue(c: Const, type: SigType): WasmValue {
  switch (c.type) {
    case 'i32':
      return { type: 'i32', value: BigInt.asIntN(32, c.bits).toString() };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, c.bits).toString() };
    case 'f32':
      return { type: 'f32', value: f32BitsToText(Number(c.bits)) };
    case 'f64':
      return { type: 'f64', value: f64BitsToText(c.bits) };
    case 'ref.null':
      return { type: type === 'externref' ? 'externref' : 'funcref', value: 'null' };
    case 'ref.extern':
    case 'ref.host':
      return { type: 'externref', value: String(c.index) };
    case 'v128':
      throw new Error('v128 arguments go through wrapper modules');
  }
}
