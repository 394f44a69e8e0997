/**
 * The runtime of one `conformance()` block: opened before its tests, closed after them when
 * trapcheck created it. A runtime trapcheck created is also restarted after a harness failure
 * (the CLI's crash recovery, src/pipeline/runtime-slot.ts); a runtime object the user passed is
 * retried as it is, and left open: its owner closes it.
 */
import { RuntimeSlot } from '../pipeline/runtime-slot.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import { createRuntime } from '../runtimes/registry.ts';
import type { RuntimeSource } from './options.ts';

export class RuntimeHandle {
  private slot: RuntimeSlot | undefined;

  constructor(private readonly source: RuntimeSource) {}

  /** True when the source is a registry name, which the `trapcheck` CLI can replay on. */
  get isRegistryRuntime(): boolean {
    return typeof this.source === 'string';
  }

  /** The name for labels before the runtime exists (a name or object's own; a factory's is not known yet). */
  get label(): string {
    if (typeof this.source === 'string') return this.source;
    if (typeof this.source === 'function') return this.source.name ? `${this.source.name}()` : 'a runtime from a factory';
    return this.source.name;
  }

  async open(): Promise<void> {
    const source = this.source;
    if (typeof source === 'string') this.slot = new RuntimeSlot(await createRuntime(source), () => createRuntime(source));
    else if (typeof source === 'function') this.slot = new RuntimeSlot(await source(), async () => source());
    else this.slot = new RuntimeSlot(source);
  }

  /** The slot the suite runs on; throws when `open` did not succeed (its error is vitest's report). */
  target(): RuntimeSlot {
    if (!this.slot) throw new Error(`trapcheck conformance: runtime ${this.label} did not start (see the beforeAll error)`);
    return this.slot;
  }

  runtime(): Runtime {
    return this.target().runtime();
  }

  async close(): Promise<void> {
    const slot = this.slot;
    this.slot = undefined;
    if (slot && typeof this.source !== 'object') await slot.close();
  }
}
