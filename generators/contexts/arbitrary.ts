/**
 * The fast-check arbitrary of context parameters, swarm style: each draw first enables a random
 * subset of the constructs (so rare combinations get a fair share of cases, not an average of
 * everything), then builds a tree from the enabled ones only.
 *
 * Size bounds: `Around` nesting ≤ `maxDepth` (default 4), `Carry` nesting ≤ 2 with ≤ 3 children,
 * `Pure` and dead-code blocks nested ≤ 2 with ≤ 4 / 6 instructions per list, `br_table` over
 * ≤ 3 blocks, loops run ≤ 3 times. A context is therefore a few hundred bytes at most and runs a
 * bounded number of instructions (loops nest ≤ 2 in carries and pure code).
 */
import fc from 'fast-check';
import type { Around, Arm, Carry, Const, Construct, ContextParams, DeadOp, Pure, TableShape } from './params.ts';
import { CONSTRUCTS, NUM_TYPES } from './params.ts';

export interface ContextConstraints {
  /** Deepest nesting of `Around` nodes (wrappers around the body). @default 4 */
  maxDepth?: number;
  /** The constructs a swarm configuration may enable. @default every construct */
  constructs?: readonly Construct[];
}

const NESTED = 2;
/** Constructs that exist as carries (after the body). */
const CARRIES: readonly Construct[] = ['locals', 'select', 'call', 'call_indirect', 'block-params', 'loop-params', 'br-values', 'br_if-values', 'br_table-values', 'return'];
const numType = fc.constantFrom(...NUM_TYPES);
const smallInt = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer());
const constant: fc.Arbitrary<Const> = fc.record({ t: numType, v: smallInt });
const opIndex = fc.nat({ max: 15 });
const trips = fc.integer({ min: 1, max: 3 });

/** A `br_table` over 1 … 3 blocks; each level count's record built once (the chain would rebuild it per draw). */
const tableOf = (levels: number): fc.Arbitrary<TableShape> =>
  fc.record({
    levels: fc.constant(levels),
    targets: fc.array(fc.nat({ max: levels - 1 }), { maxLength: 3 }),
    fallback: fc.nat({ max: levels - 1 }),
    selector: fc.oneof(fc.nat({ max: levels }), fc.integer()),
  });
const TABLES = [1, 2, 3].map(tableOf);
const table: fc.Arbitrary<TableShape> = fc.integer({ min: 1, max: 3 }).chain((levels) => TABLES[levels - 1]!);

/**
 * Arbitraries are immutable and these builders pure, so each is built once per argument and
 * shared: a draw no longer rebuilds the same trees (most of a context draw's cost), and every
 * draw is the same as without the cache.
 */
function memo<K, V>(build: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, build(key));
    return cache.get(key)!;
  };
}

const deadOps = memo(deadOpsOf);
function deadOpsOf(depth: number): fc.Arbitrary<DeadOp[]> {
  const leaf: Array<fc.Arbitrary<DeadOp>> = [
    constant.map((c) => ({ k: 'const', c }) as const),
    fc.record({ k: fc.constant('binop' as const), t: numType, op: opIndex }),
    fc.record({ k: fc.constant('unop' as const), t: numType, op: opIndex }),
    fc.constant({ k: 'drop' } as const),
    fc.record({ k: fc.constantFrom('get' as const, 'set' as const, 'tee' as const), t: numType }),
    fc.constant({ k: 'unreachable' } as const),
    fc.constant({ k: 'br' } as const),
  ];
  const nested = depth > 0 ? [deadOps(depth - 1).map((body) => ({ k: 'block', body }) as const)] : [];
  return fc.array(fc.oneof(...leaf, ...nested), { maxLength: 6 });
}

/** Pure code lists by minimum length (0 or 1), each memoised by depth. */
const pureCodeByMinLength = [memo((depth: number) => pureCodeOf(depth, 0)), memo((depth: number) => pureCodeOf(depth, 1))];
const pureCode = (depth: number, minLength: 0 | 1 = 0): fc.Arbitrary<Pure[]> => pureCodeByMinLength[minLength]!(depth);
function pureCodeOf(depth: number, minLength: number): fc.Arbitrary<Pure[]> {
  const leaf: Array<fc.Arbitrary<Pure>> = [
    constant.map((c) => ({ k: 'set', c }) as const),
    fc.record({ k: fc.constant('arith' as const), t: numType, op: opIndex, a: smallInt, b: smallInt }),
    fc.record({ k: fc.constant('tee' as const), c: constant, n: fc.integer({ min: 1, max: 3 }) }),
  ];
  const nested =
    depth > 0
      ? [
          pureCode(depth - 1).map((body) => ({ k: 'block', body }) as const),
          fc.record({ k: fc.constant('loop' as const), trips, body: pureCode(depth - 1) }),
          fc.record({ k: fc.constant('if' as const), cond: smallInt, then: pureCode(depth - 1), else: pureCode(depth - 1) }),
        ]
      : [];
  return fc.array(fc.oneof(...leaf, ...nested), { minLength, maxLength: 4 });
}

/**
 * An arbitrary built on first use. A swarm configuration is drawn anew for every context, and
 * building all its options up front (dozens of records, most of which the draw never reaches)
 * cost more than the draw itself. `oneof` only ever generates from the option it picks, and this
 * delegates generation and shrinking as they are, so every draw is the one the eagerly built
 * arbitrary would give.
 */
class Lazy<T> extends fc.Arbitrary<T> {
  private built: fc.Arbitrary<T> | undefined;
  constructor(private readonly build: () => fc.Arbitrary<T>) {
    super();
  }
  private get arbitrary(): fc.Arbitrary<T> {
    return (this.built ??= this.build());
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.arbitrary.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.arbitrary.canShrinkWithoutContext(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.arbitrary.shrink(value, context);
  }
}
const lazy = <T>(build: () => fc.Arbitrary<T>): fc.Arbitrary<T> => new Lazy(build);

const blockParams = fc.array(constant, { minLength: 1, maxLength: 3 });

interface SharedOptions {
  dead: fc.Arbitrary<DeadOp[]>;
  /** The carries without nested carries, in the order a swarm offers them. */
  leafCarries: ReadonlyArray<readonly [Construct, fc.Arbitrary<Carry>]>;
  /** The arm of an `if` that never runs. */
  otherArm: fc.Arbitrary<Arm>;
}

/**
 * The options that depend only on whether dead code and pre code are on, built once for each of
 * the four combinations and shared by every swarm: a swarm is drawn anew for every context, and
 * building these records again for each one cost a large part of a draw. Arbitraries are
 * immutable, so a shared one draws exactly what a swarm's own copy would.
 */
const sharedOptions = memo((flags: string): SharedOptions => {
  const deadOn = flags[0] === '1';
  const dead: fc.Arbitrary<DeadOp[]> = deadOn ? deadOps(NESTED) : fc.constant([]);
  const between: fc.Arbitrary<Pure[]> = flags[1] === '1' ? pureCode(NESTED) : fc.constant([]);
  const junk = fc.record({ k: fc.constant('junk' as const), v: smallInt });
  return {
    dead,
    leafCarries: [
      ['locals', lazy(() => fc.record({ k: fc.constant('locals' as const), tee: fc.boolean(), between }))],
      ['select', lazy(() => fc.record({ k: fc.constant('select' as const), cond: smallInt, typed: fc.boolean(), junk: smallInt }))],
      ['call', fc.constant({ k: 'call' } as const)],
      ['call_indirect', fc.constant({ k: 'call_indirect' } as const)],
      ['br-values', lazy(() => fc.record({ k: fc.constant('br' as const), dead }))],
      ['br_if-values', lazy(() => fc.record({ k: fc.constant('br_if' as const), cond: smallInt, junk: smallInt }))],
      ['br_table-values', lazy(() => fc.record({ k: fc.constant('br_table' as const), table, dead }))],
      // a bare return makes what follows it dead code: only when dead code is on
      ['return', lazy(() => fc.record({ k: fc.constant('return' as const), bare: deadOn ? fc.boolean() : fc.constant(false), dead }))],
    ],
    otherArm: deadOn ? fc.oneof(junk, fc.record({ k: fc.constant('dead' as const), ops: dead })) : junk,
  };
});
const sharedFor = (deadOn: boolean, preOn: boolean): SharedOptions => sharedOptions(`${deadOn ? 1 : 0}${preOn ? 1 : 0}`);

/** The arbitraries one swarm configuration allows (each option built when a draw first picks it). */
class Swarm {
  readonly dead: fc.Arbitrary<DeadOp[]>;
  /** The options that depend on no other construct of the configuration. */
  private readonly shared: SharedOptions;
  /** How many carry kinds the configuration enables. */
  readonly carryKinds: number;
  constructor(private readonly on: ReadonlySet<Construct>) {
    this.carryKinds = CARRIES.filter((c) => on.has(c)).length;
    this.shared = sharedFor(on.has('dead-code'), on.has('pre-code'));
    this.dead = this.shared.dead;
  }

  /** Built once per depth: `around` asks for the same carries at every level. */
  readonly carry = memo((depth: number) => this.carryOf(depth));

  private carryOf(depth: number): fc.Arbitrary<Carry> | undefined {
    const on = this.on;
    const options: Array<fc.Arbitrary<Carry>> = [];
    for (const [construct, option] of this.shared.leafCarries) if (on.has(construct)) options.push(option);
    // one list arbitrary shared by both options, as when built eagerly
    const children = lazy((): fc.Arbitrary<Carry[]> => {
      const inner = depth > 0 ? this.carry(depth - 1) : undefined;
      return inner ? fc.array(inner, { maxLength: 3 }) : fc.constant<Carry[]>([]);
    });
    if (on.has('block-params')) options.push(lazy(() => fc.record({ k: fc.constant('block-params' as const), inner: children })));
    if (on.has('loop-params')) options.push(lazy(() => fc.record({ k: fc.constant('loop-params' as const), trips, inner: children })));
    return options.length > 0 ? fc.oneof(...options) : undefined;
  }

  /** Built once per depth, like `carry`. */
  readonly around = memo((depth: number) => this.aroundOf(depth));

  private aroundOf(depth: number): fc.Arbitrary<Around> {
    const hole = fc.constant({ k: 'hole' } as const);
    if (depth === 0) return hole;
    const on = this.on;
    const inner = lazy(() => this.around(depth - 1));
    const options: Array<fc.Arbitrary<Around>> = [];
    if (on.has('block')) options.push(lazy(() => fc.record({ k: fc.constant('block' as const), inner })));
    if (on.has('loop')) options.push(lazy(() => fc.record({ k: fc.constant('loop' as const), inner })));
    if (on.has('if'))
      options.push(
        lazy(() => fc.record({ k: fc.constant('if' as const), cond: smallInt, inner, other: this.shared.otherArm })),
      );
    if (on.has('block-params')) options.push(lazy(() => fc.record({ k: fc.constant('block-params' as const), params: blockParams, inner })));
    if (on.has('br-values')) options.push(lazy(() => fc.record({ k: fc.constant('br' as const), inner, dead: this.dead })));
    if (on.has('br_if-values')) options.push(lazy(() => fc.record({ k: fc.constant('br_if' as const), inner, cond: smallInt, junk: smallInt })));
    if (on.has('br_table-values')) options.push(lazy(() => fc.record({ k: fc.constant('br_table' as const), inner, table, dead: this.dead })));
    if (on.has('pre-code')) options.push(lazy(() => fc.record({ k: fc.constant('pre' as const), code: pureCode(NESTED, 1), inner })));
    const weighted = options.map((arbitrary) => ({ arbitrary, weight: 3 }));
    const carry = this.carry(NESTED);
    // one `then` per enabled carry kind, so each carry is about as frequent as each wrapper
    if (carry) weighted.push({ arbitrary: lazy(() => fc.record({ k: fc.constant('then' as const), inner, carry })), weight: 3 * this.carryKinds });
    if (weighted.length === 0) return hole;
    // the hole is one choice among many, so trees usually reach a useful depth
    return fc.oneof({ arbitrary: hole, weight: 1 }, ...weighted);
  }
}

const escape = fc.constantFrom('function' as const, 'body' as const);

/** Context parameters: a swarm configuration and a tree built from the constructs it enables. */
export function contextArbitrary(constraints: ContextConstraints = {}): fc.Arbitrary<ContextParams> {
  const maxDepth = constraints.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new Error(`generators.contexts: \`maxDepth\` must be a non-negative integer, got ${maxDepth}`);
  const allowed = constraints.constructs ?? CONSTRUCTS;
  return fc.subarray([...allowed]).chain((swarm) => fc.record({ swarm: fc.constant(swarm), escape, root: new Swarm(new Set(swarm)).around(maxDepth) }));
}
