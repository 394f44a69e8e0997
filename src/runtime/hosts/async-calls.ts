/**
 * Async core calls of `fuel` / `asyncify` cases (src/runtime/calls/): named calls that can stop
 * at a pause point, then be resumed or cancelled (a dropped future), and the fuel of metered
 * instances, including the budget a `refuel` before the first instantiate gives every instance.
 */
import type { Step } from '../../case.ts';
import type { Outcome } from '../../outcome.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { CoreCalls } from '../calls/core-calls.ts';
import type { CoreCallState, PendingCall, ResumeOptions } from '../calls/types.ts';
import type { Instances } from './instances.ts';
import type { RunnableCase } from './types.ts';
import type { Values } from './values.ts';
import { RETURN_NOTHING } from './values.ts';
import type { WasiProcess } from './wasi-process.ts';

type StepOf<Op extends Step['op']> = Extract<Step, { op: Op }>;

/** A named call: pending (resumable, cancellable) or ended. */
interface NamedCall {
  results: readonly SigType[];
  pending: PendingCall | undefined;
}

export class AsyncCalls {
  private calls: Map<string, NamedCall> | undefined;
  /** A `refuel` step before the first instantiate: the budget every instance of this case starts with. */
  private fuelBeforeInstantiate: number | undefined;

  constructor(
    private readonly c: RunnableCase,
    private readonly process: WasiProcess,
    private readonly instances: Instances,
    private readonly values: Values,
  ) {}

  /** The calls of a new instrumented instance; a component store's refuel outranks one before the first instantiate. */
  forNewInstance(storeFuel: number | undefined): CoreCalls {
    return new CoreCalls({ metered: this.c.fuel === true, suspendable: this.c.asyncify === true, initialFuel: storeFuel ?? this.fuelBeforeInstantiate ?? 0 });
  }

  call(step: StepOf<'call'>): Outcome {
    const inst = this.instances.target(step.instance, 'call');
    if (!('exports' in inst)) return inst;
    if (!inst.calls) return { kind: 'unsupported', feature: 'call steps on a core instance without the fuel or asyncify feature' };
    const call = this.values.prepareCall('call', inst, step.export, step.args ?? []);
    if ('kind' in call) return call;
    const entry: NamedCall = { results: call.results, pending: undefined };
    (this.calls ??= new Map()).set(step.call ?? step.export, entry);
    return this.outcome(entry, inst.calls.call(step.export, call.js, step.pauseAt));
  }

  resume(step: StepOf<'resume'>): Outcome {
    const entry = this.calls?.get(step.call);
    if (!entry) return { kind: 'crash', detail: `resume: no call named ${JSON.stringify(step.call)}` };
    const pending = entry.pending;
    if (!pending) return { kind: 'crash', detail: `resume: call ${JSON.stringify(step.call)} already ended` };
    entry.pending = undefined;
    return this.outcome(entry, pending.resume(resumeOptions(step)));
  }

  /** A dropped future: `cancelled` while pending, a no-op (`return []`) once the call ended (bug-catalog #31). */
  cancel(step: StepOf<'cancel'>): Outcome {
    const entry = this.calls?.get(step.call);
    if (!entry) return { kind: 'crash', detail: `cancel: no call named ${JSON.stringify(step.call)}` };
    if (!entry.pending) return RETURN_NOTHING;
    entry.pending.cancel();
    entry.pending = undefined;
    return { kind: 'cancelled' };
  }

  refuel(step: StepOf<'refuel'>): Outcome {
    if (step.instance === undefined && this.instances.current === undefined) {
      if (!this.c.fuel) return { kind: 'unsupported', feature: 'refuel in a case without the fuel feature' };
      this.fuelBeforeInstantiate = step.amount;
      return RETURN_NOTHING;
    }
    const inst = this.instances.target(step.instance, 'refuel');
    if (!('exports' in inst)) return inst;
    if (!inst.calls?.options.metered) return { kind: 'unsupported', feature: 'refuel of an instance without the fuel feature' };
    inst.calls.setFuel(step.amount);
    return RETURN_NOTHING;
  }

  private outcome(entry: NamedCall, state: CoreCallState): Outcome {
    switch (state.state) {
      case 'returned':
        return { kind: 'return', values: this.values.results(entry.results, state.value) };
      case 'failed':
        return this.process.failure(state.error);
      case 'suspended':
        entry.pending = state.call;
        return { kind: 'suspended', at: state.at };
    }
  }
}

function resumeOptions(step: StepOf<'resume'>): ResumeOptions {
  const o: ResumeOptions = {};
  if (step.value !== undefined) o.value = step.value | 0;
  if (step.fuel !== undefined) o.fuel = step.fuel;
  if (step.pauseAt !== undefined) o.pauseAt = step.pauseAt;
  return o;
}
