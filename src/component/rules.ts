/**
 * The per-profile rules of component instances, as data (DESIGN §2 "Profiles are data, not `if`
 * statements"). Sources: ../shared/reference/instance-semantics.md §1.1 (spec), §2.2–2.5
 * (wasmtime ≤ 41 and ≥ 42), §7.1.
 */
import type { ComponentProfile } from '../case.ts';

export interface ProfileRules {
  /**
   * Who runs post-return: the lifted call itself, with may_leave cleared, right after the result
   * is delivered (spec `canon_lift`, wasmtime ≥ 42 #12498), or the embedder's explicit
   * `post_return` (wasmtime ≤ 41: until then the instance cannot be entered, C2).
   */
  postReturn: 'automatic' | 'explicit';
  /** What a trap or a cancelled call locks down: the instance (spec, wasmtime ≤ 41) or every instance of the store (wasmtime ≥ 42, #12349). */
  poisonScope: 'instance' | 'store';
  /**
   * Whether a host import failing with a host error (not a wasm trap) poisons like a trap.
   * wasmtime: yes (the `Err` unwinds the guest like a trap: ≤ 41 never restores may_enter, ≥ 42
   * `set_trapped`). spec: yes as well: in the Canonical ABI a host function can only return or
   * trap, so a failing host function *is* a trap of the call and lockdown (Explainer invariant 1)
   * applies. (jco keeps the instance usable: a jco-side known divergence, C6.)
   */
  hostErrorPoisons: boolean;
  /**
   * The explicit `post-return` step: `run` the pending post-return (wasmtime ≤ 41), `no-op`
   * (wasmtime ≥ 42: `post_return` is deprecated and does nothing), or `unsupported` (the spec has
   * no such host operation: post-return is internal to `canon_lift`).
   */
  postReturnStep: 'run' | 'no-op' | 'unsupported';
}

export const PROFILE_RULES: Readonly<Record<ComponentProfile, ProfileRules>> = {
  spec: { postReturn: 'automatic', poisonScope: 'instance', hostErrorPoisons: true, postReturnStep: 'unsupported' },
  'wasmtime-legacy': { postReturn: 'explicit', poisonScope: 'instance', hostErrorPoisons: true, postReturnStep: 'run' },
  'wasmtime-store': { postReturn: 'automatic', poisonScope: 'store', hostErrorPoisons: true, postReturnStep: 'no-op' },
};
