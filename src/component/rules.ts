/**
 * The per-profile rules of component instances, as data (DESIGN §2 "Profiles are data, not `if`
 * statements"). Sources: ../shared/reference/instance-semantics.md §1.1 (spec), §2.2–2.5
 * (wasmtime ≤ 41 and ≥ 42), §7.1; re-entry: WebAssembly/component-model PR #705 (below).
 */
import type { ComponentProfile } from '../case.ts';

/**
 * The named rule sets for a synchronous re-entry into a component instance that is already on
 * the call stack (host → A → host import → A, C7; A → host → B → host → A, C9; a fused adapter
 * whose lift and lower are the same instance, C10):
 *
 * - `reentrant-2026`: the current Component Model. CM PR #705 "CABI: remove the may_enter
 *   flag/trap" (merged 2026-08-20, https://github.com/WebAssembly/component-model/pull/705)
 *   removed `ComponentInstance.may_enter` and the `trap_if(not inst.may_enter_from(caller))` of
 *   `Store.lift` (CanonicalABI.md §"Embedding"). A re-entrant call is an ordinary lifted call:
 *   `canon_lift` runs the callee (its post-return too), returns its value to the caller, and the
 *   outer call then continues; nothing traps and nothing is locked down. Concurrency.md
 *   §"Reentrance": "whenever a component calls an imported function, the component must assume
 *   that before the import call returns, the callee may reenter the caller's component instance
 *   by recursively calling an exported function"; test/async/reentrance.wast (assert_return for
 *   child-to-parent, parent-to-child and donut-wrapped recursion). Lockdown after a trap
 *   (Explainer §"Component Invariants" 1) is unchanged.
 * - `may-enter-2025`: the rule before #705 (CM PR #57, 2022, through CM #650, 2026-05): entering
 *   an instance already entered on the synchronous stack traps `cannot enter component
 *   instance` at the inner entry, and the trap unwinds and locks down every caller it passes.
 *   wasmtime implements it (≤ 41 and ≥ 42: func.rs `call_raw` → `may_enter`, tests
 *   `recurse_trap` / `recurse_more_trap`; fused adapters trap unconditionally, #12349;
 *   instance-semantics.md §2.1).
 */
export const REENTRY_RULE_SETS = ['reentrant-2026', 'may-enter-2025'] as const;
export type ReentryRuleSet = (typeof REENTRY_RULE_SETS)[number];

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
  /** Synchronous re-entry (C7, C9, C10): allowed (`reentrant-2026`, the spec since CM #705) or a trap (`may-enter-2025`). */
  reentry: ReentryRuleSet;
}

export const PROFILE_RULES: Readonly<Record<ComponentProfile, ProfileRules>> = {
  spec: { postReturn: 'automatic', poisonScope: 'instance', hostErrorPoisons: true, postReturnStep: 'unsupported', reentry: 'reentrant-2026' },
  'wasmtime-legacy': { postReturn: 'explicit', poisonScope: 'instance', hostErrorPoisons: true, postReturnStep: 'run', reentry: 'may-enter-2025' },
  'wasmtime-store': { postReturn: 'automatic', poisonScope: 'store', hostErrorPoisons: true, postReturnStep: 'no-op', reentry: 'may-enter-2025' },
};
