/**
 * The one child an out-of-process adapter runs its cases on (node / deno / bun drivers, jco,
 * @wasmer/sdk): started once, replaced on demand after it died, was killed by a watchdog or was
 * retired. One exit listener per child, not one per case: a death while a case runs reaches that
 * case through `onDeath`; a child killed or retired on purpose reports nothing (its case has
 * already settled). Every child it spawns, first or respawned, goes through `spec.onSpawn` at birth.
 */
import type { ChildSpec } from './child.ts';
import { LineChild } from './child.ts';

export class RespawningChild<In extends object, Out extends { t: string }> {
  /** Set while a case runs: called once if the live child dies under it. */
  onDeath: ((detail: string) => void) | undefined;
  /** Children killed by a watchdog so far (reported in observations' `raw`). */
  kills = 0;
  private live: LineChild<In, Out> | undefined;

  private constructor(readonly spec: ChildSpec) {}

  /** Spawns the first child and waits for its hello. */
  static async start<I extends object, O extends { t: string }>(spec: ChildSpec): Promise<{ child: RespawningChild<I, O>; hello: O }> {
    const r = new RespawningChild<I, O>(spec);
    const { child, hello } = await LineChild.start<I, O>(spec);
    r.adopt(child);
    return { child: r, hello };
  }

  private adopt(child: LineChild<In, Out>): LineChild<In, Out> {
    this.live = child;
    child.onExit((e) => {
      if (this.live !== child) return;
      this.live = undefined;
      const how = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
      const tail = e.stderr.trim().split('\n').slice(-2).join(' / ');
      this.onDeath?.(`${this.spec.name} process died (${how})${tail ? `: ${tail}` : ''}`);
    });
    return child;
  }

  /** The live child, or a fresh one when it is gone. */
  async ensure(): Promise<LineChild<In, Out>> {
    if (this.live && !this.live.exited) return this.live;
    return this.adopt((await LineChild.start<In, Out>(this.spec)).child);
  }

  /** The watchdog: SIGKILL the live child (it may be stuck in wasm); the next case gets a fresh one. */
  kill(): void {
    const ch = this.retire();
    if (ch) this.kills++;
  }

  /** Drops the live child at once (its state is not to be trusted), without counting a watchdog kill. */
  retire(): LineChild<In, Out> | undefined {
    const ch = this.live;
    this.live = undefined;
    ch?.kill();
    return ch;
  }

  /** Lets the live child end on its own (stdin closed), killing it after `graceMs`. */
  async close(graceMs?: number): Promise<void> {
    const ch = this.live;
    this.live = undefined;
    await ch?.close(graceMs);
  }
}
