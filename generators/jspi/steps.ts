/**
 * The steps of a `jspi` case and what each expects, played on the cancellation model's Machine
 * (../cancellation-model.ts) over the events of ./module.ts. Nothing is run to find an expectation.
 */
import type { Expectation, Step } from '../../src/case.ts';
import type { Stop } from '../cancellation-model.ts';
import { Machine } from '../cancellation-model.ts';
import { outcomeOf as stopOutcome } from '../cancellation/steps.ts';
import type { Costs, Ending } from './module.ts';
import { boomEvents, OBSERVED_BYTES, runEvents } from './module.ts';

export const SCENARIOS = ['trap-after-resume', 'trap-while-suspended', 'deep-suspension', 'exhaust-after-resume', 'mass-abandon', 'fuel-suspension'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** What the steps depend on besides the module. */
export interface StepChoices {
  scenario: Scenario;
  /** What run writes first (module constant). */
  marker: number;
  /** Recursion depth of run's call. */
  depth: number;
  /** Park at the 1st (block) or 2nd (yield) suspension. */
  suspension: 1 | 2;
  resumeValue: number;
  /** Cancel by rejecting the held promise instead of abandoning it. */
  reject: boolean;
  /** mass-abandon: how many calls are parked, then cancelled at once. */
  calls: number;
  /** fuel-suspension: units past run's entry charge at which the budget runs out, and the resume grant. */
  budget: number;
  grant: number;
}

/** A budget far beyond any program here. */
export const PLENTY = 1_000_000;

const i32 = (v: number) => ({ type: 'i32' as const, value: String(v) });

function state(mc: Machine, extra: Expectation): Expectation {
  const e: Expectation = { ...extra, memory: [{ offset: 0, hex: mc.hex(0, OBSERVED_BYTES) }], globals: { g: i32(mc.g) } };
  const fuel = mc.observedFuel;
  if (fuel !== undefined) e.fuel = fuel;
  return e;
}

/** The cancellation model's outcome of a stretch, except that a return `exhausted` the stack on the way. */
function outcomeOf(stop: Stop, mc: Machine, exhausted: boolean): Expectation['outcome'] {
  return stop.stop === 'return' && exhausted ? { kind: 'trap', trap: 'call stack exhausted' } : stopOutcome(stop, mc);
}

const cancel = (call: string, reject: boolean, expect: Expectation): Step => ({ op: 'cancel', call, ...(reject ? { reject: true } : {}), expect }) as Step;

export function plannedSteps(p: StepChoices, ending: Ending, costs: Costs, metered: boolean): Step[] {
  const mc = new Machine(metered);
  const exhaust = ending.k === 'exhaust';
  const arg = [i32(p.depth)];
  /** The value `block` returns in the call that parks and resumes: the resume value when it parked in block. */
  const resumed = runEvents(p.depth, p.marker, p.suspension === 1 ? p.resumeValue : 0, ending, costs);
  const plain = runEvents(p.depth, p.marker, 0, ending, costs);
  const out: Step[] = [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }];
  const callAgain = (name: string): void => {
    const stop = mc.play(plain, 0);
    out.push({ op: 'call', export: 'run', args: arg, call: name, expect: state(mc, { outcome: outcomeOf(stop, mc, exhaust) }) });
  };
  const parkAndResume = (): void => {
    const stop = mc.play(resumed, 0, { suspensions: p.suspension });
    out.push({ op: 'call', export: 'run', args: arg, call: 'c', pauseAt: { suspension: p.suspension }, expect: state(mc, { outcome: outcomeOf(stop, mc, false) }) });
    if (p.scenario === 'trap-while-suspended') {
      const boom = mc.play(boomEvents(costs), 0);
      out.push({ op: 'invoke', export: 'boom', expect: state(mc, { outcome: outcomeOf(boom, mc, false) }) });
    }
    const end = mc.resume(resumed, stop.stop === 'host' ? stop.at : 0, { value: p.resumeValue });
    out.push({ op: 'resume', call: 'c', value: p.resumeValue, expect: state(mc, { outcome: outcomeOf(end, mc, exhaust) }) });
  };

  switch (p.scenario) {
    case 'trap-after-resume':
    case 'trap-while-suspended':
    case 'deep-suspension':
    case 'exhaust-after-resume':
      parkAndResume();
      // the instance is usable afterwards: park again and cancel, then a whole call
      {
        const stop = mc.play(plain, 0, { suspensions: p.suspension });
        out.push({ op: 'call', export: 'run', args: arg, call: 'd', pauseAt: { suspension: p.suspension }, expect: state(mc, { outcome: outcomeOf(stop, mc, false) }) });
        out.push(cancel('d', p.reject, state(mc, { outcome: { kind: 'cancelled' } })));
      }
      callAgain('again');
      break;
    case 'mass-abandon': {
      for (let i = 0; i < p.calls; i++) {
        const stop = mc.play(plain, 0, { suspensions: p.suspension });
        // only the first and last parked calls read state: thousands of memory reads would be most of the case
        const expect = i === 0 || i === p.calls - 1 ? state(mc, { outcome: outcomeOf(stop, mc, false) }) : { outcome: outcomeOf(stop, mc, false) };
        out.push({ op: 'call', export: 'run', args: arg, call: `c${i}`, pauseAt: { suspension: p.suspension }, expect });
      }
      for (let i = 0; i < p.calls; i++) out.push(cancel(`c${i}`, p.reject && i % 2 === 1, i === p.calls - 1 ? state(mc, { outcome: { kind: 'cancelled' } }) : { outcome: { kind: 'cancelled' } }));
      callAgain('again');
      break;
    }
    case 'fuel-suspension': {
      const budget = costs.run + p.budget;
      mc.fuel = budget;
      const stop = mc.play(plain, 0, { fuelPauses: true });
      out.push({ op: 'call', export: 'run', args: arg, call: 'c', pauseAt: { fuel: budget }, expect: state(mc, { outcome: outcomeOf(stop, mc, false) }) });
      if (stop.stop === 'fuel') {
        const next = mc.resume(plain, stop.at, { grant: p.grant, fuelPauses: true });
        out.push({ op: 'resume', call: 'c', pauseAt: { fuel: p.grant }, expect: state(mc, { outcome: outcomeOf(next, mc, false) }) });
        if (next.stop === 'fuel') out.push(cancel('c', p.reject, state(mc, { outcome: { kind: 'cancelled' } })));
      }
      mc.fuel = PLENTY;
      out.push({ op: 'refuel', amount: PLENTY, expect: state(mc, { outcome: { kind: 'return', values: [] } }) });
      callAgain('again');
      break;
    }
  }
  // a fresh instance of the same module behaves as a first one
  const fresh = new Machine(metered);
  if (metered) fresh.fuel = PLENTY;
  out.push({ op: 'instantiate', as: 'fresh', expect: { outcome: { kind: 'return' } } });
  if (metered) out.push({ op: 'refuel', instance: 'fresh', amount: PLENTY, expect: { outcome: { kind: 'return', values: [] } } });
  const freshStop = fresh.play(plain, 0);
  out.push({ op: 'call', instance: 'fresh', export: 'run', args: arg, call: 'fresh', expect: { outcome: outcomeOf(freshStop, fresh, exhaust), globals: { g: i32(fresh.g) } } });
  return out;
}
