/**
 * One component instance over one core instance (DESIGN §5 "Component instances"): the
 * Canonical ABI's per-instance state (instance-semantics.md §1.1) and the lifted call.
 *
 *   lifted call = entry check → lower args (realloc with may_leave=false) → core export →
 *                 lift the result → post-return (automatic profiles, may_leave=false) → leave
 *
 * Entry is refused (`cannot enter component instance`) when the instance (or, in
 * `wasmtime-store`, its store) is poisoned, while one of its calls is paused (fuel / asyncify:
 * the paused call owns the instance, as wasmtime's pending future borrows the store), in
 * `wasmtime-legacy` while a post-return is pending (C2), and, under the `may-enter-2025` re-entry
 * rule (rules.ts), when it is already on the current synchronous call stack (C7, C9). Under
 * `reentrant-2026` (the spec since CM PR #705, CanonicalABI.md `Store.lift` without
 * `may_enter`) that re-entry is an ordinary nested lifted call. A refusal alone changes no
 * state: nothing ran in the callee (wasmtime bails before `invoke_wasm_and_catch_traps`); the
 * trap poisons the *callers* it unwinds through. Any failure of the call itself (a trap in the
 * body, realloc or post-return, a host error, running out of fuel) poisons the scope of the
 * profile.
 */
import type { ComponentFuncType, PausePoint } from '../case.ts';
import type { Outcome, WasmValue } from '../outcome.ts';
import type { CoreCallState, CoreInvoker } from '../runtime/calls/types.ts';
import type { WasmExports, WasmMemory } from '../runtime/wasm-api.ts';
import { CANNOT_ENTER, NestedFailure } from './errors.ts';
import type { CallArg, LowerTarget } from './lower.ts';
import { lowerString, lowerU32 } from './lower.ts';
import type { ComponentStore } from './store.ts';
import { SyncInvoker } from './sync-invoker.ts';

type CoreFn = (...args: unknown[]) => unknown;

/** `callU32`'s "no result": the call's outcome is in `lastOutcome`. */
export const LIFT_FAILED: unique symbol = Symbol('lift failed');

/** What a lifted export resolves to in the core instance (computed once per export). */
interface LiftedExport {
  name: string;
  /** The core export itself (called directly when the invoker cannot pause). */
  fn: CoreFn;
  type: ComponentFuncType;
  hasString: boolean;
  /** `cabi_post_<name>`, when the module exports it. */
  post: CoreFn | undefined;
}

/** A post-return the embedder still owes (wasmtime-legacy): which export, and the core result it takes. */
interface PendingPostReturn {
  export: string;
  core: unknown;
}

const REFUSED: Outcome = Object.freeze({ kind: 'trap', trap: Object.freeze([CANNOT_ENTER.kind]), message: CANNOT_ENTER.message }) as unknown as Outcome;
const REENTRY_UNSUPPORTED: Outcome = Object.freeze({ kind: 'unsupported', feature: 're-entry into an instance whose calls can pause (fuel / asyncify)' }) as unknown as Outcome;
const NO_VALUES: WasmValue[] = Object.freeze([]) as unknown as WasmValue[];
const RETURNED_NOTHING: Outcome = Object.freeze({ kind: 'return', values: NO_VALUES }) as Outcome;

export class ComponentInstance implements LowerTarget {
  /** Locked down after a trap (instance-scope profiles; the store has its own flag). */
  poisoned = false;
  /** Canonical ABI `may_leave`: cleared while realloc and post-return run. */
  mayLeave = true;
  /** Lifted calls of this instance that have entered and not left yet (running, calling out, or paused); > 1 only by re-entry. */
  entered = 0;
  /** Entered calls that are paused (fuel / asyncify) and registered in the store for resume / cancel. */
  paused = 0;
  /** wasmtime-legacy: set by a successful call until the `post-return` step runs it. */
  pending: PendingPostReturn | undefined;
  /** Set when `callU32` returns LIFT_FAILED. */
  lastOutcome: Outcome | undefined;
  private exports: WasmExports = {};
  private invoker!: CoreInvoker;
  /** wasmtime-legacy: the embedder runs post-return (cached from the profile rules: the hot path reads it per call). */
  private readonly explicitPostReturn: boolean;
  /** `may-enter-2025`: an instance already entered refuses a second entry (cached like explicitPostReturn). */
  private readonly reentryTraps: boolean;
  /** The invoker is the plain synchronous one: lifted calls call core exports directly (no CoreCallState). */
  private direct = false;
  private readonly lifted = new Map<string, LiftedExport>();
  private last: LiftedExport | undefined;
  private readonly oneArg: unknown[] = [0];

  constructor(
    readonly store: ComponentStore,
    readonly name: string | undefined,
  ) {
    this.explicitPostReturn = store.rules.postReturn === 'explicit';
    this.reentryTraps = store.rules.reentry === 'may-enter-2025';
  }

  /** Binds the core instance once it exists (its imports were built from this object before). */
  attach(exports: WasmExports, invoker: CoreInvoker): void {
    this.exports = exports;
    this.invoker = invoker;
    this.direct = invoker instanceof SyncInvoker;
  }

  get coreInvoker(): CoreInvoker {
    return this.invoker;
  }

  get locked(): boolean {
    return this.poisoned || this.store.poisoned;
  }

  /** Whether a lifted call may enter now (the checks of the file comment). */
  private mayEnter(): boolean {
    return !this.poisoned && !this.store.poisoned && this.pending === undefined && this.paused === 0 && !(this.reentryTraps && this.entered > 0);
  }

  /** Locks down the profile's scope: this instance, or the whole store (wasmtime ≥ 42). */
  poison(): void {
    if (this.store.rules.poisonScope === 'store') this.store.poisoned = true;
    else this.poisoned = true;
  }

  // --- lifted calls ----------------------------------------------------------------------------

  /**
   * A lifted call from the host. Returns its outcome; a call that stops at `pauseAt` is
   * registered in the store under `callName` (resume / cancel) and reports `suspended`.
   */
  call(exportName: string, args: readonly CallArg[], pauseAt?: PausePoint, callName?: string): Outcome {
    const f = this.liftedExport(exportName);
    if (f === undefined) return { kind: 'crash', detail: `call: the component exports no lifted function ${JSON.stringify(exportName)}` };
    if (!this.mayEnter()) return REFUSED;
    if (args.length !== f.type.params.length)
      return { kind: 'crash', detail: `call ${exportName}: ${args.length} argument(s) for ${f.type.params.length} parameter(s)` };
    const outermost = this.entered === 0;
    // a fuel / asyncify invoker drives one core call at a time (a pause inside a nested call would
    // unwind through the host frames of the outer one): re-entry there is not something we run
    if (!outermost && !this.direct) return REENTRY_UNSUPPORTED;
    this.entered++;
    let core: unknown[];
    if (f.hasString) {
      core = [];
      try {
        for (let i = 0; i < args.length; i++) {
          const arg = args[i]!;
          if (f.type.params[i] === 'string') lowerString(this, arg.value, core);
          else core.push(lowerU32(arg));
        }
      } catch (e) {
        return this.fail(e); // a trap in realloc (C3) or an import it called (C13)
      }
    } else {
      if (args.length === 1 && outermost) {
        // one reused array for the outermost call; a re-entrant call (reentrant-2026) gets its own
        core = this.oneArg;
        core[0] = lowerU32(args[0]!);
      } else core = args.map(lowerU32);
    }
    if (this.direct && pauseAt === undefined) {
      let value: unknown;
      try {
        value = core.length === 1 ? f.fn(core[0]) : f.fn(...core);
      } catch (e) {
        return this.fail(e);
      }
      return this.complete(f, value) ? this.lifted1(f, value) : this.lastOutcome!;
    }
    return this.settle(f, this.invoker.call(exportName, core, pauseAt), callName ?? exportName);
  }

  /**
   * The lifted call on core values, as an embedder's typed API makes it (wasmtime
   * `TypedFunc::call`): entry check, the core export, post-return under may_leave=false, leave.
   * For all-u32 exports of an instance whose calls cannot pause. Returns the core result, or
   * LIFT_FAILED with the outcome (refusal, trap, host error …) in `lastOutcome`.
   */
  callU32(exportName: string, args: readonly number[]): unknown {
    const f = this.liftedExport(exportName);
    if (f === undefined || f.hasString || !this.direct) throw new Error(`callU32 ${exportName}: not an all-u32 lifted export of an unpaused instance`);
    if (!this.mayEnter()) {
      this.lastOutcome = REFUSED;
      return LIFT_FAILED;
    }
    this.entered++;
    let value: unknown;
    try {
      value = args.length === 1 ? f.fn(args[0]) : f.fn(...args);
    } catch (e) {
      this.lastOutcome = this.fail(e);
      return LIFT_FAILED;
    }
    return this.complete(f, value) ? value : LIFT_FAILED;
  }

  /**
   * After the core export returned: post-return runs (automatic profiles) or is owed (legacy),
   * and the call leaves. False when post-return failed; its outcome is in `lastOutcome`.
   */
  private complete(f: LiftedExport, value: unknown): boolean {
    if (this.explicitPostReturn) {
      this.pending = { export: f.name, core: value };
      this.entered--;
      return true;
    }
    if (f.post !== undefined) {
      this.mayLeave = false;
      try {
        f.post(value);
      } catch (e) {
        this.mayLeave = true;
        this.lastOutcome = this.fail(e); // C12: the value is not delivered; C11: an import from post-return
        return false;
      }
      this.mayLeave = true;
    }
    this.entered--;
    return true;
  }

  /** The step outcome of a lifted result: no value, or the u32 as an i32 (outcomes hold core value types). */
  private lifted1(f: LiftedExport, value: unknown): Outcome {
    return f.type.results.length === 0 ? RETURNED_NOTHING : { kind: 'return', values: [{ type: 'i32', value: String((value as number) | 0) }] };
  }

  /**
   * Where a core call ends up (also after `resume`): suspended (still entered), failed (poison),
   * or returned: lift the result, then post-return.
   */
  settle(f: LiftedExport, state: CoreCallState, callName: string): Outcome {
    if (state.state === 'suspended') {
      this.paused++;
      this.store.suspend(callName, this, f, state.call);
      return { kind: 'suspended', at: state.at };
    }
    if (state.state === 'failed') return this.fail(state.error);
    return this.complete(f, state.value) ? this.lifted1(f, state.value) : this.lastOutcome!;
  }

  /** The call failed inside the instance: it leaves the stack and its scope is locked down. */
  fail(error: unknown): Outcome {
    this.entered--;
    return this.lockDownAfter(error);
  }

  /** The outcome of a failure, with the profile's scope locked down (an unsupported request changes nothing). */
  private lockDownAfter(error: unknown): Outcome {
    const outcome = this.store.outcomeOf(error);
    if (outcome.kind === 'host-error' ? this.store.rules.hostErrorPoisons : outcome.kind !== 'unsupported') this.poison();
    return outcome;
  }

  /**
   * A lifted call the host makes on a guest's behalf from inside a host import (`call` /
   * `adapter`): it must return a core value or unwind the calling guest. In wasmtime-legacy the
   * host, being a correct embedder, runs the post-return at once.
   */
  callNested(exportName: string, args: readonly number[]): unknown {
    const outcome = this.call(exportName, args.map((a) => ({ type: 'u32' as const, value: String(a >>> 0) })));
    if (outcome.kind !== 'return') throw new NestedFailure(outcome);
    if (this.pending !== undefined) {
      const post = this.postReturn(exportName);
      if (post.kind !== 'return') throw new NestedFailure(post);
    }
    const v = outcome.values[0];
    return v === undefined ? undefined : Number(v.value) | 0;
  }

  /** The embedder's explicit post_return (wasmtime-legacy): runs the pending one; none pending is a host bug (wasmtime panics). */
  postReturn(exportName: string): Outcome {
    const step = this.store.rules.postReturnStep;
    if (step === 'unsupported') return { kind: 'unsupported', feature: 'post-return step (the spec profile runs post-return inside the lifted call)' };
    if (step === 'no-op') return RETURNED_NOTHING;
    const pending = this.pending;
    if (pending === undefined) return { kind: 'host-error', message: 'post_return without a pending call (wasmtime ≤ 41 panics)' };
    if (pending.export !== exportName)
      return { kind: 'host-error', message: `post_return on ${exportName} while ${pending.export} is pending (wasmtime ≤ 41 panics)` };
    this.pending = undefined;
    const post = this.liftedExport(exportName)?.post;
    if (post === undefined) return RETURNED_NOTHING;
    this.mayLeave = false;
    try {
      post(pending.core);
    } catch (e) {
      this.mayLeave = true;
      return this.lockDownAfter(e); // the call already left the stack when it returned
    }
    this.mayLeave = true;
    return RETURNED_NOTHING;
  }

  // --- LowerTarget -----------------------------------------------------------------------------

  realloc(len: number): number {
    return (this.exports['cabi_realloc'] as CoreFn)(0, 0, 1, len) as number;
  }

  memory(): WasmMemory | undefined {
    return this.exports['memory'] as WasmMemory | undefined;
  }

  private liftedExport(name: string): LiftedExport | undefined {
    // the hot path calls one export again and again: skip the map for it
    if (this.last !== undefined && this.last.name === name) return this.last;
    let f = this.lifted.get(name);
    if (f === undefined) {
      const type = this.store.config.exports[name];
      if (type === undefined || typeof this.exports[name] !== 'function') return undefined;
      const post = this.exports[`cabi_post_${name}`];
      f = { name, fn: this.exports[name] as CoreFn, type, hasString: type.params.includes('string'), post: typeof post === 'function' ? (post as CoreFn) : undefined };
      this.lifted.set(name, f);
    }
    this.last = f;
    return f;
  }
}

export type { LiftedExport };
