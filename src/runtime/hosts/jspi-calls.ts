/**
 * Async calls into one core instance under JSPI: the engine suspends the wasm stack itself, so the
 * module runs without Asyncify (only fuel-metered, when the case is). The suspendable host ABI
 * (`trapcheck:host.yield` / `.block`, `trapcheck:fuel.exhausted`) is imported through
 * `WebAssembly.Suspending`, and every export call goes through `WebAssembly.promising`.
 *
 * The pause rules are the Asyncify host's (src/runtime/calls/core-calls.ts), so both mechanisms
 * answer to one model (generators/cancellation-model.ts): a `{suspension: k}` pause parks at the
 * k-th suspension from here, a `{fuel: n}` pause parks where the balance goes below 0, any other
 * suspension continues at once (`block` returns 0) and running dry throws OUT_OF_FUEL. Parking =
 * the import returns a promise the host holds (./jspi-flight.ts). Resume resolves it (fuel: only
 * once the balance is back at ≥ 0); cancel abandons it, or rejects it (the rejection is thrown into
 * wasm at the suspension point and unwinds the frames: spec "create a suspending function", the
 * `awaitResult` throw completion is rethrown as a WebAssembly exception).
 *
 * One import exists only here: `trapcheck:jspi.reenter(i32) -> i32` is a plain JS function that
 * calls the instance's own export `inner` (unwrapped) and returns its result. It puts a JS frame
 * between the promising export and any suspending import `inner` reaches, which the JS API refuses
 * with a SuspendError ("create a suspending function": the running execution context is not active).
 */
import type { PausePoint } from '../../case.ts';
import { FuelGauge } from '../calls/fuel-gauge.ts';
import { FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE, HOST_BLOCK, HOST_MODULE, HOST_YIELD, OUT_OF_FUEL } from '../../wasm/instrument/fuel-abi.ts';
import { CallUnsupported } from '../calls/core-calls.ts';
import type { ResumeOptions } from '../calls/types.ts';
import type { WasmExports } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import type { JspiApi } from './jspi-api.ts';
import type { Stretch } from './jspi-flight.ts';
import { Flight, JspiCancelled, plainStretch } from './jspi-flight.ts';

export type JspiCallState =
  | { state: 'returned'; value: unknown }
  | { state: 'failed'; error: unknown }
  | { state: 'suspended'; at: 'entry' | 'host' | 'fuel'; call: JspiPending };

export interface JspiPending {
  resume(options?: ResumeOptions): Promise<JspiCallState>;
  /**
   * `abandon`: the held promise is dropped unsettled (undefined: nothing runs). `reject`: it is
   * rejected with a JspiCancelled, and the call runs on until it ends or parks again.
   */
  cancel(how: 'abandon' | 'reject'): Promise<JspiCallState | undefined>;
}

/** The JSPI-only host ABI: a JS frame that calls back into the instance. */
export const JSPI_MODULE = 'trapcheck:jspi';
export const JSPI_REENTER = 'reenter';

export interface JspiCallsOptions {
  metered: boolean;
  /** The budget the instance starts with (a `refuel` step before `instantiate`); default 0. */
  initialFuel?: number;
}

/** Credit of an unlimited resume, as in core-calls.ts. */
const UNLIMITED = 1n << 60n;

type AsyncFn = (...a: unknown[]) => Promise<unknown>;

export class JspiCalls {
  readonly imports: Record<string, Record<string, unknown>>;
  private exports: WasmExports | undefined;
  private readonly promisingExports = new Map<string, AsyncFn>();
  /** The call whose stretch is running (one at a time: the host awaits each stretch's event). */
  private running: Flight | undefined;
  /** A metered start function is running as an export (./jspi-start.ts): the guest's suspending imports are refused. */
  private starting = false;

  constructor(
    private readonly api: JspiApi,
    readonly options: JspiCallsOptions,
  ) {
    this.imports = {
      [HOST_MODULE]: { [HOST_YIELD]: new api.Suspending(() => this.suspension()), [HOST_BLOCK]: new api.Suspending(() => this.suspension()) },
      [FUEL_MODULE]: {
        [FUEL_HOOK]: new api.Suspending(() => this.exhausted()),
        [FUEL_INITIAL]: new WA.Global({ value: 'i64', mutable: false }, BigInt(options.initialFuel ?? 0)),
      },
      [JSPI_MODULE]: { [JSPI_REENTER]: (x: number): unknown => this.reenter(x) },
    };
  }

  bind(exports: WasmExports): this {
    this.exports = exports;
    return this;
  }

  // --- fuel (the balance rules core-calls.ts shares: ../calls/fuel-gauge.ts) -----------------------

  /** The instance's fuel balance (../calls/fuel-gauge.ts); reads nothing while unmetered or not instantiated. */
  private readonly gauge = new FuelGauge(() => (this.options.metered ? (this.exports?.[FUEL_GLOBAL] as { value: bigint } | undefined) : undefined));

  /** Units left (never below 0); undefined for an unmetered instance. */
  get fuel(): number | undefined {
    return this.gauge.units;
  }

  setFuel(units: number): void {
    this.gauge.set(units);
  }

  // --- suspending imports ----------------------------------------------------------------------

  /** `trapcheck:host.yield` / `.block`: parks at the k-th suspension, else returns 0 (still a suspension under JSPI). */
  private suspension(): number | Promise<unknown> {
    if (this.starting) throw new this.api.SuspendError('a suspending import called in a start function, outside any promising export');
    const f = this.running;
    const s = f?.stretch;
    if (!f || s?.suspensionsLeft === undefined || --s.suspensionsLeft > 0) return 0;
    return f.park('host');
  }

  /** `trapcheck:fuel.exhausted`: the balance went below 0. */
  private exhausted(): undefined | Promise<unknown> {
    if (!this.gauge.dry) return undefined;
    const f = this.running;
    if (f?.stretch.fuelPauses) return f.park('fuel');
    throw OUT_OF_FUEL;
  }

  /** `trapcheck:jspi.reenter`: a JS frame calling the instance's `inner`; a start function has no instance to call yet. */
  private reenter(x: number): unknown {
    if (this.starting) throw new TypeError('trapcheck:jspi.reenter called in a start function: the instance does not exist yet');
    return (this.exports?.['inner'] as (x: number) => unknown)(x);
  }

  // --- calls -----------------------------------------------------------------------------------

  /**
   * Runs a metered module's start function, rewritten into the export `name` (./jspi-start.ts),
   * through `promising` so that the fuel hook can be called; `returned` or `failed`, never parked.
   */
  async runStart(name: string): Promise<JspiCallState> {
    this.starting = true;
    try {
      return await this.call(name, []);
    } finally {
      this.starting = false;
    }
  }

  call(exportName: string, args: readonly unknown[], pauseAt?: PausePoint): Promise<JspiCallState> {
    const f = new Flight(exportName);
    const begin = (): void => f.watch(this.promising(exportName)(...args));
    if (pauseAt === 'entry') return Promise.resolve({ state: 'suspended', at: 'entry', call: this.pending(f, begin) });
    let s: Stretch;
    try {
      s = this.stretch(pauseAt);
      if (pauseAt !== undefined && 'fuel' in pauseAt) this.setFuel(pauseAt.fuel);
    } catch (error) {
      return Promise.resolve({ state: 'failed', error });
    }
    return this.drive(f, s, begin);
  }

  private promising(name: string): AsyncFn {
    let fn = this.promisingExports.get(name);
    if (!fn) {
      const raw = this.exports?.[name];
      if (typeof raw !== 'function') throw new Error(`no exported function ${JSON.stringify(name)}`);
      fn = this.api.promising(raw as (...a: never[]) => unknown) as AsyncFn;
      this.promisingExports.set(name, fn);
    }
    return fn;
  }

  private stretch(pauseAt: PausePoint | undefined): Stretch {
    const s = plainStretch();
    if (pauseAt === undefined || pauseAt === 'entry') return s;
    if ('suspension' in pauseAt) s.suspensionsLeft = pauseAt.suspension;
    else {
      if (!this.options.metered) throw new CallUnsupported('a fuel pause point needs the fuel feature');
      s.fuelPauses = true;
    }
    return s;
  }

  /** Runs one stretch of `f` (started by `start`) until it parks or ends. */
  private async drive(f: Flight, s: Stretch, start: () => void): Promise<JspiCallState> {
    if (s.credit) this.gauge.add(s.credit);
    const outer = this.running;
    this.running = f;
    f.stretch = s;
    const event = f.next();
    let ev;
    try {
      start();
      ev = await event;
    } catch (error) {
      ev = { e: 'failed' as const, error };
    } finally {
      this.running = outer;
    }
    this.endStretch(s);
    if (ev.e === 'parked') return { state: 'suspended', at: ev.at, call: this.pending(f, undefined) };
    if (ev.e === 'returned') return { state: 'returned', value: ev.value };
    return { state: 'failed', error: ev.error };
  }

  private endStretch(s: Stretch): void {
    this.gauge.takeBack(s.credit);
  }

  /** A parked call; `begin` set: not started yet (an `entry` pause). */
  private pending(f: Flight, begin: (() => void) | undefined): JspiPending {
    let open = true;
    const take = (): void => {
      if (!open) throw new Error(`call of ${JSON.stringify(f.exportName)} already resumed or cancelled`);
      open = false;
    };
    return {
      resume: async (options: ResumeOptions = {}): Promise<JspiCallState> => {
        take();
        const { pauseAt } = options;
        if (pauseAt === 'entry') return { state: 'suspended', at: 'entry', call: this.pending(f, begin) };
        let s: Stretch;
        try {
          s = this.stretch(pauseAt);
        } catch (error) {
          return { state: 'failed', error };
        }
        const grant = BigInt(options.fuel ?? 0) + BigInt(pauseAt !== undefined && 'fuel' in pauseAt ? pauseAt.fuel : 0);
        if (options.fuel === undefined && !s.fuelPauses) s.credit = UNLIMITED;
        else this.gauge.add(grant);
        if (begin) return this.drive(f, s, begin);
        if (f.parkedAt === 'fuel' && this.gauge.dry && s.credit === 0n) {
          // the charge is still owed: a fuel pause stays parked, anything else runs dry here
          if (s.fuelPauses) return { state: 'suspended', at: 'fuel', call: this.pending(f, undefined) };
          return this.drive(f, s, () => f.reject(OUT_OF_FUEL));
        }
        const value = f.parkedAt === 'host' ? (options.value ?? 0) : undefined;
        return this.drive(f, s, () => f.resolve(value));
      },
      cancel: async (how: 'abandon' | 'reject'): Promise<JspiCallState | undefined> => {
        take();
        if (begin || how === 'abandon') {
          f.abandon();
          return undefined;
        }
        return this.drive(f, plainStretch(), () => f.reject(new JspiCancelled()));
      },
    };
  }
}
