/**
 * The case's instance slots: the current one (the last instantiated) and the named ones. Every
 * step that addresses an instance resolves it here, so "no instance" reads the same everywhere.
 */
import type { Outcome } from '../../outcome.ts';
import type { CoreInstance, Unavailable } from './types.ts';

export class Instances {
  current: CoreInstance | Unavailable | undefined;
  private readonly named = new Map<string, CoreInstance | Unavailable>();

  lookup(name: string | undefined): CoreInstance | Unavailable | undefined {
    return name === undefined ? this.current : this.named.get(name);
  }

  /** The instance a step addresses, or the outcome explaining why there is none. */
  target(name: string | undefined, op: string): CoreInstance | Outcome {
    const t = this.lookup(name);
    if (!t) return { kind: 'crash', detail: name === undefined ? `${op}: no instance yet` : `${op}: no instance named ${JSON.stringify(name)}` };
    if ('unavailable' in t) return t.unavailable;
    return t;
  }

  /** The instance (or the slot of one that could not be created) becomes current, and `as` if named. */
  add(slot: CoreInstance | Unavailable, as: string | undefined): void {
    this.current = slot;
    if (as !== undefined) this.named.set(as, slot);
  }
}
