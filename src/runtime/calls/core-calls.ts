/**
 * Async calls into one core instance (the CoreInvoker of ./types.ts): fuel budgets and Asyncify
 * suspensions turned into exact pause points, resume and cancel (DESIGN §5 "Suspension and
 * cancellation"; instance-semantics.md §2.5 X1, §2.6, §7.3 K2).
 *
 * The instance is built from a module instrumented by ./instrument.ts; `imports` are the host
 * functions it needs (`trapcheck:host.yield` / `.block`, `trapcheck:fuel.exhausted`), so the order
 * is: `new CoreCalls(options)`, instantiate with `calls.imports`, then `calls.bind(exports, memory)`.
 *
 * Fuel is a balance: every metering point subtracts its cost, and the charge that takes the
 * balance below 0 is the exhaustion point. There, a call whose pause point is `{fuel}` parks
 * (Asyncify); any other call throws OUT_OF_FUEL (`trap "out of fuel"`), and the instance stays
 * usable: `setFuel` and call again (K2). A parked charge stays owed: resuming with `m` more units
 * continues only if the balance is back at ≥ 0, so across pauses a call runs exactly as far as the
 * sum of its grants. A resume without any fuel is unlimited for that stretch; afterwards the
 * balance is what is left of the old one (never below 0).
 *
 * Cancel drops the parked stack: Asyncify is already back to normal (it always is between steps),
 * no more guest code of that call runs, and memory keeps every write made before the pause (X1).
 */
import type { PausePoint } from '../../case.ts';
import { FuelGauge } from './fuel-gauge.ts';
import { FUEL_GLOBAL, FUEL_HOOK, FUEL_INITIAL, FUEL_MODULE, HOST_BLOCK, HOST_MODULE, HOST_YIELD, OUT_OF_FUEL } from '../../wasm/instrument/fuel-abi.ts';
import type { WasmExports, WasmMemory } from '../wasm-api.ts';
import { WA } from '../wasm-api.ts';
import { AsyncifyStack } from './asyncify-stack.ts';
import type { CoreCallState, CoreInvoker, PendingCall, ResumeOptions } from './types.ts';

export interface CoreCallsOptions {
  /** The module is fuel-metered (`fuel` feature). */
  metered: boolean;
  /** The module went through Asyncify (`asyncify` feature): host suspensions (and, when metered, exhaustion) can park a call. */
  suspendable: boolean;
  /** The budget the instance starts with, before its start function runs (a `refuel` step before `instantiate`); default 0. */
  initialFuel?: number;
}

/** A pause point this instance cannot honour (e.g. `{fuel}` without metering): the step is `unsupported`. */
export class CallUnsupported extends Error {
  override name = 'CallUnsupported';
  constructor(readonly feature: string) {
    super(feature);
  }
}

/** Credit of an unlimited resume: far beyond any budget a case sets, far below i64 overflow. */
const UNLIMITED = 1n << 60n;

/** One run of guest code: from a call or resume step to its end or next pause. */
interface Stretch {
  /** Pause inside the k-th suspension from here (counts down); undefined: suspensions never pause. */
  suspensionsLeft: number | undefined;
  fuelPauses: boolean;
  credit: bigint;
  /** What a resumed `block` returns. */
  blockValue: number;
  /** Set when the stretch parked. */
  at?: 'host' | 'fuel';
}

type Guest = (...a: unknown[]) => unknown;

export class CoreCalls implements CoreInvoker {
  readonly imports: Record<string, Record<string, unknown>>;
  private exports: WasmExports | undefined;
  private stack: AsyncifyStack | undefined;
  private active: Stretch | undefined;

  constructor(readonly options: CoreCallsOptions) {
    this.imports = {
      [HOST_MODULE]: { [HOST_YIELD]: (): void => void this.suspension(), [HOST_BLOCK]: (): number => this.suspension() },
      [FUEL_MODULE]: {
        [FUEL_HOOK]: (): void => this.exhausted(),
        [FUEL_INITIAL]: new WA.Global({ value: 'i64', mutable: false }, BigInt(options.initialFuel ?? 0)),
      },
    };
  }

  bind(exports: WasmExports, memory: () => WasmMemory | undefined): this {
    this.exports = exports;
    if (this.options.suspendable) this.stack = new AsyncifyStack(exports, memory);
    return this;
  }

  // --- fuel ------------------------------------------------------------------------------------

  /** The instance's fuel balance (./fuel-gauge.ts); reads nothing while unmetered or not instantiated. */
  private readonly gauge = new FuelGauge(() => (this.options.metered ? (this.exports?.[FUEL_GLOBAL] as { value: bigint } | undefined) : undefined));

  /** Units left (never below 0); undefined for an unmetered instance. */
  get fuel(): number | undefined {
    return this.gauge.units;
  }

  setFuel(units: number): void {
    this.gauge.set(units);
  }

  // --- host imports ----------------------------------------------------------------------------

  /** `trapcheck:host.yield` / `.block`: parks the call at its k-th suspension, else returns at once (0). */
  private suspension(): number {
    const s = this.active;
    if (this.stack?.rewinding) {
      this.stack.finishRewind();
      return s?.blockValue ?? 0;
    }
    if (s?.suspensionsLeft === undefined || --s.suspensionsLeft > 0) return 0;
    if (!this.stack) throw new CallUnsupported('pausing at a suspension needs the asyncify feature');
    this.stack.startUnwind();
    s.at = 'host';
    return 0;
  }

  /** `trapcheck:fuel.exhausted`: the balance went below 0. */
  private exhausted(): void {
    if (this.stack?.rewinding) this.stack.finishRewind();
    if (this.gauge.units !== undefined && !this.gauge.dry) return; // resumed with enough fuel
    const s = this.active;
    if (s?.fuelPauses && this.stack) {
      this.stack.startUnwind();
      s.at = 'fuel';
      return;
    }
    throw OUT_OF_FUEL;
  }

  // --- calls -----------------------------------------------------------------------------------

  call(exportName: string, args: readonly unknown[], pauseAt?: PausePoint): CoreCallState {
    if (pauseAt === 'entry') return { state: 'suspended', at: 'entry', call: this.pending(exportName, args, undefined) };
    let stretch: Stretch;
    try {
      stretch = this.stretch(pauseAt);
      if (pauseAt !== undefined && 'fuel' in pauseAt) this.setFuel(pauseAt.fuel);
    } catch (error) {
      return { state: 'failed', error };
    }
    return this.run(exportName, args, stretch, undefined);
  }

  private stretch(pauseAt: PausePoint | undefined): Stretch {
    const s: Stretch = { suspensionsLeft: undefined, fuelPauses: false, credit: 0n, blockValue: 0 };
    if (pauseAt === undefined || pauseAt === 'entry') return s;
    if ('suspension' in pauseAt) s.suspensionsLeft = pauseAt.suspension;
    else {
      if (!this.options.metered) throw new CallUnsupported('a fuel pause point needs the fuel feature');
      if (!this.options.suspendable) throw new CallUnsupported('a fuel pause point needs the asyncify feature');
      s.fuelPauses = true;
    }
    return s;
  }

  private run(name: string, args: readonly unknown[], s: Stretch, parked: Uint8Array | undefined): CoreCallState {
    const fn = this.exports?.[name];
    if (typeof fn !== 'function') return { state: 'failed', error: new Error(`no exported function ${JSON.stringify(name)}`) };
    if (s.credit) this.gauge.add(s.credit);
    const outer = this.active;
    this.active = s;
    let value: unknown;
    try {
      if (parked) this.stack!.startRewind(parked);
      value = (fn as Guest)(...args);
    } catch (error) {
      this.stack?.abandon();
      this.endStretch(s);
      return { state: 'failed', error };
    } finally {
      this.active = outer;
    }
    if (this.stack?.unwinding) {
      const data = this.stack.finishUnwind();
      this.endStretch(s);
      return { state: 'suspended', at: s.at!, call: this.pending(name, args, data) };
    }
    this.endStretch(s);
    return { state: 'returned', value };
  }

  /** An unlimited stretch gives back what it did not use: the old balance minus what ran, never below 0. */
  private endStretch(s: Stretch): void {
    this.gauge.takeBack(s.credit);
  }

  /** A parked call (`data` undefined: not started, an `entry` pause). */
  private pending(name: string, args: readonly unknown[], data: Uint8Array | undefined): PendingCall {
    let open = true;
    const take = (): void => {
      if (!open) throw new Error(`call of ${JSON.stringify(name)} already resumed or cancelled`);
      open = false;
    };
    return {
      resume: (options: ResumeOptions = {}): CoreCallState => {
        take();
        const { pauseAt } = options;
        if (pauseAt === 'entry') return { state: 'suspended', at: 'entry', call: this.pending(name, args, data) };
        let s: Stretch;
        try {
          s = this.stretch(pauseAt);
        } catch (error) {
          return { state: 'failed', error };
        }
        s.blockValue = options.value ?? 0;
        const grant = BigInt(options.fuel ?? 0) + BigInt(pauseAt !== undefined && 'fuel' in pauseAt ? pauseAt.fuel : 0);
        if (options.fuel === undefined && !s.fuelPauses) s.credit = UNLIMITED;
        else this.gauge.add(grant);
        return this.run(name, args, s, data);
      },
      cancel: (): void => {
        take();
      },
    };
  }
}
