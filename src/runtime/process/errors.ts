/**
 * What a process's host code throws through its wasm stack. Each ends the process differently
 * (scheduler.ts `fail`): a host error is a Failure with exit 1, an unsupported feature makes the
 * step `unsupported`, and KILLED unwinds a process that was already terminated at a yield point.
 */

/** A host function refused the call (Lunatic returns a host error, which kills the process). */
export class HostError {
  constructor(readonly message: string) {}
}

/** Something the reference host does not model: the outcome is `unsupported(feature)`, not a guess. */
export class ProcessUnsupported {
  constructor(readonly feature: string) {}
}

/** Thrown by a yield point once the process's own signals killed it: its wasm is dropped, not unwound. */
export class Killed {
  readonly killed = true;
}
export const KILLED = new Killed();
