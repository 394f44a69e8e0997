/**
 * The core-traps parameter arbitrary. Sites are drawn per group first (weighted, without
 * fast-check's small-value bias, which would starve the last keys), then uniformly within the
 * group; operands come from the interesting-value dictionaries (generators/values.ts); the
 * context is NO_CONTEXT for one case in eight (the plain form stays covered), else a swarm
 * context at random bounded depth (default maxDepth 4).
 */
import fc from 'fast-check';
import { NO_CONTEXT, contextArbitrary } from '../contexts/index.ts';
import { boundaryOffset, f32Bits, f64Bits, i64Operand, shiftCount, u32Operand } from '../values.ts';
import type { CoreTrapParams, Operands, PrefixOp, Wrapper } from './params.ts';
import { USES, WRAPPER_KINDS } from './params.ts';
import type { SiteGroup } from './site.ts';
import { SITES } from './sites.ts';

/**
 * Relative weight of each site group. Groups with many operand classes to cover (truncation,
 * loads, bulk operations, division) weigh more, so each class shows up often in a few thousand
 * cases; every trap kind keeps a share of at least 1/20.
 */
const GROUP_WEIGHT: Record<SiteGroup, number> = {
  unreachable: 1,
  'div-zero': 7,
  'div-overflow': 1,
  'trunc-nan': 2,
  'trunc-range': 3,
  load: 5,
  store: 4,
  'bulk-memory': 7,
  'table-access': 2,
  'table-bulk': 3,
  call_indirect: 6,
  recursion: 2,
  atomic: 3,
  wait: 1,
  segment: 2,
};

const GROUPS: string[][] = [];
for (const [group, weight] of Object.entries(GROUP_WEIGHT)) {
  const keys = SITES.filter((s) => s.group === group).map((s) => s.key);
  if (keys.length === 0) throw new Error(`core-traps: site group ${group} has no sites`);
  for (let w = 0; w < weight; w++) GROUPS.push(keys);
}
const siteArb: fc.Arbitrary<string> = fc
  .tuple(fc.noBias(fc.nat({ max: GROUPS.length - 1 })), fc.noBias(fc.nat({ max: 0xffff })))
  .map(([g, k]) => {
    const keys = GROUPS[g]!;
    return keys[k % keys.length]!;
  });

/** Class-uniform draws: each operand spreads over many sites, and every class must show in a few thousand cases. */
const UNIFORM = { classes: 'uniform' } as const;
const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
const levelArb = fc.integer({ min: 0, max: 4 });
const wrapperArb: fc.Arbitrary<Wrapper> = fc.record({
  kind: fc.noBias(fc.nat({ max: WRAPPER_KINDS.length - 1 })).map((i) => WRAPPER_KINDS[i]!),
  arms: fc.integer({ min: 2, max: 4 }),
  arm: fc.integer({ min: 0, max: 4 }),
});
const prefixArb: fc.Arbitrary<PrefixOp> = fc.oneof(
  fc.record({
    op: fc.constant('mem' as const),
    at: fc.integer({ min: 0, max: 1016 }),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    value: u32Arb,
    level: levelArb,
  }),
  fc.record({ op: fc.constant('global' as const), g: fc.constantFrom(0 as const, 1 as const), value: u32Arb, level: levelArb }),
  fc.record({ op: fc.constant('table' as const), slot: fc.constantFrom(0 as const, 1 as const), fn: fc.constantFrom(0 as const, 1 as const, 2 as const), level: levelArb }),
  fc.record({ op: fc.constant('grow' as const), delta: u32Operand(UNIFORM), level: levelArb }),
);

const operandsArb: fc.Arbitrary<Operands> = fc.record({
  u32: u32Operand(UNIFORM),
  i64: i64Operand(UNIFORM),
  shift32: shiftCount(32, UNIFORM),
  shift64: shiftCount(64, UNIFORM),
  f32: f32Bits(),
  f64: f64Bits(),
  at: boundaryOffset(UNIFORM),
  src: boundaryOffset(UNIFORM),
  len: boundaryOffset(UNIFORM),
  offset: u32Operand(UNIFORM),
  viaShift: fc.boolean(),
});

/** A drawn context with an empty swarm would be the plain form again: the plain share stays NO_CONTEXT's 1 in 8. */
const someContext = contextArbitrary().filter((c) => c.swarm.length > 0);
const contextArb = fc.oneof({ weight: 1, arbitrary: fc.constant(NO_CONTEXT) }, { weight: 7, arbitrary: someContext });

export const coreTrapsArbitrary: fc.Arbitrary<CoreTrapParams> = fc.record({
  site: siteArb,
  variant: fc.noBias(fc.nat({ max: 63 })),
  drawn: fc.noBias(fc.nat({ max: 5 })),
  a: u32Arb,
  b: u32Arb,
  ops: operandsArb,
  stage: fc.oneof({ weight: 6, arbitrary: fc.constant('run' as const) }, { weight: 1, arbitrary: fc.constant('start' as const) }),
  wrappers: fc.array(wrapperArb, { maxLength: 4 }),
  use: fc.noBias(fc.nat({ max: USES.length - 1 })).map((i) => USES[i]!),
  pages: fc.constantFrom(1 as const, 2 as const),
  prefix: fc.array(prefixArb, { maxLength: 6 }),
  g0: u32Arb,
  g1: u32Arb,
  salt: u32Arb,
  context: contextArb,
});
