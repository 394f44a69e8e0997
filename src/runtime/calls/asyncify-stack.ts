/**
 * Asyncify parking on one instance, without corrupting guest memory (../shared/reference/
 * feasibility-node20.md §2). Asyncify keeps the unwound stack in linear memory; the host lends it
 * the start of the guest's own memory and swaps the guest's bytes out for exactly as long as that
 * region holds Asyncify data:
 *
 *   startUnwind (in the suspending import)   guest bytes saved, header written, start_unwind
 *   finishUnwind (after the export returned) stop_unwind, data copied out, guest bytes back
 *   startRewind (before re-calling the export) guest bytes saved, data copied in, start_rewind
 *   finishRewind (in the import, resumed)    stop_rewind, guest bytes back
 *
 * Between steps Asyncify's state is always 0 (normal) and the parked data lives host-side, so any
 * number of calls of one instance can be parked at once, and dropping one (cancel) is just
 * forgetting its data. The region is the whole memory by default: an unwind that overflows it
 * then traps out of bounds instead of silently overwriting guest bytes past a smaller buffer
 * (Asyncify only notices an overflow at stop_unwind, after the damage).
 */
import type { WasmExports, WasmMemory } from '../wasm-api.ts';

/** Asyncify's data header: i32 current position, i32 end. The stack follows it. */
const HEADER = 8;

export class SuspendUnsupported extends Error {
  override name = 'SuspendUnsupported';
}

type Fn0 = () => unknown;
type Fn1 = (a: number) => unknown;

export class AsyncifyStack {
  private mode: 'normal' | 'unwinding' | 'rewinding' = 'normal';
  /** The guest's own bytes of the region while it holds Asyncify data. */
  private guest: Uint8Array | undefined;

  constructor(
    private readonly exports: WasmExports,
    private readonly memory: () => WasmMemory | undefined,
    /** Most bytes lent to Asyncify (default: the whole memory). */
    private readonly maxRegion = Infinity,
  ) {}

  get unwinding(): boolean {
    return this.mode === 'unwinding';
  }
  get rewinding(): boolean {
    return this.mode === 'rewinding';
  }

  private region(): Uint8Array {
    const mem = this.memory();
    const length = mem ? Math.min(mem.buffer.byteLength, this.maxRegion) : 0;
    if (length < 64) throw new SuspendUnsupported('a module without (enough) linear memory cannot be suspended');
    return new Uint8Array(mem!.buffer, 0, length);
  }

  /** In a suspending import: from here the wasm stack unwinds to the export's caller. */
  startUnwind(): void {
    const r = this.region();
    this.guest = r.slice();
    const v = new DataView(r.buffer, r.byteOffset, HEADER);
    v.setInt32(0, HEADER, true);
    v.setInt32(4, r.length, true);
    (this.exports['asyncify_start_unwind'] as Fn1)(0);
    this.mode = 'unwinding';
  }

  /** After the export returned while unwinding: the parked stack; guest memory is the guest's again. */
  finishUnwind(): Uint8Array {
    (this.exports['asyncify_stop_unwind'] as Fn0)();
    this.mode = 'normal';
    const r = this.region();
    const end = new DataView(r.buffer, r.byteOffset, HEADER).getInt32(0, true);
    const parked = r.slice(0, end);
    this.restoreGuest(r);
    return parked;
  }

  /** Before calling the SAME export with the SAME arguments again: it rewinds to where it unwound. */
  startRewind(parked: Uint8Array): void {
    const r = this.region();
    this.guest = r.slice(0, parked.length);
    r.set(parked);
    (this.exports['asyncify_start_rewind'] as Fn1)(0);
    this.mode = 'rewinding';
  }

  /** In the import the call was parked in: the stack is back; the import now returns normally. */
  finishRewind(): void {
    (this.exports['asyncify_stop_rewind'] as Fn0)();
    this.mode = 'normal';
    this.restoreGuest(this.region());
  }

  /**
   * After an exception escaped mid-unwind or mid-rewind: Asyncify back to normal and the guest's
   * bytes back (a state left at "unwinding" makes every later instrumented call return junk).
   */
  abandon(): void {
    try {
      if (this.mode === 'unwinding') (this.exports['asyncify_stop_unwind'] as Fn0)();
      else if (this.mode === 'rewinding') (this.exports['asyncify_stop_rewind'] as Fn0)();
    } catch {
      // an overflowed buffer makes stop_unwind trap; the state is what `state()` says next
    }
    this.mode = 'normal';
    if (this.guest) this.restoreGuest(this.region());
  }

  /** Asyncify's own state: 0 normal, 1 unwinding, 2 rewinding. */
  state(): number {
    return Number((this.exports['asyncify_get_state'] as Fn0)());
  }

  private restoreGuest(r: Uint8Array): void {
    if (this.guest) r.set(this.guest.subarray(0, Math.min(this.guest.length, r.length)));
    this.guest = undefined;
  }
}
