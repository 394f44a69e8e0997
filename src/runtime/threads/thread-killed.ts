/** Thrown inside a thread whose process has ended: unwinds wasm without being a trap. */
export class ThreadKilled {
  readonly killed = true;
}
export const KILLED = new ThreadKilled();
