/**
 * The module of a thread-panic case (binaryen): imports (thread-spawn and the WASI calls), the
 * shared memory, the helpers, the terminator's call chain, one role function per spawned thread,
 * the `wasi_thread_start` dispatcher and `_start` (main). Returns where each named function sits
 * in the function index space, so contexts can wrap the sites afterwards (./wrap.ts).
 */
import type { Feature } from '../../src/features.ts';
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../../src/wasm/builder.ts';
import type { SharedExpr } from '../../src/wasm/shared-expr.ts';
import { AWAIT_BODY, FOREVER, FOREVER_BODY, JOIN, PARK, PARK_BODY, READ_BODY, REC_BODY, SCRATCH, SUM, TEXT, WRITE_BODY } from './helpers.ts';
import type { Bystander, ThreadPanicParams } from './params.ts';
import type { Plan } from './plan.ts';
import { terminalCode } from './terminal.ts';

const NAME = 'thread-panic';
const WASI = 'wasi_snapshot_preview1';
/** thread-spawn, proc_exit, fd_write, fd_read, poll_oneoff. */
const IMPORTED_FUNCS = 5;
export const FEATURES: readonly Feature[] = ['threads', 'wasi', 'wasi-threads'];

const MEM_NAMES: ReadonlyArray<[string, string]> = [
  ['env', 'memory'],
  ['foo', 'bar'],
  ['wasi', 'memory'],
  ['threads', 'shared'],
];
export const MEM_NAME_COUNT = MEM_NAMES.length;

/** The index of the thread that terminates (0: main), from the plan. */
export const terminatorIndex = (pl: Plan): number => (pl.main.kind === 'terminator' ? 0 : pl.roles.findIndex((r) => r.kind === 'terminator') + 1);

/** The line the terminator writes (before it ends the process). */
export const terminatorLine = (pl: Plan): string => `thread ${terminatorIndex(pl)} ends the process\n`;

const encoder = new TextEncoder();
const JOINED = encoder.encode('joined\n');
const FAILED = encoder.encode('spawn failed\n');

/** The lines a case may write: the terminator's, the clean join's, the spawn failure's (the module's data: never written to). */
export function texts(pl: Plan): { term: Uint8Array; joined: Uint8Array; failed: Uint8Array } {
  return { term: encoder.encode(terminatorLine(pl)), joined: JOINED, failed: FAILED };
}

export interface ThreadModule {
  bytes: Uint8Array;
  /** Function index of the defined function `name` (binaryen emits them in the order added, after the imports). */
  at(name: string): number;
}

export function threadModule(p: ThreadPanicParams, pl: Plan): ThreadModule {
  const k = pl.roles.length;
  const [memModule, memBase] = MEM_NAMES[p.memName % MEM_NAMES.length]!;
  const code = p.code >>> 0;
  const termIdx = terminatorIndex(pl);
  const text = texts(pl);
  const textAt = { term: TEXT, joined: TEXT + 64, failed: TEXT + 128 };
  const i32 = binaryen.i32;
  const none = binaryen.none;
  const depth = p.depth % 4;
  const defined: string[] = [];

  const bytes = buildModule(NAME, FEATURES, (m: BModule) => {
    defined.length = 0;
    m.addFunctionImport('spawn', 'wasi', 'thread-spawn', binaryen.createType([i32]), i32);
    m.addFunctionImport('proc_exit', WASI, 'proc_exit', binaryen.createType([i32]), none);
    m.addFunctionImport('fd_write', WASI, 'fd_write', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('fd_read', WASI, 'fd_read', binaryen.createType([i32, i32, i32, i32]), i32);
    m.addFunctionImport('poll_oneoff', WASI, 'poll_oneoff', binaryen.createType([i32, i32, i32, i32]), i32);
    const segments = [
      { name: 't0', data: text.term, passive: false, offset: m.i32.const(textAt.term) },
      { name: 't1', data: text.joined, passive: false, offset: m.i32.const(textAt.joined) },
      { name: 't2', data: text.failed, passive: false, offset: m.i32.const(textAt.failed) },
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
      defined.push(name);
    };
    const shared = (name: string, tree: SharedExpr, vars: number[] = [], params = none, results = none): void => {
      m.addFunction(name, params, results, vars, tree.in(m));
      defined.push(name);
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
    for (let d = depth; d >= 0; d--) fn(`term${d}`, d === depth ? terminalCode(m, pl.terminator, p.operands, code) : [m.call(`term${d + 1}`, [], none), m.unreachable()]);

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
      ...(p.write > 0 ? [m.call('write', [c(p.write % 2 ? 2 : 1), c(textAt.term), c(text.term.length), c(scratch(idx))], none)] : []),
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
          m.call('write', [c(1), c(textAt.joined), c(text.joined.length), c(scratch(0))], none),
        ];
        break;
      }
      case 'spawn-fail': {
        const joins = pl.roles.map((_, j) => m.call('await', [c(JOIN + 4 * (j + 1)), c(1)], none));
        mainBody = [
          ...spawnAll,
          // one past the limit: the runtime must refuse with a negative error, not trap or hang
          m.if(m.i32.ge_s(m.call('spawn', [c(99)], i32), c(0)), m.unreachable()),
          m.call('write', [c(1), c(textAt.failed), c(text.failed.length), c(scratch(0))], none),
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
  return { bytes, at: (name) => IMPORTED_FUNCS + defined.indexOf(name) };
}
