/**
 * cancellation: async core calls paused, resumed and cancelled at exact points (DESIGN §5
 * "Suspension and cancellation"; instance-semantics.md §7.2 X1, §7.3 K1/K2, §7.4 invariants 2 and
 * 5; bug-catalog #31, #33, #36).
 *
 * One module per case: `run()` plays a random program of segments (stores, `g += 1`, a
 * `trapcheck:host.yield`, a `trapcheck:host.block` whose result is stored, counted loops, a
 * `memory.fill`, a loop-free call tree of 2^depth calls, an optional final trap) and returns `g`;
 * `probe()` returns `g`. Guest bytes sit at offset 0 (where Asyncify parks its data) and at the end
 * of memory (where a straddling store must write nothing). The scenario decides the steps:
 *
 *   cancel-suspension / cancel-block   call paused at the k-th suspension, cancel, call again (X1)
 *   cancel-fuel                        call paused at a fuel budget of n units, cancel, refuel, call again
 *   cancel-call-tree                   the same with the budget running out inside the call tree (#33)
 *   cancel-entry                       paused before entry (nothing ran), cancel, call again
 *   cancel-after-return                call, then cancel after it returned: a no-op (#31)
 *   resume                             paused, resumed to completion: same result as a fresh uninterrupted call
 *   k1-trap                            the call traps: earlier writes persist, the trapping store wrote nothing,
 *                                      fuel spent before the trap is charged (#36), probe and call again (K1)
 *   k2-refuel                          out of fuel mid-call, refuel, call again: restarts from entry (K2)
 *
 * Every expectation (outcome, memory, g, remaining fuel) comes from cancellation-model.ts, which
 * plays the program under the fuel plan of the emitted bytes; nothing is run to find it.
 */
import fc from 'fast-check';
import type { Case, Expectation, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, buildModule } from '../src/wasm/builder.ts';
import { fuelPlan } from '../src/wasm/instrument/fuel.ts';
import type { Event, Program, ProgramTrap, Segment, Stop } from './cancellation-model.ts';
import { chargesBefore, GUEST_PATTERN, Machine, MEMORY_BYTES, PROGRAM_TRAPS, slots, TAIL_PATTERN, trace, TRAP_KIND, usedBytes } from './cancellation-model.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';

const NAME = 'cancellation';

export const SCENARIOS = ['cancel-suspension', 'cancel-block', 'cancel-fuel', 'cancel-call-tree', 'cancel-entry', 'cancel-after-return', 'resume', 'k1-trap', 'k2-refuel'] as const;
export type Scenario = (typeof SCENARIOS)[number];
const ROW: Record<Scenario, 'X1' | 'K1' | 'K2'> = {
  'cancel-suspension': 'X1',
  'cancel-block': 'X1',
  'cancel-fuel': 'X1',
  'cancel-call-tree': 'X1',
  'cancel-entry': 'X1',
  'cancel-after-return': 'X1',
  resume: 'X1',
  'k1-trap': 'K1',
  'k2-refuel': 'K2',
};
const CANCEL_POINT: Record<Scenario, string> = {
  'cancel-suspension': 'suspension',
  'cancel-block': 'block',
  'cancel-fuel': 'fuel',
  'cancel-call-tree': 'call-tree',
  'cancel-entry': 'entry',
  'cancel-after-return': 'after-return',
  resume: 'none',
  'k1-trap': 'none',
  'k2-refuel': 'none',
};

export interface CancellationParams {
  scenario: Scenario;
  segments: Segment[];
  treeDepth: number;
  trap: ProgramTrap;
  /** Metered (`fuel`) where the scenario does not decide it. */
  metered: boolean;
  /** Chooses the pause point among the candidates (modulo their number). */
  pick: number;
  /** What a resumed `block` returns. */
  resumeValue: number;
}

/** A budget far beyond any program here. */
const PLENTY = 1_000_000;

/** The program the scenario needs: the segments it relies on are added when the draw lacks them. */
function program(p: CancellationParams): Program {
  const segments = [...p.segments];
  const need = (k: Segment['k'], s: Segment): void => {
    if (!segments.some((x) => x.k === k)) segments.splice(p.pick % (segments.length + 1), 0, s);
  };
  if (p.scenario === 'cancel-suspension' || p.scenario === 'resume') need('yield', { k: 'yield' });
  if (p.scenario === 'cancel-block') need('block', { k: 'block' });
  if (p.scenario === 'cancel-call-tree') need('tree', { k: 'tree' });
  if (p.scenario === 'k2-refuel' || p.scenario === 'cancel-fuel') need('loop', { k: 'loop', n: 3 });
  const plain = p.scenario === 'k1-trap' && !p.metered;
  return {
    // a plain (uninstrumented) K1 module has no suspendable imports to link
    segments: plain ? segments.filter((s) => s.k !== 'yield' && s.k !== 'block') : segments,
    treeDepth: p.treeDepth,
    trap: p.scenario === 'k1-trap' ? p.trap : undefined,
  };
}

function features(p: CancellationParams, prog: Program): Feature[] {
  const f: Feature[] = ['mutable-globals'];
  if (prog.segments.some((s) => s.k === 'fill')) f.push('bulk-memory');
  const metered = p.scenario === 'cancel-fuel' || p.scenario === 'cancel-call-tree' || p.scenario === 'k2-refuel' || p.metered;
  if (metered) f.push('fuel');
  if (ROW[p.scenario] === 'X1') f.push('asyncify');
  return f;
}

function buildBytes(prog: Program, feats: readonly Feature[]): Uint8Array {
  const { i32, none } = binaryen;
  const suspends = prog.segments.some((s) => s.k === 'yield' || s.k === 'block');
  return buildModule(NAME, feats, (m: BModule) => {
    if (suspends) {
      m.addFunctionImport('yield', 'trapcheck:host', 'yield', none, none);
      m.addFunctionImport('block', 'trapcheck:host', 'block', none, i32);
    }
    const enc = new TextEncoder();
    m.setMemory(1, 1, 'memory', [
      { offset: m.i32.const(0), data: enc.encode(GUEST_PATTERN), passive: false },
      { offset: m.i32.const(MEMORY_BYTES - TAIL_PATTERN.length), data: enc.encode(TAIL_PATTERN), passive: false },
    ]);
    m.addGlobal('g', i32, true, m.i32.const(0));
    m.addGlobalExport('g', 'g');
    const bump = (): Expr => m.global.set('g', m.i32.add(m.global.get('g', i32), m.i32.const(1)));
    const at = slots(prog);
    const body: Expr[] = [];
    let loops = 0;
    prog.segments.forEach((s, idx) => {
      const addr = at[idx]!;
      switch (s.k) {
        case 'store':
          body.push(m.i32.store(0, 4, m.i32.const(addr), m.i32.const(s.value)));
          break;
        case 'bump':
          body.push(bump());
          break;
        case 'yield':
          body.push(m.call('yield', [], none));
          break;
        case 'block':
          body.push(m.i32.store(0, 4, m.i32.const(addr), m.call('block', [], i32)));
          break;
        case 'loop': {
          const label = `l${loops++}`;
          const i = (): Expr => m.local.get(0, i32);
          body.push(
            m.local.set(0, m.i32.const(0)),
            m.loop(
              label,
              m.block(null, [
                m.i32.store(0, 4, m.i32.add(m.i32.const(addr), m.i32.shl(i(), m.i32.const(2))), m.i32.add(i(), m.i32.const(1))),
                m.local.set(0, m.i32.add(i(), m.i32.const(1))),
                m.br(label, m.i32.lt_u(i(), m.i32.const(s.n))),
              ]),
            ),
          );
          break;
        }
        case 'fill':
          body.push(m.memory.fill(m.i32.const(addr), m.i32.const(s.byte), m.i32.const(s.len)));
          break;
        case 'tree':
          body.push(m.call('t0', [], none));
          break;
      }
    });
    if (prog.trap === 'unreachable') body.push(m.unreachable());
    if (prog.trap === 'div-zero') body.push(m.drop(m.i32.div_s(m.global.get('g', i32), m.i32.const(0))));
    if (prog.trap === 'oob-straddle') body.push(m.i32.store(0, 1, m.i32.const(MEMORY_BYTES - 2), m.i32.const(0x01020304)));
    body.push(m.global.get('g', i32));
    m.addFunction('run', none, i32, [i32], m.block(null, body, i32));
    m.addFunctionExport('run', 'run');
    m.addFunction('probe', none, i32, [], m.global.get('g', i32));
    m.addFunctionExport('probe', 'probe');
    const usesTree = prog.segments.some((s) => s.k === 'tree');
    for (let d = 0; d <= prog.treeDepth && usesTree; d++) {
      const next = `t${d + 1}`;
      m.addFunction(`t${d}`, none, none, [], d === prog.treeDepth ? bump() : m.block(null, [m.call(next, [], none), m.call(next, [], none)]));
    }
  });
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

/** The outcome of a stretch that ended as `stop`, with `g` as run's result. */
function outcomeOf(stop: Stop, mc: Machine): Expectation['outcome'] {
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

/** Indices of the suspension events of `kind` (any kind when undefined), 1-based ordinal → event index. */
function suspensionOrdinal(events: readonly Event[], kind: 'yield' | 'block' | undefined, pick: number): number | undefined {
  const all = events.flatMap((e, i) => (e.e === 'suspend' ? [{ e, i }] : []));
  const wanted = all.map((x, k) => ({ ...x, k: k + 1 })).filter((x) => kind === undefined || x.e.kind === kind);
  return wanted.length ? wanted[pick % wanted.length]!.k : undefined;
}

function steps(p: CancellationParams, prog: Program, events: readonly Event[], metered: boolean, probeCost: number): Step[] {
  const mc = new Machine(metered);
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
      let budget = p.pick % Math.max(1, total);
      if (p.scenario === 'cancel-call-tree') {
        const tree = events.flatMap((e, i) => (e.e === 'charge' && e.tree ? [i] : []));
        const j = tree[p.pick % tree.length]!;
        budget = spent[j]! + (p.pick % (events[j] as { units: number }).units);
      }
      mc.fuel = budget;
      const stop = mc.play(events, 0, { fuelPauses: true });
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
        stop = mc.play(events, 0, { fuelPauses: true });
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
      const budget = p.pick % Math.max(1, total);
      refuel(budget);
      const stop = mc.play(events, 0);
      out.push({ op: 'invoke', export: 'run', expect: state(mc, prog, { outcome: outcomeOf(stop, mc) }) });
      refuel(PLENTY);
      const again = mc.play(events, 0);
      out.push({ op: 'invoke', export: 'run', expect: state(mc, prog, { outcome: outcomeOf(again, mc) }) });
      break;
    }
  }
  return out;
}

function build(p: CancellationParams, origin: Origin): Case {
  const prog = program(p);
  const feats = features(p, prog);
  const bytes = buildBytes(prog, feats);
  const plan = fuelPlan(bytes);
  const events = trace(prog, plan);
  const metered = feats.includes('fuel');
  const tags: Record<string, string> = {
    row: ROW[p.scenario],
    cancel: CANCEL_POINT[p.scenario],
    scenario: p.scenario,
    metered: metered ? 'yes' : 'no',
  };
  if (prog.trap) tags['trap'] = TRAP_KIND[prog.trap];
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features: feats,
    steps: steps(p, prog, events, metered, plan.functions[1]!.entry),
    provenance: generatorProvenance(cancellation, origin, p),
    tags,
  };
}

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ k: fc.constant('store' as const), value: fc.integer({ min: 1, max: 0x7fffffff }) }),
  fc.constant({ k: 'bump' as const }),
  fc.constant({ k: 'yield' as const }),
  fc.constant({ k: 'block' as const }),
  fc.record({ k: fc.constant('loop' as const), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ k: fc.constant('fill' as const), len: fc.integer({ min: 0, max: 32 }), byte: fc.integer({ min: 1, max: 255 }) }),
  fc.constant({ k: 'tree' as const }),
);

export const cancellationArbitrary: fc.Arbitrary<CancellationParams> = fc.record({
  scenario: fc.noBias(fc.nat({ max: SCENARIOS.length - 1 })).map((i) => SCENARIOS[i]!),
  segments: fc.array(segmentArb, { minLength: 1, maxLength: 6 }),
  treeDepth: fc.integer({ min: 1, max: 8 }),
  trap: fc.constantFrom(...PROGRAM_TRAPS),
  metered: fc.boolean(),
  pick: fc.nat({ max: 1 << 20 }),
  resumeValue: fc.integer({ min: 0, max: 0x7fffffff }),
});

export const cancellation: Family<CancellationParams> = {
  name: NAME,
  version: 1,
  description:
    'Async core calls paused at the k-th suspension, in a blocking host call, at a fuel budget (also inside a loop-free call tree), before entry, ' +
    'cancelled or resumed, cancelled after return; calls after a trap (K1) and after running out of fuel (K2).',
  declares: {
    row: ['X1', 'K1', 'K2'],
    cancel: ['suspension', 'block', 'fuel', 'call-tree', 'entry', 'after-return', 'none'],
    scenario: [...SCENARIOS],
    metered: ['yes', 'no'],
  },
  arbitrary: cancellationArbitrary,
  build,
};
