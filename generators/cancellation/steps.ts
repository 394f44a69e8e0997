/**
 * The steps of a `cancellation` case and what each expects, played on the model's Machine
 * (../cancellation-model.ts): the scenario decides the pause point, the cancel, refuels, the call
 * again and the fresh instance; nothing is run to find an expectation.
 */
import type { Expectation, Step } from '../../src/case.ts';
import type { Event, Program, Stop } from '../cancellation-model.ts';
import { chargesBefore, Machine, MEMORY_BYTES, TAIL_PATTERN, TRAP_KIND, usedBytes } from '../cancellation-model.ts';
import type { Scenario } from '../cancellation.ts';

/** A budget far beyond any program here. */
export const PLENTY = 1_000_000;

/** What the steps depend on besides the program. */
export interface StepChoices {
  scenario: Scenario;
  /** Chooses the pause point among the candidates (modulo their number). */
  pick: number;
  /** What a resumed `block` returns. */
  resumeValue: number;
}

export interface PlannedSteps {
  steps: Step[];
  /** The charge where the first call ran dry (paused at a budget or out of fuel), if one did. */
  fuelStop: Event | undefined;
}

/** The state the machine predicts, as an expectation (guest bytes, written slots, the tail, g, fuel). */
function state(mc: Machine, prog: Program, extra: Expectation = {}): Expectation {
  const e: Expectation = {
    ...extra,
    memory: [
      { offset: 0, hex: mc.hex(0, usedBytes(prog)) },
      { offset: MEMORY_BYTES - TAIL_PATTERN.length, hex: mc.hex(MEMORY_BYTES - TAIL_PATTERN.length, MEMORY_BYTES) },
    ],
    globals: { g: { type: 'i32', value: String(mc.g) } },
  };
  const fuel = mc.observedFuel;
  if (fuel !== undefined) e.fuel = fuel;
  return e;
}

const RETURN: Expectation['outcome'] = { kind: 'return' };

/** The outcome of a stretch that ended as `stop`, with `g` as run's result (the jspi family's too). */
export function outcomeOf(stop: Stop, mc: Machine): Expectation['outcome'] {
  switch (stop.stop) {
    case 'return':
      return { kind: 'return', values: [{ type: 'i32', value: String(mc.g) }] };
    case 'trap':
      return { kind: 'trap', trap: TRAP_KIND[stop.trap] };
    case 'out-of-fuel':
      return { kind: 'trap', trap: 'out of fuel' };
    case 'host':
      return { kind: 'suspended', at: 'host' };
    case 'fuel':
      return { kind: 'suspended', at: 'fuel' };
  }
}

/** An unlimited stretch: what is left of the old balance afterwards, never below 0 (CoreCalls `endStretch`). */
function unlimited(mc: Machine, go: () => Stop): Stop {
  const before = mc.fuel;
  if (before === undefined) return go();
  mc.fuel = before + PLENTY * 1000;
  const stop = go();
  mc.fuel = Math.max(0, mc.fuel - PLENTY * 1000);
  return stop;
}

/**
 * A budget that runs out at a charge: inside charge j (any charge among `candidates`) it is the
 * units spent before j plus part of j's own. Anywhere: `pick` modulo the whole call's units.
 */
function budgetAt(p: StepChoices, events: readonly Event[], spent: readonly number[], candidates: (e: Event) => boolean): number {
  const at = events.flatMap((e, i) => (e.e === 'charge' && candidates(e) ? [i] : []));
  if (at.length === 0) return p.pick % Math.max(1, spent[spent.length - 1]!);
  const j = at[p.pick % at.length]!;
  return spent[j]! + (p.pick % (events[j] as { units: number }).units);
}

/**
 * Where a fuel budget runs out: in the call tree for `cancel-call-tree`; otherwise, one time in
 * three, at a metering point of the context around `run` (when it has one: its loops and identity
 * calls are a small share of the units, so a uniform budget would rarely stop there), else anywhere.
 */
function fuelBudget(p: StepChoices, events: readonly Event[], spent: readonly number[]): number {
  if (p.scenario === 'cancel-call-tree') return budgetAt(p, events, spent, (e) => e.e === 'charge' && e.tree === true);
  if ((p.pick >> 1) % 3 === 0) return budgetAt(p, events, spent, (e) => e.e === 'charge' && e.context === true);
  return p.pick % Math.max(1, spent[spent.length - 1]!);
}

/** Indices of the suspension events of `kind` (any kind when undefined), 1-based ordinal → event index. */
function suspensionOrdinal(events: readonly Event[], kind: 'yield' | 'block' | undefined, pick: number): number | undefined {
  const all = events.flatMap((e, i) => (e.e === 'suspend' ? [{ e, i }] : []));
  const wanted = all.map((x, k) => ({ ...x, k: k + 1 })).filter((x) => kind === undefined || x.e.kind === kind);
  return wanted.length ? wanted[pick % wanted.length]!.k : undefined;
}

/** The steps of scenario `p.scenario` over the program's events, each with the state the machine predicts. */
export function plannedSteps(p: StepChoices, prog: Program, events: readonly Event[], metered: boolean, probeCost: number): PlannedSteps {
  const mc = new Machine(metered);
  let fuelStop: Event | undefined;
  /** The first call's stop: where it ran dry, if it did. */
  const first = (stop: Stop): Stop => {
    if (stop.stop === 'fuel' || stop.stop === 'out-of-fuel') fuelStop = events[stop.at];
    return stop;
  };
  const out: Step[] = [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }];
  const refuel = (amount: number): void => {
    mc.fuel = amount;
    out.push({ op: 'refuel', amount, expect: state(mc, prog, { outcome: RETURN }) });
  };
  const callAgain = (): void => {
    const stop = mc.play(events, 0);
    out.push({ op: 'call', export: 'run', call: 'again', expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
  };
  const cancelled = (): void => {
    out.push({ op: 'cancel', call: 'c', expect: state(mc, prog, { outcome: { kind: 'cancelled' } }) });
  };
  const spent = chargesBefore(events);
  const total = spent[spent.length - 1]!;
  if (metered && p.scenario !== 'cancel-fuel' && p.scenario !== 'cancel-call-tree' && p.scenario !== 'k2-refuel') refuel(PLENTY);

  switch (p.scenario) {
    case 'cancel-suspension':
    case 'cancel-block': {
      const k = suspensionOrdinal(events, p.scenario === 'cancel-block' ? 'block' : 'yield', p.pick)!;
      const stop = mc.play(events, 0, { suspensions: k });
      out.push({ op: 'call', export: 'run', call: 'c', pauseAt: { suspension: k }, expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      cancelled();
      callAgain();
      break;
    }
    case 'cancel-fuel':
    case 'cancel-call-tree': {
      const budget = fuelBudget(p, events, spent);
      mc.fuel = budget;
      const stop = first(mc.play(events, 0, { fuelPauses: true }));
      out.push({ op: 'call', export: 'run', call: 'c', pauseAt: { fuel: budget }, expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      cancelled();
      refuel(PLENTY);
      callAgain();
      break;
    }
    case 'cancel-entry':
      out.push({ op: 'call', export: 'run', call: 'c', pauseAt: 'entry', expect: state(mc, prog, { outcome: { kind: 'suspended', at: 'entry' } }) });
      cancelled();
      callAgain();
      break;
    case 'cancel-after-return': {
      const stop = mc.play(events, 0);
      out.push({ op: 'call', export: 'run', call: 'c', expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      out.push({ op: 'cancel', call: 'c', expect: state(mc, prog, { outcome: { kind: 'return', values: [] } }) });
      callAgain();
      break;
    }
    case 'resume': {
      const k = suspensionOrdinal(events, undefined, p.pick);
      const byFuel = metered && (p.pick & 1) === 1 && total > 0;
      let stop: Stop;
      if (byFuel) {
        const budget = p.pick % total;
        mc.fuel = budget; // a fuel pause point sets the balance
        stop = first(mc.play(events, 0, { fuelPauses: true }));
        out.push({ op: 'call', export: 'run', call: 'c', pauseAt: { fuel: budget }, expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      } else {
        stop = mc.play(events, 0, { suspensions: k! });
        out.push({ op: 'call', export: 'run', call: 'c', pauseAt: { suspension: k! }, expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      }
      if (stop.stop === 'host' || stop.stop === 'fuel') {
        const at = stop.at;
        const end = unlimited(mc, () => mc.resume(events, at, { value: p.resumeValue }));
        out.push({ op: 'resume', call: 'c', value: p.resumeValue, expect: state(mc, prog, { outcome: outcomeOf(end, mc) }) });
      }
      // the same program uninterrupted on a fresh instance returns the same g
      const fresh = new Machine(metered);
      if (metered) fresh.fuel = PLENTY;
      const freshStop = fresh.play(events, 0);
      out.push({ op: 'instantiate', as: 'fresh', expect: { outcome: RETURN } });
      if (metered) out.push({ op: 'refuel', instance: 'fresh', amount: PLENTY, expect: { outcome: RETURN } });
      out.push({ op: 'call', instance: 'fresh', export: 'run', call: 'fresh', expect: { outcome: outcomeOf(freshStop, fresh), globals: { g: { type: 'i32', value: String(fresh.g) } } } });
      break;
    }
    case 'k1-trap': {
      for (let round = 0; round < 2; round++) {
        const stop = mc.play(events, 0);
        out.push({ op: 'invoke', export: 'run', expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
        if (mc.fuel !== undefined) mc.fuel -= probeCost;
        out.push({ op: 'invoke', export: 'probe', expect: state(mc, prog, { outcome: { kind: 'return', values: [{ type: 'i32', value: String(mc.g) }] } }) });
      }
      break;
    }
    case 'k2-refuel': {
      const budget = fuelBudget(p, events, spent);
      refuel(budget);
      const stop = first(mc.play(events, 0));
      out.push({ op: 'invoke', export: 'run', expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      refuel(PLENTY);
      const again = mc.play(events, 0);
      out.push({ op: 'invoke', export: 'run', expect: state(mc, prog, { outcome: outcomeOf(again, mc) }) });
      break;
    }
  }
  return { steps: out, fuelStop };
}

