/**
 * The fuel balance of a metered core instance: its exported i64 fuel global, read and written
 * with the rules both suspension mechanisms share (Asyncify: core-calls.ts; JSPI:
 * ../hosts/jspi-calls.ts). An unmetered instance has no gauge reading (`units` undefined).
 */
export class FuelGauge {
  /** `global`: the instance's fuel global, or undefined while there is none (unmetered, or not instantiated yet). */
  constructor(private readonly global: () => { value: bigint } | undefined) {}

  /** Units left (never below 0); undefined for an unmetered instance. */
  get units(): number | undefined {
    const g = this.global();
    return g ? Number(g.value < 0n ? 0n : g.value) : undefined;
  }

  set(units: number): void {
    const g = this.global();
    if (g) g.value = BigInt(units);
  }

  add(units: bigint): void {
    const g = this.global();
    if (g) g.value += units;
  }

  /** The balance went below 0 (the charge that did it is still owed). */
  get dry(): boolean {
    const g = this.global();
    return g !== undefined && g.value < 0n;
  }

  /** An unlimited stretch gives back what it did not use: the old balance minus what ran, never below 0. */
  takeBack(credit: bigint): void {
    const g = this.global();
    if (!g || credit === 0n) return;
    const left = g.value - credit;
    g.value = left < 0n ? 0n : left;
  }
}
