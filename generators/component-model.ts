/**
 * The expected semantics of the `component` guest (component-guest.ts) under each profile,
 * computed from the program, never by running it. A small interpreter over abstract actions:
 * it tracks each instance's counters, poison, pending post-return and call stack, and says what
 * every step must observe (instance-semantics.md §1.1, §2.1–2.5, §7.1).
 *
 * Re-entry (C7, C9, C10) follows the profile's named rule set (src/component/rules.ts), stated
 * here again on purpose so the model and the executor check each other: `spec` is the current
 * Component Model, where CM PR #705 (https://github.com/WebAssembly/component-model/pull/705)
 * removed the may_enter trap of `Store.lift` (CanonicalABI.md §"Embedding"), so a re-entrant call
 * runs like any lifted call and returns to its caller; the wasmtime profiles keep the
 * `may-enter-2025` trap that wasmtime implements.
 */
import type { ComponentProfile, ExpectedOutcome, MemoryRegion } from '../src/case.ts';
import type { ReentryRuleSet } from '../src/component/rules.ts';
import type { TrapKind } from '../src/outcome.ts';
import { COUNTER_BYTES, F_TRAP_ARG, HEAP_BASE, MEM, POST_LEAVE_ARG, POST_TRAP_ARG, REALLOC_LEAVE_LEN, REALLOC_TRAP_LEN } from './component-guest.ts';

export type GuestFn = 'f' | 's' | 'h' | 'g' | 'busy';

/** `busy(n)` with n at least this runs out of any budget a case sets (≥ 10 units per iteration, budgets ≤ 10^6). */
export const BUSY_FOREVER = 10_000_000;

/** What a host import of the guest does (the generator's view of HostImport). */
export type ImportPlan =
  | { kind: 'return'; value: number }
  | { kind: 'throw' }
  | { kind: 'exit' }
  | { kind: 'call' | 'adapter'; instance: string; export: GuestFn };

export interface ModelConfig {
  profile: ComponentProfile;
  k: number;
  log: boolean;
  /** Modules are fuel-metered and the store refuelled generously: `busy(BUSY_FOREVER)` runs out of fuel. */
  metered?: boolean;
  hop?: ImportPlan;
  back?: ImportPlan;
}

/** The re-entry rule set of each profile (see the file comment). */
export const MODEL_REENTRY: Readonly<Record<ComponentProfile, ReentryRuleSet>> = {
  spec: 'reentrant-2026',
  'wasmtime-legacy': 'may-enter-2025',
  'wasmtime-store': 'may-enter-2025',
};

interface ModelInstance {
  mem: Record<keyof typeof MEM, number>;
  poisoned: boolean;
  /** Lifted calls entered and not left (> 1 only by re-entry under reentrant-2026). */
  entered: number;
  /** A call paused at its fuel pause point owns the instance until resumed or cancelled (every profile). */
  paused: boolean;
  pending: { fn: GuestFn; r: number } | undefined;
}

type Result = { ok: number } | { fail: ExpectedOutcome };

const trap = (t: TrapKind): { fail: ExpectedOutcome } => ({ fail: { kind: 'trap', trap: t } });
const CANNOT_ENTER = trap('cannot enter component instance');
const CANNOT_LEAVE = trap('cannot leave component instance');
const u32 = (v: number): number => v >>> 0;
const utf8 = new TextEncoder();

export class GuestModel {
  private readonly instances = new Map<string, ModelInstance>();
  private storePoisoned = false;
  private exited: ExpectedOutcome | undefined;
  private readonly suspended = new Map<string, { fn: GuestFn; arg: number }>();

  constructor(private readonly cfg: ModelConfig) {}

  private get legacy(): boolean {
    return this.cfg.profile === 'wasmtime-legacy';
  }

  private get reentryTraps(): boolean {
    return MODEL_REENTRY[this.cfg.profile] === 'may-enter-2025';
  }

  /** Entry is refused: locked down, paused, a legacy post-return owed, or (may-enter-2025) already entered. */
  private refuses(i: ModelInstance): boolean {
    return i.poisoned || this.storePoisoned || i.paused || i.pending !== undefined || (this.reentryTraps && i.entered > 0);
  }

  instantiate(name: string): ExpectedOutcome {
    if (this.exited) return this.exited;
    this.instances.set(name, {
      mem: { calls: 0, postF: 0, realloc: 0, lastPost: 0, bump: HEAP_BASE, postS: 0, postH: 0, postBusy: 0 },
      poisoned: false,
      entered: 0,
      paused: false,
      pending: undefined,
    });
    return { kind: 'return' };
  }

  /** The counters region of an instance as the expectation states it. */
  memory(name: string): MemoryRegion[] {
    const m = this.inst(name).mem;
    const bytes = new Uint8Array(COUNTER_BYTES);
    const dv = new DataView(bytes.buffer);
    for (const [k, off] of Object.entries(MEM)) dv.setUint32(off, u32(m[k as keyof typeof MEM]), true);
    return [{ offset: 0, hex: Buffer.from(bytes).toString('hex') }];
  }

  /** Is the instance's scope poisoned (what property tests and tags want to know)? */
  locked(name: string): boolean {
    return this.inst(name).poisoned || this.storePoisoned;
  }

  /** A lifted call from the host. */
  call(name: string, fn: GuestFn, arg: number | string): ExpectedOutcome {
    if (this.exited) return this.exited;
    const r = this.lifted(name, fn, arg);
    if ('fail' in r) return r.fail;
    return { kind: 'return', values: [{ type: 'i32', value: String(r.ok | 0) }] };
  }

  /**
   * A call that pauses at its fuel pause point (X2): `busy` has entered its body (calls counted)
   * and the instance stays entered until `resumeToEnd` or `cancel`.
   */
  suspend(name: string, fn: GuestFn, arg: number): ExpectedOutcome {
    if (this.exited) return this.exited;
    const i = this.inst(name);
    if (this.refuses(i)) return CANNOT_ENTER.fail;
    i.entered++;
    i.paused = true;
    i.mem.calls++;
    this.suspended.set(name, { fn, arg });
    return { kind: 'suspended', at: 'fuel' };
  }

  /** The suspended call of `name` runs to its end with enough fuel. */
  resumeToEnd(name: string): ExpectedOutcome {
    const s = this.suspended.get(name)!;
    this.suspended.delete(name);
    const i = this.inst(name);
    i.paused = false;
    const r = u32(s.arg + this.cfg.k);
    if (this.legacy) {
      i.pending = { fn: s.fn, r };
      i.entered--;
      return { kind: 'return', values: [{ type: 'i32', value: String(r | 0) }] };
    }
    const post = this.post(i, s.fn, r);
    i.entered--;
    return 'fail' in post ? post.fail : { kind: 'return', values: [{ type: 'i32', value: String(r | 0) }] };
  }

  /** A dropped future: poisons in every profile (X2). */
  cancel(name: string): ExpectedOutcome {
    this.suspended.delete(name);
    const i = this.inst(name);
    i.paused = false;
    i.entered--;
    this.poison(i);
    return { kind: 'cancelled' };
  }

  /** The embedder's explicit post_return (wasmtime-legacy). */
  postReturn(name: string, fn: GuestFn): ExpectedOutcome {
    if (this.exited) return this.exited;
    if (this.cfg.profile === 'wasmtime-store') return { kind: 'return', values: [] };
    const i = this.inst(name);
    if (i.pending === undefined || i.pending.fn !== fn) return { kind: 'host-error' };
    const { r } = i.pending;
    i.pending = undefined;
    const res = this.post(i, fn, r);
    if ('fail' in res) return res.fail;
    return { kind: 'return', values: [] };
  }

  private inst(name: string): ModelInstance {
    const i = this.instances.get(name);
    if (!i) throw new Error(`component model: no instance ${name}`);
    return i;
  }

  private poison(i: ModelInstance): void {
    if (this.cfg.profile === 'wasmtime-store') this.storePoisoned = true;
    else i.poisoned = true;
  }

  private lifted(name: string, fn: GuestFn, arg: number | string): Result {
    const i = this.inst(name);
    if (this.refuses(i)) return CANNOT_ENTER;
    i.entered++;
    const body = this.body(name, i, fn, arg);
    if ('fail' in body) return this.fail(i, body);
    if (this.legacy) {
      i.pending = { fn, r: body.ok };
      i.entered--;
      return body;
    }
    const post = this.post(i, fn, body.ok);
    i.entered--;
    return 'fail' in post ? post : body;
  }

  /** The call fails inside the instance: it leaves the stack and its scope is locked down. */
  private fail(i: ModelInstance, r: { fail: ExpectedOutcome }): Result {
    i.entered--;
    return this.lockDown(i, r);
  }

  /** A failure's effect on the scope (without leaving: post-return also fails after the call left, in legacy). */
  private lockDown(i: ModelInstance, r: { fail: ExpectedOutcome }): Result {
    if (r.fail.kind === 'exit') this.exited = r.fail;
    else this.poison(i); // a host error poisons too, in every profile (src/component/rules.ts)
    return r;
  }

  private body(name: string, i: ModelInstance, fn: GuestFn, arg: number | string): Result {
    const k = this.cfg.k;
    if (fn === 's') {
      const bytes = utf8.encode(String(arg));
      const n = bytes.length;
      i.mem.realloc++;
      if (n === REALLOC_TRAP_LEN) return trap('unreachable');
      if (n === REALLOC_LEAVE_LEN && this.cfg.log) return CANNOT_LEAVE;
      i.mem.bump += n;
      i.mem.calls++;
      return { ok: u32(((n << 8) | (n ? bytes[0]! : 0)) + k) };
    }
    const x = u32(arg as number);
    i.mem.calls++;
    if (fn === 'busy') return this.cfg.metered && x >= BUSY_FOREVER ? trap('out of fuel') : { ok: u32(x + k) };
    if (fn === 'f') return x === F_TRAP_ARG ? trap('unreachable') : { ok: u32(x + k) };
    const plan = fn === 'h' ? this.cfg.hop : this.cfg.back;
    if (!plan) throw new Error(`component model: ${fn} has no import plan`);
    const v = this.hostImport(name, plan, x);
    return 'fail' in v ? v : { ok: u32(v.ok + k) };
  }

  private hostImport(caller: string, plan: ImportPlan, x: number): Result {
    switch (plan.kind) {
      case 'return':
        return { ok: u32(plan.value) };
      case 'throw':
        return { fail: { kind: 'host-error' } };
      case 'exit':
        // `result<_, _>` lifted from the discriminant: 0 ok, 1 err, anything else traps
        return x === 0 || x === 1 ? { fail: { kind: 'exit', code: x } } : trap('invalid variant discriminant');
      case 'call':
      case 'adapter': {
        // a fused adapter lifting and lowering in one instance: wasmtime traps unconditionally (#12349)
        if (plan.kind === 'adapter' && plan.instance === caller && this.reentryTraps) return CANNOT_ENTER;
        const r = this.lifted(plan.instance, plan.export, x);
        if ('fail' in r || !this.legacy) return r;
        // a correct legacy embedder (and a fused adapter) runs the callee's post-return at once
        const callee = this.inst(plan.instance);
        callee.pending = undefined;
        const post = this.post(callee, plan.export, r.ok);
        return 'fail' in post ? post : r;
      }
    }
  }

  /** Runs `fn`'s post-return (with may_leave clear); a failure poisons. */
  private post(i: ModelInstance, fn: GuestFn, r: number): Result {
    const k = this.cfg.k;
    const done: Result = { ok: r };
    switch (fn) {
      case 'f':
        i.mem.postF++;
        i.mem.lastPost = r;
        if (r === u32(k + POST_TRAP_ARG)) return this.lockDown(i, trap('unreachable'));
        if (r === u32(k + POST_LEAVE_ARG) && this.cfg.log) return this.lockDown(i, CANNOT_LEAVE);
        return done;
      case 's':
        i.mem.postS++;
        i.mem.lastPost = r;
        return done;
      case 'h':
        i.mem.postH++;
        i.mem.lastPost = r;
        return done;
      case 'busy':
        i.mem.postBusy++;
        i.mem.lastPost = r;
        return done;
      case 'g':
        return done;
    }
  }
}
