/**
 * What the component layer throws *through* guest code. A host import runs inside the caller's
 * core wasm frames, so a refusal there (may_leave cleared, re-entry) or a failed nested call
 * has to unwind the guest like a trap would: it is thrown as one of these objects and turned
 * back into an Outcome where the lifted call settles. Plain classes, not Errors: no stack
 * capture on the hot path, and a guest can never mistake them for engine traps.
 */
import type { Outcome, TrapKind } from '../outcome.ts';

/** A trap raised by the Canonical ABI itself (`cannot enter/leave component instance`, a bad string range …). */
export class ComponentTrap {
  constructor(readonly kind: TrapKind, readonly message: string) {}
}

/** A host import that fails with a host error (`HostImport` kind `throw`): not a wasm trap. */
export class HostImportFailure {
  constructor(readonly message: string) {}
}

/** A nested lifted call (made by a host import on the guest's behalf) that did not return: its outcome propagates as is. */
export class NestedFailure {
  constructor(readonly outcome: Outcome) {}
}

export const CANNOT_ENTER = new ComponentTrap('cannot enter component instance', 'wasm trap: cannot enter component instance');
export const CANNOT_LEAVE = new ComponentTrap('cannot leave component instance', 'wasm trap: cannot leave component instance');
export const INVALID_RESULT = new ComponentTrap('invalid variant discriminant', 'wasm trap: invalid variant discriminant for expected');
