/**
 * Calls that cannot cross the JS boundary exactly (v128 values, NaN arguments or results) go
 * through wrapper modules: the instance is registered once under a private name, and up to
 * WRAPPER_BATCH of its calls share one wrapper module that imports the export and returns
 * integer bits. A wrapper's module slot is reserved when it starts and built once the script
 * is read (its calls are known only then).
 */
import type { ExpectedOutcome } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import type { Check } from './conversion-plan.ts';
import type { InstanceInfo } from './module-slots.ts';
import type { ScriptCase } from './script-case.ts';
import type { ResultLayout, WrapperCall } from './wrapper.ts';
import { buildWrapper } from './wrapper.ts';

const WRAPPER_BATCH = 500;

/** The plan (assertion or command) a step is added for: its deciding step, dependencies and check. */
export interface PlannedStep {
  step?: number;
  deps: number[];
  check?: Check;
}

export class WrapperBatches {
  private wrapCounter = 0;
  private readonly pendingWrappers: Array<{ slot: InstanceInfo; wrapper: NonNullable<InstanceInfo['wrapper']> }> = [];

  constructor(private readonly scriptCase: ScriptCase) {}

  /** Adds the step that makes `call` through the instance's current wrapper module (started when full). */
  call(slot: InstanceInfo, call: WrapperCall, hostArgs: WasmValue[], line: number, plan: PlannedStep, check: Check | undefined, what: string): undefined {
    if (!slot.wrapName) {
      slot.wrapName = `__trapcheck_wrap_${++this.wrapCounter}`;
      const reg = this.scriptCase.addStep({ op: 'register', instance: slot.name, as: slot.wrapName, expect: { outcome: { kind: 'return' } } }, line, 'register for a wrapper module');
      slot.wrapDeps = [reg];
    }
    if (!slot.wrapper || slot.wrapper.calls.length >= WRAPPER_BATCH) {
      const moduleIndex = this.scriptCase.addModule(new Uint8Array());
      const instance = `__trapcheck_wrapper_${++this.wrapCounter}`;
      const step = this.scriptCase.addStep({ op: 'instantiate', module: moduleIndex, as: instance, expect: { outcome: { kind: 'return' } } }, line, 'wrapper module');
      slot.wrapper = { moduleIndex, instance, step, calls: [], layouts: [] };
      this.pendingWrappers.push({ slot, wrapper: slot.wrapper });
    }
    const w = slot.wrapper;
    const index = w.calls.length;
    w.calls.push(call);
    plan.deps.push(...slot.wrapDeps!, w.step);
    // The wrapper's results are integer bits: the Case can only say "returns"; the plan checks bits.
    const expectOutcome: ExpectedOutcome | undefined = check?.kind === 'trap' && check.kinds ? { kind: 'trap', trap: check.kinds[0]! } : check?.kind === 'trap' ? undefined : { kind: 'return' };
    plan.step = this.scriptCase.addStep({ op: 'invoke', instance: w.instance, export: `w${index}`, args: hostArgs, expect: expectOutcome ? { outcome: expectOutcome } : {} }, line, `${what} (through a wrapper module)`);
    const results = call.kind === 'func' ? call.results : [call.type];
    const layout = results.map((t): ResultLayout => (t === 'f32' ? 'f32-bits' : t === 'f64' ? 'f64-bits' : t === 'v128' ? 'v128-lanes' : t === 'i32' || t === 'i64' ? t : 'ref'));
    if (check?.kind === 'return') plan.check = { ...check, wrapper: layout };
    else if (check) plan.check = check;
    return undefined;
  }

  /** Builds every wrapper module into the slot its instantiate step reserved. */
  finish(): void {
    for (const { slot, wrapper } of this.pendingWrappers) {
      this.scriptCase.modules[wrapper.moduleIndex] = { bytes: buildWrapper(slot.wrapName!, wrapper.calls).bytes };
    }
  }
}
