/**
 * One call in flight under JSPI: the Promise its `WebAssembly.promising` export returned, and, while
 * it is parked, the promise its suspending import is waiting on (the host holds it: resolving it
 * resumes the wasm stack, rejecting it throws into wasm at the suspension point, never settling it
 * abandons the stack). The host waits for the call's next *event*: it parked, returned or failed.
 *
 * Under JSPI every call of a `Suspending` import suspends the wasm stack, even when the wrapped
 * function returns a plain value: the JS API awaits `PromiseResolve(result)` ("create a suspending
 * function", https://github.com/WebAssembly/js-promise-integration document/js-api/index.bs).
 * Measured on Deno 2.9.6 and Bun 1.4.5: a global written after such a call is not yet written when
 * the promising export returns. So an event is always awaited, never read synchronously.
 */

export type FlightEvent = { e: 'parked'; at: 'host' | 'fuel' } | { e: 'returned'; value: unknown } | { e: 'failed'; error: unknown };

/** One run of guest code between two host steps (call, resume, cancel). */
export interface Stretch {
  /** Park inside the k-th suspension from here (counts down); undefined: suspensions never park. */
  suspensionsLeft: number | undefined;
  /** Running dry parks (a `{fuel}` pause point) instead of trapping `out of fuel`. */
  fuelPauses: boolean;
  /** Fuel lent for this stretch only (an unlimited resume); what is left is taken back afterwards. */
  credit: bigint;
}

export const plainStretch = (): Stretch => ({ suspensionsLeft: undefined, fuelPauses: false, credit: 0n });

/** The reason a call cancelled by rejection receives at its suspension point. */
export class JspiCancelled extends Error {
  override name = 'JspiCancelled';
  constructor() {
    super('trapcheck cancelled this call: its suspension point was rejected');
  }
}

export class Flight {
  stretch: Stretch = plainStretch();
  /** Set while the call is parked: the settle functions of the promise its import waits on. */
  private held: { resolve(v: unknown): void; reject(e: unknown): void } | undefined;
  /** Where it is parked (undefined: running, ended or not started). */
  parkedAt: 'host' | 'fuel' | undefined;
  private waiter: ((ev: FlightEvent) => void) | undefined;
  private queued: FlightEvent | undefined;

  constructor(readonly exportName: string) {}

  /** Called from a suspending import: the promise the wasm stack will wait on, held by the host. */
  park(at: 'host' | 'fuel'): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.held = { resolve, reject };
      this.parkedAt = at;
      this.signal({ e: 'parked', at });
    });
  }

  /** Watches the promising export's Promise (its settlement is the call's last event). */
  watch(p: Promise<unknown>): void {
    p.then(
      (value) => this.signal({ e: 'returned', value }),
      (error: unknown) => this.signal({ e: 'failed', error }),
    );
  }

  /** The next event; call before starting the stretch that produces it. */
  next(): Promise<FlightEvent> {
    const q = this.queued;
    if (q) {
      this.queued = undefined;
      return Promise.resolve(q);
    }
    return new Promise<FlightEvent>((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Resumes the parked stack with `value` (what the import returns to wasm). */
  resolve(value: unknown): void {
    this.take().resolve(value);
  }

  /** Throws `reason` into the parked stack at its suspension point. */
  reject(reason: unknown): void {
    this.take().reject(reason);
  }

  /** Forgets the parked stack without settling it: no more guest code of this call runs. */
  abandon(): void {
    this.held = undefined;
    this.parkedAt = undefined;
  }

  private take(): { resolve(v: unknown): void; reject(e: unknown): void } {
    const h = this.held;
    if (!h) throw new Error(`call of ${JSON.stringify(this.exportName)} is not parked`);
    this.held = undefined;
    this.parkedAt = undefined;
    return h;
  }

  private signal(ev: FlightEvent): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(ev);
    } else this.queued = ev;
  }
}
