/**
 * core-traps: every trap kind V8 (Node 20) can raise, each at a random depth inside blocks,
 * loops, if/else arms, br_table arms, direct and indirect calls, after a tracked prefix of
 * memory stores, global sets, table sets and failing memory.grows; or in the start function /
 * an active segment, where instantiation itself must trap. The function holding the trap runs
 * inside a transparent context (generators/contexts/) in seven cases out of eight, and operands
 * come from the interesting-value dictionaries (generators/values.ts), tagged `value:<operand>`.
 *
 * Ordinary case: `instantiate` → return; `invoke run` → the trap, with the tracked memory
 * (including the bytes a trapping store or bulk op targets: a trap writes nothing) and the
 * exported globals; `invoke probe` → a value computed from that state, proving the instance
 * is still usable. The trapping value is dropped, fed to a `select`, or stored to a local:
 * optimisers like to delete dead results, and a dead trapping load must still trap
 * (bug-catalog #1).
 *
 * The parts live in generators/core-traps/: parameters, sites (one file per kind), placement,
 * module, operands, context.
 */
import type { Case, Step } from '../src/case.ts';
import { i32, i64 } from '../src/outcome.ts';
import { CONTEXT_DECLARES } from './contexts/index.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';
import { VALUE_CLASSES } from './values.ts';
import { coreTrapsArbitrary } from './core-traps/arbitrary.ts';
import { applyContext } from './core-traps/context.ts';
import { NAME, buildCore, orderedFeatures } from './core-traps/module.ts';
import { BOUNDARY_CLASSES, EA_CLASSES } from './core-traps/operands.ts';
import type { CoreTrapParams } from './core-traps/params.ts';
import { USES, WRAPPER_KINDS } from './core-traps/params.ts';
import { SITES } from './core-traps/sites.ts';
import { TRUNC_INPUT_CLASSES } from './core-traps/sites-truncation.ts';

export type { CoreTrapParams, PrefixOp, Use, Wrapper, WrapperKind } from './core-traps/params.ts';
export { USES, WRAPPER_KINDS } from './core-traps/params.ts';
export { SITE_KEYS } from './core-traps/sites.ts';
export { coreTrapsArbitrary } from './core-traps/arbitrary.ts';

function buildCase(p: CoreTrapParams, origin: Origin): Case {
  const r = buildCore(p);
  const { site, detail } = r;
  const inContext = applyContext(r.bytes, r.siteFn, p.context);
  const placement = site.segment ? 'segment' : p.wrappers.length === 0 ? 'body' : p.wrappers[p.wrappers.length - 1]!.kind;
  const stage = site.segment || p.stage === 'start' ? 'instantiate' : 'run';
  const tags: Record<string, string> = {
    trap: site.trap,
    site: site.site,
    detail,
    placement: stage === 'instantiate' && !site.segment ? 'start' : placement,
    depth: String(site.segment ? 0 : p.wrappers.length),
    use: r.use,
    stage,
    ...r.values,
    ...inContext.tags,
  };
  if (!site.segment && stage === 'instantiate') tags['start-placement'] = placement;
  let steps: Step[];
  if (stage === 'instantiate') {
    steps = [{ op: 'instantiate', expect: { outcome: { kind: 'trap', trap: site.trap } } }];
  } else {
    const expect: Step['expect'] = {
      outcome: { kind: 'trap', trap: site.trap },
      globals: { g0: i32(r.globals.g0), g1: i64(r.globals.g1) },
    };
    if (r.memSize > 0) expect.memory = r.model.regions();
    steps = [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'invoke', export: 'run', expect },
      { op: 'invoke', export: 'probe', expect: { outcome: { kind: 'return', values: [i32(r.probe)] } } },
    ];
  }
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes: inContext.bytes }],
    features: orderedFeatures(new Set([...r.features, ...inContext.features])),
    steps,
    provenance: generatorProvenance(coreTraps, origin, p),
    tags,
  };
}

const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)];
/** Boundary classes an operand that is never moved (or only moved to the bound) can take. */
const DRAWN_BOUNDARY = BOUNDARY_CLASSES.filter((c) => c !== 'interior');

export const coreTraps: Family<CoreTrapParams> = {
  name: NAME,
  // 3: contexts drawn by generators/contexts/draw.ts (same shapes, other draws for a seed)
  version: 3,
  description:
    'Every trap kind V8 raises (unreachable, division, truncation, OOB memory/table, call_indirect, stack, atomics), ' +
    'placed at random depth in blocks, loops, if/else and br_table arms, direct and indirect calls, after tracked side effects, ' +
    'inside transparent contexts, with interesting operands; or in the start function / an active segment (instantiation traps).',
  declares: {
    trap: uniq(SITES.map((s) => s.trap)),
    site: uniq(SITES.map((s) => s.site)),
    detail: uniq(SITES.flatMap((s) => s.details)),
    placement: ['body', ...WRAPPER_KINDS, 'start', 'segment'],
    depth: ['0', '1', '2', '3', '4'],
    use: [...USES],
    stage: ['run', 'instantiate'],
    context: ['none', 'wrapped'],
    ...CONTEXT_DECLARES,
    'value:grow-delta': VALUE_CLASSES.u32,
    'value:dividend': uniq([...VALUE_CLASSES.u32, ...VALUE_CLASSES.i64]),
    'value:shift-count': VALUE_CLASSES.shift,
    'value:trunc-input': TRUNC_INPUT_CLASSES,
    'value:effective-address': EA_CLASSES,
    'value:address': DRAWN_BOUNDARY,
    'value:offset': VALUE_CLASSES.u32,
    'value:bulk-dest': DRAWN_BOUNDARY,
    'value:bulk-src': DRAWN_BOUNDARY,
    'value:bulk-len': DRAWN_BOUNDARY,
    'value:table-index': ['at-limit', 'limit+1', 'past-limit', 'far-past-limit', 'two-pow-31', 'u32-max'],
  },
  arbitrary: coreTrapsArbitrary,
  build: buildCase,
};
