/**
 * A runtime under test that can be replaced: the crash recovery of every command (run, spec,
 * replay, fuzz) restarts a runtime whose harness threw, so one bad case costs that case a
 * `crash` verdict, never the run.
 */
import type { Runtime } from '../runtimes/adapter.ts';
import type { RecoveringTarget } from './recovering.ts';

export class RuntimeSlot implements RecoveringTarget {
  private current: Runtime;

  /** `create` starts a fresh runtime of the same spec; absent, a failed runtime is kept and retried. */
  constructor(first: Runtime, private readonly create?: () => Promise<Runtime>) {
    this.current = first;
  }

  runtime(): Runtime {
    return this.current;
  }

  async restart(): Promise<void> {
    if (!this.create) return;
    await this.current.close().catch(() => undefined);
    this.current = await this.create();
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
