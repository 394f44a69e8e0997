/**
 * Lanes for @wasmer/sdk: several SDK children, each running one case at a time, so a case that
 * hangs (the SDK hangs on a trapping thread, ~11% of such runs) holds up its own lane for its
 * budget while the other lanes go on with the batch. Session 6 ran the SDK serially on one
 * child and had to leave it out of the thread campaigns: every hang stalled the whole batch, and
 * every threaded case also waited for a fresh child (~2.5 s to start under load).
 *
 * A lane replaces a child it retires or kills AT ONCE, in the background (`renew`), so the next
 * case finds a child that started while the previous one ended.
 */
import type { ChildSpec, LineChild } from '../child.ts';
import { RespawningChild } from '../respawning-child.ts';

export class SdkLane<In extends object, Out extends { t: string }> {
  /** The start of the replacement child, when one is on its way. */
  private warming: Promise<unknown> | undefined;

  constructor(readonly child: RespawningChild<In, Out>) {}

  static async start<I extends object, O extends { t: string }>(spec: ChildSpec): Promise<{ lane: SdkLane<I, O>; hello: O }> {
    const { child, hello } = await RespawningChild.start<I, O>(spec);
    return { lane: new SdkLane(child), hello };
  }

  /** The live child, once any replacement under way has started. */
  async ready(): Promise<LineChild<In, Out>> {
    await this.warming;
    this.warming = undefined;
    return this.child.ensure();
  }

  /** Drops the live child (killed by the watchdog or not to be trusted) and starts its successor now. */
  renew(killed: boolean): void {
    if (killed) this.child.kill();
    else this.child.retire();
    this.warming = this.child.ensure().catch(() => undefined);
  }

  async close(graceMs: number): Promise<void> {
    await this.warming;
    await this.child.close(graceMs);
  }
}

/** Hands out free lanes, first come first served. */
export class LanePool<L> {
  private readonly free: L[];
  private readonly waiting: Array<(lane: L) => void> = [];

  constructor(readonly lanes: readonly L[]) {
    this.free = [...lanes];
  }

  async use<T>(work: (lane: L) => Promise<T>): Promise<T> {
    const lane = this.free.pop() ?? (await new Promise<L>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(lane);
    } finally {
      const next = this.waiting.shift();
      if (next) next(lane);
      else this.free.push(lane);
    }
  }
}
