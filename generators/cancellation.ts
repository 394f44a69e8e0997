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
 * `run`'s body sits inside a transparent context (generators/contexts/, issue #18) in about seven
 * cases in eight. The context adds metering points (its loops, calls of its identity function)
 * and expressions to `run`'s entry cost; cancellation/context-charges.ts says when each runs, and
 * their costs come from the same fuel plan, so budgets may run out inside the context too
 * (tag `fuel-stop: context`) and every expectation stays exact.
 *
 * Every expectation (outcome, memory, g, remaining fuel) comes from cancellation-model.ts, which
 * plays the program under the fuel plan of the emitted bytes; nothing is run to find it. The
 * module is built in cancellation/module.ts and the steps in cancellation/steps.ts.
 */
import fc from 'fast-check';
import type { Case } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import { fuelPlan } from '../src/wasm/instrument/fuel.ts';
import type { Event, Program, ProgramTrap, Segment } from './cancellation-model.ts';
import { PROGRAM_TRAPS, trace, TRAP_KIND } from './cancellation-model.ts';
import { BARE_RUN, contextCharges } from './cancellation/context-charges.ts';
import { buildBytes, runIndex } from './cancellation/module.ts';
import { plannedSteps } from './cancellation/steps.ts';
import type { ContextParams } from './contexts/index.ts';
import { CONTEXT_DECLARES, contextArbitrary, contextTags, wrapInContext } from './contexts/index.ts';
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
  /** The transparent context around `run`'s body (none: the body alone). */
  context: ContextParams | null;
}

/** The program the scenario needs: the segments it relies on are added when the draw lacks them. */
export function program(p: CancellationParams): Program {
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

/** Where the first call ran dry: in `run`'s own code, in the call tree, or at a metering point of the context. */
function fuelStopTag(ev: Event | undefined): string | undefined {
  if (ev?.e !== 'charge') return undefined;
  return ev.context ? 'context' : ev.tree ? 'tree' : 'run';
}

function build(p: CancellationParams, origin: Origin): Case {
  const prog = program(p);
  const plain = buildBytes(prog, features(p, prog));
  // the context wraps `run` after binaryen emitted it; the plan is read from the bytes as they run
  const wrapped = p.context ? wrapInContext(plain, runIndex(prog), p.context) : undefined;
  const bytes = wrapped?.bytes ?? plain;
  const feats = [...features(p, prog), ...(wrapped?.features ?? [])];
  const metered = feats.includes('fuel');
  // nothing observes fuel in an unmetered module: its charges need no plan (binaryen's parse is most of a build)
  const plan = metered ? fuelPlan(bytes) : undefined;
  const events = trace(prog, plan, p.context ? contextCharges(p.context) : BARE_RUN);
  const planned = plannedSteps(p, prog, events, metered, plan?.functions[1]!.entry ?? 0);
  const tags: Record<string, string> = {
    row: ROW[p.scenario],
    cancel: CANCEL_POINT[p.scenario],
    scenario: p.scenario,
    metered: metered ? 'yes' : 'no',
    ...(wrapped?.tags ?? {}),
  };
  if (prog.trap) tags['trap'] = TRAP_KIND[prog.trap];
  const stop = fuelStopTag(planned.fuelStop);
  if (stop) tags['fuel-stop'] = stop;
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features: feats,
    steps: planned.steps,
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
  // about one case in eight has no context at all, so the bare site stays covered; depth 3, since a
  // context's draw and its share of binaryen's parse (the fuel plan) are most of its generation cost
  context: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 7, arbitrary: contextArbitrary({ maxDepth: 3 }) }),
});

export const cancellation: Family<CancellationParams> = {
  name: NAME,
  // 2: `run`'s body sits inside a transparent context (its fuel charges modelled exactly); budgets also run out inside it
  // 3: contexts drawn by generators/contexts/draw.ts (same shapes, other draws for a seed)
  version: 3,
  description:
    'Async core calls paused at the k-th suspension, in a blocking host call, at a fuel budget (also inside a loop-free call tree), before entry, ' +
    'cancelled or resumed, cancelled after return; calls after a trap (K1) and after running out of fuel (K2). ' +
    "run's body inside a transparent context whose fuel charges are modelled exactly.",
  declares: {
    row: ['X1', 'K1', 'K2'],
    cancel: ['suspension', 'block', 'fuel', 'call-tree', 'entry', 'after-return', 'none'],
    scenario: [...SCENARIOS],
    metered: ['yes', 'no'],
    'fuel-stop': ['run', 'tree', 'context'],
    ...CONTEXT_DECLARES,
  },
  arbitrary: cancellationArbitrary,
  build,
};
