/**
 * jspi: the abnormal paths of suspended calls that JS Promise Integration makes native (issue #17),
 * as cases every suspension mechanism must agree on: the reference runtime answers them with
 * Asyncify, `deno-jspi` / `bun-jspi` with the engine's own JSPI, and the expectations come from the
 * cancellation model (cancellation-model.ts), never from running anything.
 *
 * Spec: JS API, "JavaScript Promise Integration" (https://github.com/WebAssembly/js-promise-integration,
 * document/js-api/index.bs; cited below as [JSPI]) and its Overview.md.
 *
 *   trap-after-resume     park at the k-th suspension, resume; run then traps. [JSPI] "create a
 *                         suspending function": on fulfilment the import returns the value to wasm,
 *                         which runs on; its trap rejects the promising export's promise ("evaluate a
 *                         Promising function": a trap is thrown as a RuntimeError) → trap, with every
 *                         write made before it kept (core spec: a trap does not roll back state).
 *   trap-while-suspended  park, then another export of the same instance traps, then resume: the
 *                         parked call sees the trapping call's writes and returns. [JSPI] Overview
 *                         "Supporting Responsive Applications with Reentrancy": a new call may enter
 *                         while another is suspended; each promising call has its own execution context.
 *   deep-suspension       the same park / resume d = 256 … 2048 frames deep: the whole wasm stack between
 *                         the promising export and the import is suspended and resumed ("Let frames be
 *                         the stack frames since caller").
 *   exhaust-after-resume  resumed, run recurses without end: `call stack exhausted` on the resumed stack,
 *                         the host survives and the instance is usable.
 *   mass-abandon          1000 … 1200 calls parked at once, then all cancelled (abandoned: the held promise
 *                         is never settled; one in two rejected when `reject`), then a call still returns.
 *   fuel-suspension       the fuel hook is the suspension point: parked inside the recursion when the
 *                         budget runs out, resumed with a grant that may not cover the charge (it stays
 *                         parked), cancelled.
 *
 * Every park-and-cancel cancels by abandoning or, when `reject` is drawn, by rejecting the held
 * promise: [JSPI] "If awaitResult.[[Type]] is throw … WebAssembly/Throw": the rejection is thrown
 * into wasm at the suspension point and unwinds frames that have no handler; both leave the state
 * as it was at the pause (no guest code of the call runs), so one expectation covers both, and the
 * Asyncify host (which abandons) answers the same.
 *
 *   through-js-frame, outside-promising   JSPI only (feature `jspi`; other hosts skip them): the engine
 *                         refuses to suspend, [JSPI] "create a suspending function" throws a SuspendError
 *                         when the running context has no active entry (./jspi/refusal.ts).
 *
 * Tag `mechanism`: `any` (every suspension mechanism answers alike) or `jspi-only`.
 */
import fc from 'fast-check';
import type { Case } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import { fuelPlan } from '../src/wasm/instrument/fuel.ts';
import type { ProgramTrap } from './cancellation-model.ts';
import { PROGRAM_TRAPS, TRAP_KIND } from './cancellation-model.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import type { Costs, Ending } from './jspi/module.ts';
import { buildJspiModule, pagesFor, UNMETERED } from './jspi/module.ts';
import type { Refusal } from './jspi/refusal.ts';
import { buildStartModule, buildThroughJsModule, REFUSAL_FEATURES, REFUSALS, refusalSteps } from './jspi/refusal.ts';
import type { Scenario as SharedScenario } from './jspi/steps.ts';
import { plannedSteps, SCENARIOS as SHARED } from './jspi/steps.ts';

/** Every row: the ones every mechanism answers alike, then the JSPI-only refusals. */
export const SCENARIOS = [...SHARED, ...REFUSALS] as const;
export type Scenario = SharedScenario | Refusal;
const isRefusal = (s: Scenario): s is Refusal => (REFUSALS as readonly string[]).includes(s);

const NAME = 'jspi';
const MASS_TIMEOUT_MS = 30_000;

export interface JspiParams {
  scenario: Scenario;
  /** What run writes first: a constant of the module. */
  marker: number;
  /** Depth of a shallow call (deep-suspension draws `deepDepth`). */
  depth: number;
  deepDepth: number;
  suspension: 1 | 2;
  resumeValue: number;
  trap: ProgramTrap;
  reject: boolean;
  calls: number;
  /** fuel-suspension: picks the charge inside the recursion where the budget runs out, and the resume grant. */
  budgetPick: number;
  grantPick: number;
}

function ending(p: JspiParams): Ending {
  if (p.scenario === 'trap-after-resume') return { k: 'trap', trap: p.trap };
  if (p.scenario === 'exhaust-after-resume') return { k: 'exhaust' };
  return { k: 'none' };
}

/** A JSPI-only row: the engine refuses to suspend (./jspi/refusal.ts). */
function buildRefusal(row: Refusal, p: JspiParams, origin: Origin): Case {
  const choices = { marker: p.marker, depth: p.depth, suspension: p.suspension, resumeValue: p.resumeValue };
  const modules =
    row === 'through-js-frame'
      ? [{ bytes: buildThroughJsModule(p.marker) }]
      : [{ bytes: buildStartModule(p.marker, p.depth) }, { bytes: buildJspiModule({ k: 'none' }, p.marker, pagesFor(p.depth), REFUSAL_FEATURES) }];
  const tags = { scenario: row, mechanism: 'jspi-only', pause: p.suspension === 1 ? 'block' : 'yield', cancel: 'none', depth: 'shallow' };
  return { id: caseId(NAME, origin), family: NAME, modules, features: [...REFUSAL_FEATURES], steps: refusalSteps(row, choices), provenance: generatorProvenance(jspi, origin, p), tags };
}

function build(p: JspiParams, origin: Origin): Case {
  if (isRefusal(p.scenario)) return buildRefusal(p.scenario, p, origin);
  const metered = p.scenario === 'fuel-suspension';
  const features: Feature[] = ['mutable-globals', 'asyncify', ...(metered ? (['fuel'] as const) : [])];
  const end = ending(p);
  const depth = p.scenario === 'deep-suspension' ? p.deepDepth : p.depth;
  const bytes = buildJspiModule(end, p.marker, pagesFor(depth), features);
  let costs: Costs = UNMETERED;
  if (metered) {
    const fns = fuelPlan(bytes).functions;
    costs = { run: fns[0]!.entry, down: fns[1]!.entry, boom: fns[2]!.entry };
  }
  // the budget runs out at one of the d + 1 down entries; a grant covers up to three of them
  const recursion = costs.down * (depth + 1);
  const steps = plannedSteps(
    { scenario: p.scenario as SharedScenario, marker: p.marker, depth, suspension: p.suspension, resumeValue: p.resumeValue, reject: p.reject, calls: p.calls, budget: p.budgetPick % Math.max(1, recursion), grant: p.grantPick % Math.max(1, 3 * costs.down) },
    end,
    costs,
    metered,
  );
  const tags: Record<string, string> = {
    scenario: p.scenario,
    pause: metered ? 'fuel' : p.suspension === 1 ? 'block' : 'yield',
    cancel: steps.some((s) => s.op === 'cancel') ? (p.reject ? 'reject' : 'abandon') : 'none',
    depth: depth >= 256 ? 'deep' : 'shallow',
    mechanism: 'any',
  };
  if (end.k === 'trap') tags['trap'] = TRAP_KIND[end.trap];
  const c: Case = { id: caseId(NAME, origin), family: NAME, modules: [{ bytes }], features, steps, provenance: generatorProvenance(jspi, origin, p), tags };
  // a few thousand steps: ~1–2 s alone on the Asyncify hosts, past the 5 s default on a loaded machine (measured: load 26 on 2 cores)
  if (p.scenario === 'mass-abandon') c.timeoutMs = MASS_TIMEOUT_MS;
  return c;
}

const ORDINARY = SCENARIOS.filter((s) => s !== 'mass-abandon');
const ordinary: fc.Arbitrary<Scenario> = fc.noBias(fc.nat({ max: ORDINARY.length - 1 })).map((i) => ORDINARY[i]!);

export const jspiArbitrary: fc.Arbitrary<JspiParams> = fc.record({
  // thousands of parks are slow on the Asyncify host (each park copies the guest's memory out and back): one draw in 32
  scenario: fc.oneof({ weight: 31, arbitrary: ordinary }, { weight: 1, arbitrary: fc.constant<Scenario>('mass-abandon') }),
  marker: fc.integer({ min: 1, max: 0x7fffffff }),
  depth: fc.integer({ min: 0, max: 16 }),
  // the reference host runs calls on 0.5 MiB worker stacks: 4094 Asyncify frames of `down` overflowed one in a batched run
  // (seed 1, case 0; not alone, so it depends on the tier the frames ran in), so depths stay at half that
  deepDepth: fc.integer({ min: 256, max: 2048 }),
  suspension: fc.constantFrom(1 as const, 2 as const),
  resumeValue: fc.integer({ min: 0, max: 0x3fffffff }),
  trap: fc.constantFrom(...PROGRAM_TRAPS),
  reject: fc.boolean(),
  calls: fc.integer({ min: 1000, max: 1200 }),
  budgetPick: fc.nat({ max: 1 << 20 }),
  grantPick: fc.nat({ max: 1 << 20 }),
});

export const jspi: Family<JspiParams> = {
  name: NAME,
  // 2: the JSPI-only rows through-js-frame and outside-promising (the same seed draws other cases than in 1)
  version: 2,
  description:
    'Suspended calls on their abnormal paths, for Asyncify and JSPI alike: a trap after resume, a trap while another call is suspended, ' +
    'suspension thousands of frames deep, stack exhaustion after resume, thousands of parked calls cancelled at once, fuel exhaustion as the ' +
    'suspension point; cancel by abandoning or by rejecting the held promise. JSPI only: a suspending import reached through a JS frame, ' +
    'or called outside any promising export (a start function): SuspendError.',
  declares: {
    scenario: [...SCENARIOS],
    pause: ['block', 'yield', 'fuel'],
    cancel: ['abandon', 'reject', 'none'],
    depth: ['shallow', 'deep'],
    mechanism: ['any', 'jspi-only'],
    trap: PROGRAM_TRAPS.map((t) => TRAP_KIND[t]),
  },
  arbitrary: jspiArbitrary,
  build,
};
