/**
 * thread-panic: wasi-threads processes where exactly one thread ends everything (bug-catalog
 * #23–#29, wasi-and-exit-codes.md §2.3/§6). A main thread and 1–4 spawned threads; exactly one
 * *terminator* (a trap of a core kind, or `proc_exit(code)`) in main or in a spawned thread; every
 * other thread is a *bystander*: blocked in an infinite atomic wait, joining the terminator,
 * busy in a bounded loop, sleeping (poll_oneoff clock), blocked reading a stdin that never
 * closes, or already finished. Main never returns while the terminator is pending, so the
 * expected outcome is exactly the terminator's.
 *
 * Ordering that matters is serialised in the guest, never by sleeping: every bystander bumps
 * the PARK word (atomic add + notify) before it parks, and the terminator waits (infinite
 * atomic wait) until PARK counts all of them, then runs a bounded amount of work, optionally
 * writes a line, and terminates from a random call depth.
 *
 * Also generated: clean runs (every thread joined, main returns → exit 0), spawn failures (past
 * the case's thread limit `thread-spawn` returns a negative error the guest handles) and genuine
 * deadlocks (every thread blocked forever → `deadlock`). Trap kinds are limited to those V8 names
 * precisely (no "imprecise" verdicts): the terminator kinds below.
 */
import fc from 'fast-check';
import type { Case, Step } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { TrapKind } from '../src/outcome.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../src/wasm/builder.ts';
import { SharedExpr } from '../src/wasm/shared-expr.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';

const NAME = 'thread-panic';
const WASI = 'wasi_snapshot_preview1';

export const TERMINATORS = ['unreachable', 'div-zero', 'overflow', 'oob', 'stack', 'unaligned', 'proc_exit'] as const;
export type Terminator = (typeof TERMINATORS)[number];
export const BYSTANDERS = ['wait', 'join', 'busy', 'sleep', 'stdin', 'finished'] as const;
export type Bystander = (typeof BYSTANDERS)[number];
export const SCENARIOS = ['terminate', 'clean', 'spawn-fail', 'deadlock'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const DEADLOCK_KINDS = ['wait', 'join-cycle', 'stdin', 'timed-then-wait'] as const;

const TRAP_OF: Record<Exclude<Terminator, 'proc_exit'>, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  overflow: 'integer overflow',
  oob: 'out of bounds memory access',
  stack: 'call stack exhausted',
  unaligned: 'unaligned atomic',
};

export const COMBOS: readonly string[] = TERMINATORS.flatMap((t) => BYSTANDERS.map((b) => `${t}×${b}`));

export interface ThreadPanicParams {
  scenario: Scenario;
  /** Index into COMBOS: the terminator kind and the primary bystander's kind. */
  combo: number;
  /** Spawned threads (1..4). */
  threads: number;
  terminatorInMain: boolean;
  /** Kinds of the other bystanders (indices into BYSTANDERS, cycled). */
  others: number[];
  code: number;
  /** Loop iterations the terminator runs after everyone parked ("a random point"). */
  work: number;
  /** Call depth of the terminating instruction. */
  depth: number;
  /** The terminator writes a line first (stdout, or stderr when odd). */
  write: number;
  /** Which import names the shared memory uses. */
  memName: number;
  /** Iterations of a busy bystander. */
  busy: number;
  /** spawn-fail: the case's thread limit. */
  limit: number;
  deadlock: number;
}

const MEM_NAMES: ReadonlyArray<[string, string]> = [
  ['env', 'memory'],
  ['foo', 'bar'],
  ['wasi', 'memory'],
  ['threads', 'shared'],
];

// Memory layout (shared, 1 page). Words that must start at zero are never in data segments
// (every thread's instantiation re-applies the segments).
const PARK = 0;
const FOREVER = 4;
const SUM = 8;
const JOIN = 16; // + 4*i, i = 1..7
const SCRATCH = 1024; // + 128*i per thread: iovec, counts, poll subscription/event, read buffer
const TEXT = 4096;
const PAGE = 65536;

// Helper bodies that are the same in every module (no parameter reaches them): built once per
// binaryen module (SharedExpr). `asBody` makes what `fn` would: one statement as is, more in a block.
const asBody = (m: BModule, stmts: Expr[]): Expr => (stmts.length === 1 ? stmts[0]! : m.block(null, stmts));
const c32 = (m: BModule, v: number): Expr => m.i32.const(v | 0);
/** forever(): an infinite wait on a word nobody changes */
const FOREVER_BODY = new SharedExpr((m) =>
  asBody(m, [m.loop('f', m.block(null, [m.drop(m.memory.atomic.wait32(c32(m, FOREVER), c32(m, 0), i64c(m, -1n))), m.br('f')]))]),
);
/** await_at_least(addr, n): wait until *addr >= n (atomic waits, no sleeping) */
const AWAIT_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.loop(
      'w',
      m.block(null, [
        m.local.set(2, m.i32.atomic.load(0, m.local.get(0, i32))),
        m.if(m.i32.ge_s(m.local.get(2, i32), m.local.get(1, i32)), m.return()),
        m.drop(m.memory.atomic.wait32(m.local.get(0, i32), m.local.get(2, i32), i64c(m, -1n))),
        m.br('w'),
      ]),
    ),
  ]);
});
const PARK_BODY = new SharedExpr((m) => asBody(m, [m.drop(m.i32.atomic.rmw.add(0, c32(m, PARK), c32(m, 1))), m.drop(m.memory.atomic.notify(c32(m, PARK), c32(m, -1)))]));
/** write(fd, ptr, len) using this thread's scratch iovec (scratch base in param 3) */
const WRITE_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.i32.store(0, 4, m.local.get(3, i32), m.local.get(1, i32)),
    m.i32.store(4, 4, m.local.get(3, i32), m.local.get(2, i32)),
    m.drop(m.call('fd_write', [m.local.get(0, i32), m.local.get(3, i32), c32(m, 1), m.i32.add(m.local.get(3, i32), c32(m, 8))], i32)),
  ]);
});
/** read(scratch): fd_read(0) of 16 bytes; blocks forever on a stdin that never closes */
const READ_BODY = new SharedExpr((m) => {
  const i32 = binaryen.i32;
  return asBody(m, [
    m.i32.store(0, 4, m.local.get(0, i32), m.i32.add(m.local.get(0, i32), c32(m, 96))),
    m.i32.store(4, 4, m.local.get(0, i32), c32(m, 16)),
    m.drop(m.call('fd_read', [c32(m, 0), m.local.get(0, i32), c32(m, 1), m.i32.add(m.local.get(0, i32), c32(m, 8))], i32)),
  ]);
});
const REC_BODY = new SharedExpr((m) => asBody(m, [m.i32.add(m.call('rec', [m.i32.add(m.local.get(0, binaryen.i32), c32(m, 1))], binaryen.i32), c32(m, 1))]));

interface Plan {
  /** Per spawned thread 1..k: its role. */
  roles: Array<{ kind: 'terminator' } | { kind: Bystander } | { kind: 'clean' } | { kind: 'deadlock'; how: string; target: number }>;
  main: { kind: 'terminator' } | { kind: Bystander } | { kind: 'clean' } | { kind: 'spawn-fail' } | { kind: 'deadlock' };
  terminator: Terminator;
  primary: Bystander;
  bystanders: number;
}

function plan(p: ThreadPanicParams): Plan {
  const terminator = TERMINATORS[Math.floor(p.combo / BYSTANDERS.length) % TERMINATORS.length]!;
  const primary = BYSTANDERS[p.combo % BYSTANDERS.length]!;
  let k = Math.max(1, Math.min(4, p.threads));
  const other = (i: number): Bystander => BYSTANDERS[p.others[i % Math.max(1, p.others.length)]! % BYSTANDERS.length] ?? 'wait';
  if (p.scenario === 'clean') return { roles: Array.from({ length: k }, () => ({ kind: 'clean' as const })), main: { kind: 'clean' }, terminator, primary, bystanders: 0 };
  if (p.scenario === 'spawn-fail') {
    const l = Math.max(1, Math.min(3, p.limit));
    return { roles: Array.from({ length: l }, () => ({ kind: 'finished' as const })), main: { kind: 'spawn-fail' }, terminator, primary, bystanders: 0 };
  }
  if (p.scenario === 'deadlock') {
    const how = DEADLOCK_KINDS[p.deadlock % DEADLOCK_KINDS.length]!;
    return {
      roles: Array.from({ length: k }, (_, i) => ({ kind: 'deadlock' as const, how, target: (i + 1) % k + 1 })),
      main: { kind: 'deadlock' },
      terminator,
      primary,
      bystanders: 0,
    };
  }
  // terminate: main as terminator, or the last spawned thread; the primary bystander is main
  // when main is a bystander and can play it (main never "finishes": that would end the process)
  if (p.terminatorInMain) {
    const roles = Array.from({ length: k }, (_, i) => ({ kind: i === 0 ? primary : other(i) }));
    return { roles, main: { kind: 'terminator' }, terminator, primary, bystanders: k };
  }
  if (primary === 'finished') k = Math.max(k, 2);
  const roles: Plan['roles'] = [];
  for (let i = 1; i <= k; i++) {
    if (i === k) roles.push({ kind: 'terminator' });
    else if (i === 1 && primary === 'finished') roles.push({ kind: 'finished' });
    else roles.push({ kind: other(i) });
  }
  const mainKind: Bystander = primary === 'finished' ? (other(0) === 'finished' ? 'join' : other(0)) : primary;
  return { roles, main: { kind: mainKind }, terminator, primary, bystanders: k };
}

function build(p: ThreadPanicParams, origin: Origin): Case {
  const pl = plan(p);
  const k = pl.roles.length;
  const [memModule, memBase] = MEM_NAMES[p.memName % MEM_NAMES.length]!;
  const code = 2 + (p.code % 124);
  const termIdx = pl.main.kind === 'terminator' ? 0 : pl.roles.findIndex((r) => r.kind === 'terminator') + 1;
  const usesStdin = pl.main.kind === 'stdin' || pl.roles.some((r) => r.kind === 'stdin' || (r.kind === 'deadlock' && r.how === 'stdin'));
  const enc = new TextEncoder();
  const texts = { term: enc.encode(`thread ${termIdx} ends the process\n`), joined: enc.encode('joined\n'), failed: enc.encode('spawn failed\n') };
  const textAt = { term: TEXT, joined: TEXT + 64, failed: TEXT + 128 };
  const features: Feature[] = ['threads', 'wasi', 'wasi-threads'];
  const i32 = binaryen.i32;
  const none = binaryen.none;

  const bytes = buildModule(NAME, features, (m: BModule) => {
    m.addFunctionImport('spawn', 'wasi', 'thread-spawn', binaryen.createType([i32]), i32);
    m.addFunctionImport('proc_exit', WASI, 'proc_exit', binaryen.createType([i32]), none);
    m.addFunctionImport('fd_write', WASI, 'fd_write', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('fd_read', WASI, 'fd_read', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('poll_oneoff', WASI, 'poll_oneoff', binaryen.createType([i32, i32, i32, i32]), i32);
    const segments = [
      { name: 't0', data: texts.term, passive: false, offset: m.i32.const(textAt.term) },
      { name: 't1', data: texts.joined, passive: false, offset: m.i32.const(textAt.joined) },
      { name: 't2', data: texts.failed, passive: false, offset: m.i32.const(textAt.failed) },
    ];
    m.setMemory(1, 1, null, segments, true);
    m.addMemoryImport('0', memModule, memBase, true);
    // WASI preview1's ABI reads and writes through the exported `memory`; WAMR refuses a WASI
    // module without it ("a module with WASI apis must export memory by default", iwasm 2.x)
    m.addMemoryExport('0', 'memory');
    const c = (v: number): Expr => m.i32.const(v | 0);
    const atomicLoad = (addr: number): Expr => m.i32.atomic.load(0, c(addr));
    const notifyAll = (addr: number): Expr => m.drop(m.memory.atomic.notify(c(addr), c(-1)));
    const fn = (name: string, body: Expr[], vars: number[] = [], params = none, results = none): void => {
      m.addFunction(name, params, results, vars, body.length === 1 ? body[0]! : m.block(null, body));
    };
    const shared = (name: string, tree: SharedExpr, vars: number[] = [], params = none, results = none): void => {
      m.addFunction(name, params, results, vars, tree.in(m));
    };
    shared('forever', FOREVER_BODY);
    shared('await', AWAIT_BODY, [i32], binaryen.createType([i32, i32]));
    shared('park', PARK_BODY);
    fn('busy', [m.loop('b', m.block(null, [m.local.set(0, m.i32.add(m.local.get(0, i32), c(1))), m.br('b', m.i32.lt_u(m.local.get(0, i32), c(Math.max(1, p.busy))))]))], [i32]);
    shared('write', WRITE_BODY, [], binaryen.createType([i32, i32, i32, i32]));
    // sleep(scratch): poll_oneoff with one relative monotonic clock subscription (a virtual sleep)
    fn(
      'sleep',
      [
        m.i64.store(0, 8, m.i32.add(m.local.get(0, i32), c(16)), i64c(m, 0n)),
        m.i32.store8(8, 1, m.i32.add(m.local.get(0, i32), c(16)), c(0)),
        m.i32.store(16, 4, m.i32.add(m.local.get(0, i32), c(16)), c(1)),
        m.i64.store(24, 8, m.i32.add(m.local.get(0, i32), c(16)), i64c(m, BigInt(1_000_000 * (1 + (p.busy % 1000))))),
        m.i64.store(32, 8, m.i32.add(m.local.get(0, i32), c(16)), i64c(m, 0n)),
        m.i32.store16(40, 2, m.i32.add(m.local.get(0, i32), c(16)), c(0)),
        m.drop(m.call('poll_oneoff', [m.i32.add(m.local.get(0, i32), c(16)), m.i32.add(m.local.get(0, i32), c(64)), c(1), m.i32.add(m.local.get(0, i32), c(12))], i32)),
      ],
      [],
      binaryen.createType([i32]),
    );
    shared('read', READ_BODY, [], binaryen.createType([i32]));
    shared('rec', REC_BODY, [], binaryen.createType([i32]), i32);

    // The terminating instruction, at call depth p.depth.
    const terminal = (): Expr[] => {
      switch (pl.terminator) {
        case 'unreachable':
          return [m.unreachable()];
        case 'div-zero':
          return [m.drop(m.i32.div_u(c(7 + p.code), atomicLoad(FOREVER))), m.unreachable()];
        case 'overflow':
          return [m.drop(m.i32.div_s(c(0x80000000), m.i32.sub(atomicLoad(FOREVER), c(1)))), m.unreachable()];
        case 'oob':
          return [m.drop(m.i32.load(0, 4, c(PAGE - 2 + (p.code % 64)))), m.unreachable()];
        case 'stack':
          return [m.drop(m.call('rec', [c(0)], i32)), m.unreachable()];
        case 'unaligned':
          return [m.drop(m.i32.atomic.load(0, c(SCRATCH + 2))), m.unreachable()];
        case 'proc_exit':
          return [m.call('proc_exit', [c(code)], none), m.unreachable()];
      }
    };
    const depth = p.depth % 4;
    for (let d = depth; d >= 0; d--) fn(`term${d}`, d === depth ? terminal() : [m.call(`term${d + 1}`, [], none), m.unreachable()]);

    const scratch = (idx: number): number => SCRATCH + 128 * idx;
    const finishWord = (idx: number): Expr[] => [m.i32.atomic.store(0, c(JOIN + 4 * idx), c(1)), notifyAll(JOIN + 4 * idx)];
    /** A bystander's body; `isMain`: it must never return. */
    const bystander = (kind: Bystander, idx: number, isMain: boolean): Expr[] => {
      const tail = isMain ? [m.call('await', [c(JOIN + 4 * termIdx), c(1)], none), m.call('forever', [], none)] : [];
      switch (kind) {
        case 'wait':
          return [m.call('park', [], none), m.call('forever', [], none)];
        case 'join':
          return [m.call('park', [], none), m.call('await', [c(JOIN + 4 * termIdx), c(1)], none), ...tail];
        case 'busy':
          return [m.call('park', [], none), m.call('busy', [], none), ...tail];
        case 'sleep':
          return [m.call('park', [], none), m.call('sleep', [c(scratch(idx))], none), ...tail];
        case 'stdin':
          return [m.call('park', [], none), m.call('read', [c(scratch(idx))], none), ...tail];
        case 'finished':
          return [m.call('park', [], none), ...tail];
      }
    };
    const terminatorBody = (idx: number): Expr[] => [
      m.call('await', [c(PARK), c(pl.bystanders)], none),
      ...(p.work > 0 ? [m.loop('work', m.block(null, [m.local.set(0, m.i32.add(m.local.get(0, i32), c(1))), m.br('work', m.i32.lt_u(m.local.get(0, i32), c(p.work)))]))] : []),
      ...(p.write > 0 ? [m.call('write', [c(p.write % 2 ? 2 : 1), c(textAt.term), c(texts.term.length), c(scratch(idx))], none)] : []),
      m.call('term0', [], none),
    ];

    // Spawned threads: role_i for i = 1..k.
    pl.roles.forEach((r, j) => {
      const idx = j + 1;
      let body: Expr[];
      if (r.kind === 'terminator') body = terminatorBody(idx);
      else if (r.kind === 'clean') body = [m.drop(m.i32.atomic.rmw.add(0, c(SUM), c(idx)))];
      else if (r.kind === 'deadlock') {
        if (r.how === 'wait') body = [m.call('forever', [], none)];
        else if (r.how === 'join-cycle') body = [m.call('await', [c(JOIN + 4 * r.target), c(1)], none)];
        else if (r.how === 'stdin') body = [m.call('read', [c(scratch(idx))], none)];
        else body = [m.drop(m.memory.atomic.wait32(c(FOREVER), c(0), i64c(m, 1_000_000_000n))), m.call('forever', [], none)];
      } else body = bystander(r.kind, idx, false);
      fn(`role${idx}`, [...body, ...finishWord(idx)], [i32]);
    });
    const dispatch = pl.roles.map((_, j) => m.if(m.i32.eq(m.local.get(1, i32), c(j + 1)), m.call(`role${j + 1}`, [], none)));
    fn('wasi_thread_start', dispatch.length ? dispatch : [m.nop()], [], binaryen.createType([i32, i32]));
    m.addFunctionExport('wasi_thread_start', 'wasi_thread_start');

    // Main: spawn every thread (a failed spawn is a visible trap), then its role.
    const spawnAll: Expr[] = pl.roles.map((_, j) => m.if(m.i32.le_s(m.call('spawn', [c(j + 1)], i32), c(0)), m.unreachable()));
    let mainBody: Expr[];
    switch (pl.main.kind) {
      case 'terminator':
        mainBody = [...spawnAll, ...terminatorBody(0)];
        break;
      case 'clean': {
        const joins = pl.roles.map((_, j) => m.call('await', [c(JOIN + 4 * (j + 1)), c(1)], none));
        const sum = (k * (k + 1)) / 2;
        mainBody = [
          ...spawnAll,
          ...joins,
          m.if(m.i32.ne(atomicLoad(SUM), c(sum)), m.unreachable()),
          m.call('write', [c(1), c(textAt.joined), c(texts.joined.length), c(scratch(0))], none),
        ];
        break;
      }
      case 'spawn-fail': {
        const joins = pl.roles.map((_, j) => m.call('await', [c(JOIN + 4 * (j + 1)), c(1)], none));
        mainBody = [
          ...spawnAll,
          // one past the limit: the runtime must refuse with a negative error, not trap or hang
          m.if(m.i32.ge_s(m.call('spawn', [c(99)], i32), c(0)), m.unreachable()),
          m.call('write', [c(1), c(textAt.failed), c(texts.failed.length), c(scratch(0))], none),
          ...joins,
          m.call('proc_exit', [c(code)], none),
          m.unreachable(),
        ];
        break;
      }
      case 'deadlock':
        mainBody = [...spawnAll, m.call('await', [c(JOIN + 4), c(1)], none)];
        break;
      default:
        mainBody = [...spawnAll, ...bystander(pl.main.kind, 0, true)];
    }
    fn('_start', mainBody, [i32]);
    m.addFunctionExport('_start', '_start');
  });

  let outcome: Step['expect']['outcome'];
  let stdout = '';
  let stderr = '';
  switch (p.scenario) {
    case 'terminate':
      outcome = pl.terminator === 'proc_exit' ? { kind: 'exit', code } : { kind: 'trap', trap: TRAP_OF[pl.terminator] };
      if (p.write > 0) (p.write % 2 ? (s: string) => (stderr = s) : (s: string) => (stdout = s))(new TextDecoder().decode(texts.term));
      break;
    case 'clean':
      outcome = { kind: 'exit', code: 0 };
      stdout = 'joined\n';
      break;
    case 'spawn-fail':
      outcome = { kind: 'exit', code };
      stdout = 'spawn failed\n';
      break;
    case 'deadlock':
      outcome = { kind: 'deadlock' };
      break;
  }
  const tags: Record<string, string> = { scenario: p.scenario, threads: String(k) };
  if (p.scenario === 'terminate') {
    tags['combo'] = `${pl.terminator}×${pl.primary}`;
    tags['terminator'] = pl.terminator;
    tags['bystander'] = pl.primary;
    tags['terminator-in'] = pl.main.kind === 'terminator' ? 'main' : 'thread';
    tags['depth'] = String(p.depth % 4);
  }
  if (p.scenario === 'deadlock') tags['deadlock'] = DEADLOCK_KINDS[p.deadlock % DEADLOCK_KINDS.length]!;
  const c: Case = {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'start', expect: { outcome: outcome!, stdout, stderr } },
    ],
    provenance: generatorProvenance(threadPanic, origin, p),
    tags,
  };
  const wasi: NonNullable<Case['wasi']> = {};
  if (usesStdin) wasi.stdinOpen = true;
  if (p.scenario === 'spawn-fail') wasi.threadLimit = pl.roles.length;
  if (Object.keys(wasi).length) c.wasi = wasi;
  return c;
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));

export const threadPanicArbitrary: fc.Arbitrary<ThreadPanicParams> = fc.record({
  scenario: fc.oneof(
    { weight: 16, arbitrary: fc.constant('terminate' as const) },
    { weight: 1, arbitrary: fc.constant('clean' as const) },
    { weight: 1, arbitrary: fc.constant('spawn-fail' as const) },
    { weight: 2, arbitrary: fc.constant('deadlock' as const) },
  ),
  combo: nat(COMBOS.length - 1),
  threads: fc.integer({ min: 1, max: 4 }),
  terminatorInMain: fc.boolean(),
  others: fc.array(nat(BYSTANDERS.length - 1), { minLength: 1, maxLength: 4 }),
  code: nat(0xffff),
  work: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  depth: nat(3),
  write: nat(3),
  memName: nat(MEM_NAMES.length - 1),
  busy: fc.integer({ min: 1, max: 20000 }),
  limit: fc.integer({ min: 1, max: 3 }),
  deadlock: nat(DEADLOCK_KINDS.length - 1),
});

export const threadPanic: Family<ThreadPanicParams> = {
  name: NAME,
  // 2: the shared memory is exported as `memory` (the WASI ABI)
  version: 2,
  description:
    'wasi-threads processes: one terminator (a trap or proc_exit) in main or a spawned thread while the others wait, join, ' +
    'spin, sleep, block on stdin or have finished; plus clean joins (exit 0), spawn failures past the thread limit and deadlocks.',
  declares: {
    scenario: [...SCENARIOS],
    combo: [...COMBOS],
    terminator: [...TERMINATORS],
    bystander: [...BYSTANDERS],
    'terminator-in': ['main', 'thread'],
    deadlock: [...DEADLOCK_KINDS],
  },
  arbitrary: threadPanicArbitrary,
  build,
};
