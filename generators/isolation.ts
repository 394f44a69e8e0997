/**
 * isolation: Lunatic process graphs (instance-semantics.md §4, rows L1–L8, invariant 6 of §7.4;
 * bug-catalog #49/#50). One module; the root process (pid 1, `_start`) spawns 1–7 children
 * (`p1` … `p7`, pids 2 … n in spawn order), some with a spawn link (tag), some under a config of
 * its own (fuel limit, memory limit, no permissions); children link to earlier children with
 * tags, some clear die_when_link_dies, some catch a trap first (`lunatic::trap::catch`, L1).
 *
 * Phases are serialised by messages so the end state does not depend on the interleaving:
 *   setup     every process writes its own signature into its own memory, links, (catches),
 *             sends READY to the root and waits for a go message;
 *   round 1   children that end normally (return, proc_exit(0)) get GO1, send DONE and end;
 *   round 2   failing children get GO2 (trap of any kind, proc_exit(≠0), out of fuel, memory
 *             limit hit, a spawn without permission, a link to a pid that does not exist), the
 *             root kills the `kill` children, then meets its own fate (wait, return, trap, exit).
 * Everything else waits forever (a selective receive on a tag nobody sends), so its mailbox keeps
 * every LinkDied message. The expected end state is the link-algebra closure: the dead set is the
 * closure of the failures over links whose receiver has die_when_link_dies on; a survivor holds
 * one LinkDied(tag) per failed linked peer (the tag of that peer's own entry); normal ends kill
 * nobody; every survivor's memory holds exactly what it wrote itself.
 */
import fc from 'fast-check';
import type { Case, MailboxMessage, ProcessExpectation, ProcessCause } from '../src/case.ts';
import type { Feature } from '../src/features.ts';
import type { TrapKind } from '../src/outcome.ts';
import type { BModule, Expr } from '../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../src/wasm/builder.ts';
import { SharedExpr } from '../src/wasm/shared-expr.ts';
import type { Family, Origin } from './family.ts';
import { caseId, generatorProvenance } from './family.ts';

const NAME = 'isolation';

export const TRAPS = ['unreachable', 'div-zero', 'overflow', 'conversion', 'oob', 'stack'] as const;
export type TrapName = (typeof TRAPS)[number];
/** The root's own trap is its step outcome: only kinds V8 names precisely (it folds conversion into overflow). */
export const ROOT_TRAPS = ['unreachable', 'div-zero', 'overflow', 'oob', 'stack'] as const satisfies readonly TrapName[];
const TRAP_OF: Record<TrapName, TrapKind> = {
  unreachable: 'unreachable',
  'div-zero': 'integer divide by zero',
  overflow: 'integer overflow',
  conversion: 'invalid conversion to integer',
  oob: 'out of bounds memory access',
  stack: 'call stack exhausted',
};
/** What a child does after setup. */
export const FATES = ['survive', 'return', 'exit0', 'trap', 'exit', 'fuel', 'memory', 'kill', 'nolink', 'perm'] as const;
export type Fate = (typeof FATES)[number];
export const ROOT_FATES = ['wait', 'return', 'trap', 'exit'] as const;
export type RootFate = (typeof ROOT_FATES)[number];
export const ROWS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8'] as const;

export interface ChildParams {
  fate: number;
  trap: number;
  /** die_when_link_dies stays on (default) or is cleared. */
  dies: boolean;
  /** Spawn link with the root: 0 = none, else the tag (1..999). */
  spawnTag: number;
  /** Catch a trap (of kind `catchTrap`) during setup. */
  catches: boolean;
  catchTrap: number;
  code: number;
}
export interface IsolationParams {
  children: ChildParams[];
  /** Links between children: [a, b, tag] with a, b indices into children (a links to b; a > b after normalising). */
  links: Array<[number, number, number]>;
  rootFate: number;
  rootTrap: number;
  rootCode: number;
  rootCatches: boolean;
  /** L8: the root also spawns under a config whose memory limit is below the module's initial memory. */
  ghost: boolean;
}

// Tags of the protocol messages (link tags are 1..999, so they never collide).
const READY = 1_000_001n;
const GO1 = 1_000_002n;
const GO2 = 1_000_003n;
const DONE = 1_000_004n;
const NEVER = 1_000_005n;
const BOGUS_PID = 0x4000_0000_0000_0000n;
// Memory layout (1 page).
const ZERO = 1000; // a word that stays 0
const SIG = 1024; // 16-byte signature of the process
const CATCH_MARK = 1040; // written by the caught function before it traps
const CATCH_RES = 1044; // what catch returned
const GROW_RES = 1048;
const PIDS = 2048; // root: pid of child i at PIDS + 8 * i
const PARAMS = 3072; // spawn params, 17 bytes each
const NAMES = 4096; // "p1p2…p7"
const TAGBUF = 5000;
const ID = 5008;

export function signature(pid: number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += ((pid * 37 + i * 11 + 0x5a) & 0xff).toString(16).padStart(2, '0');
  return hex;
}

interface Plan {
  n: number;
  kids: Array<ChildParams & { fateName: Fate; trapName: TrapName; code: number }>;
  /** Normalised child links: a > b, one per pair. */
  links: Array<{ a: number; b: number; tag: number }>;
  rootFate: RootFate;
  rootTrap: TrapName;
  rootCode: number;
}

function plan(p: IsolationParams): Plan {
  const kids = p.children.slice(0, 7).map((k) => ({
    ...k,
    // a fuel-limited child (one slice) must finish its setup: no stack-exhausting catch there
    catchTrap: FATES[k.fate % FATES.length] === 'fuel' && TRAPS[k.catchTrap % TRAPS.length] === 'stack' ? 0 : k.catchTrap,
    fateName: FATES[k.fate % FATES.length]!,
    trapName: TRAPS[k.trap % TRAPS.length]!,
    code: 2 + (k.code % 124),
    spawnTag: k.spawnTag % 1000,
  }));
  const seen = new Set<string>();
  const links: Plan['links'] = [];
  for (const [x, y, tag] of p.links) {
    const a = Math.max(x, y) % Math.max(1, kids.length);
    const b = Math.min(x, y) % Math.max(1, kids.length);
    if (a === b || a < b || seen.has(`${a}/${b}`)) continue;
    seen.add(`${a}/${b}`);
    links.push({ a, b, tag: 1 + (tag % 999) });
  }
  return { n: kids.length + 1, kids, links, rootFate: ROOT_FATES[p.rootFate % ROOT_FATES.length]!, rootTrap: ROOT_TRAPS[p.rootTrap % ROOT_TRAPS.length]!, rootCode: 2 + (p.rootCode % 124) };
}

/** The link-algebra closure: what every process must look like at the end. Exported for the property test. */
export interface ModelProcess {
  pid: number;
  alive: boolean;
  reason?: 'normal' | 'failure';
  cause?: ProcessCause;
  trap?: TrapKind;
  code?: number;
  mailbox: MailboxMessage[];
}

export function model(pl: Plan): ModelProcess[] {
  const n = pl.n;
  const flag = (i: number): boolean => (i === 0 ? false : pl.kids[i - 1]!.dies);
  // links[i] : Map<peer, tag of i's own entry for peer>
  const links = Array.from({ length: n }, () => new Map<number, bigint>());
  pl.kids.forEach((k, j) => {
    if (k.spawnTag) {
      links[j + 1]!.set(0, BigInt(k.spawnTag));
      links[0]!.set(j + 1, 0n);
    }
  });
  for (const { a, b, tag } of pl.links) {
    links[a + 1]!.set(b + 1, BigInt(tag));
    links[b + 1]!.set(a + 1, BigInt(tag));
  }
  const out: ModelProcess[] = Array.from({ length: n }, (_, i) => ({ pid: i + 1, alive: true, mailbox: [] }));
  const fateOf = (i: number): Fate => pl.kids[i - 1]!.fateName;
  // round 1: normal ends remove their links
  for (let i = 1; i < n; i++) {
    const f = fateOf(i);
    if (f !== 'return' && f !== 'exit0') continue;
    out[i] = { pid: i + 1, alive: false, reason: 'normal', cause: f === 'return' ? 'return' : 'exit', ...(f === 'exit0' ? { code: 0 } : {}), mailbox: [] };
    for (const peer of links[i]!.keys()) links[peer]!.delete(i);
    links[i]!.clear();
  }
  // round 2: the seeds, with the cause they die of when nothing reaches them first
  const seeds = new Map<number, { cause: ProcessCause; trap?: TrapKind; code?: number }>();
  for (let i = 1; i < n; i++) {
    const k = pl.kids[i - 1]!;
    switch (k.fateName) {
      case 'trap':
        seeds.set(i, { cause: 'trap', trap: TRAP_OF[k.trapName] });
        break;
      case 'exit':
        seeds.set(i, { cause: 'exit', code: k.code });
        break;
      case 'fuel':
        seeds.set(i, { cause: 'out-of-fuel', trap: 'out of fuel' });
        break;
      case 'memory':
        seeds.set(i, { cause: 'trap', trap: 'unreachable' });
        break;
      case 'kill':
        seeds.set(i, { cause: 'killed' });
        break;
      case 'perm':
        seeds.set(i, { cause: 'host-error' });
        break;
      case 'nolink':
        if (k.dies) seeds.set(i, { cause: 'link-died' });
        else out[i]!.mailbox.push({ kind: 'link-died', tag: String(1 + (k.code % 999)) });
        break;
      default:
        break;
    }
  }
  if (pl.rootFate === 'trap') seeds.set(0, { cause: 'trap', trap: TRAP_OF[pl.rootTrap] });
  if (pl.rootFate === 'exit') seeds.set(0, { cause: 'exit', code: pl.rootCode });
  // closure over links whose receiver has the flag on
  const dead = new Set<number>(seeds.keys());
  const queue = [...seeds.keys()];
  while (queue.length) {
    const d = queue.shift()!;
    for (const peer of links[d]!.keys()) if (flag(peer) && !dead.has(peer) && out[peer]!.alive) {
      dead.add(peer);
      queue.push(peer);
    }
  }
  for (const d of dead) {
    const seed = seeds.get(d);
    // a seed whose flag is on and that has a failed linked peer may die of that link first
    const ambiguous = seed !== undefined && flag(d) && [...links[d]!.keys()].some((q) => dead.has(q));
    const o: ModelProcess = { pid: d + 1, alive: false, reason: 'failure', mailbox: [] };
    if (!seed) o.cause = 'link-died';
    else if (!ambiguous) {
      o.cause = seed.cause;
      if (seed.trap) o.trap = seed.trap;
      if (seed.code !== undefined) o.code = seed.code;
    }
    out[d] = o;
  }
  // survivors: one LinkDied(tag of the dead peer's own entry) per failed linked peer
  for (let i = 0; i < n; i++) {
    if (!out[i]!.alive) continue;
    for (const peer of links[i]!.keys()) if (dead.has(peer)) out[i]!.mailbox.push({ kind: 'link-died', tag: String(links[peer]!.get(i) ?? 0n) });
  }
  if (pl.rootFate === 'return') out[0] = { pid: 1, alive: false, reason: 'normal', cause: 'return', mailbox: [] };
  return out;
}

// Helpers that are the same in every module (no parameter reaches them): their bodies are built
// once per binaryen module (SharedExpr). `helper` makes the body build's `fn` would make.
interface Helper {
  params: number[];
  results: number;
  tree: SharedExpr;
}
function helper(params: number[], results: number, make: (m: BModule, c: (v: number) => Expr) => Expr[]): Helper {
  const tree = new SharedExpr((m) => {
    const body = make(m, (v) => m.i32.const(v | 0));
    return body.length === 1 ? body[0]! : m.block(null, body, results);
  });
  return { params, results, tree };
}
/** die(kind): a trap of the given kind (never returns) */
function trapBody(m: BModule, c: (v: number) => Expr, t: TrapName): Expr[] {
  switch (t) {
    case 'unreachable':
      return [m.unreachable()];
    case 'div-zero':
      return [m.drop(m.i32.div_u(c(7), m.i32.load(0, 4, c(ZERO)))), m.unreachable()];
    case 'overflow':
      return [m.drop(m.i32.div_s(c(0x80000000), m.i32.sub(m.i32.load(0, 4, c(ZERO)), c(1)))), m.unreachable()];
    case 'conversion':
      return [m.drop(m.i32.trunc_s.f64(m.f64.div(m.f64.convert_s.i32(m.i32.load(0, 4, c(ZERO))), m.f64.convert_s.i32(m.i32.load(0, 4, c(ZERO)))))), m.unreachable()];
    case 'oob':
      return [m.drop(m.i32.load(0, 4, c(-16))), m.unreachable()];
    case 'stack':
      return [m.drop(m.call('rec', [c(0)], binaryen.i32)), m.unreachable()];
  }
}
const HELPERS: ReadonlyArray<readonly [string, Helper]> = (() => {
  const { i32, i64, none } = binaryen;
  return [
    // send_tag(pid, tag), recv_tag(tag) -> i32
    ['send_tag', helper([i64, i64], none, (m) => [m.call('create_data', [m.local.get(1, i64), i64c(m, 0n)], none), m.drop(m.call('send', [m.local.get(0, i64)], i32))])],
    ['recv_tag', helper([i64], i32, (m, c) => [m.i64.store(0, 8, c(TAGBUF), m.local.get(0, i64)), m.call('receive', [c(TAGBUF), c(1), i64c(m, -1n)], i32)])],
    ['rec', helper([i32], i32, (m, c) => [m.i32.add(m.call('rec', [m.i32.add(m.local.get(0, i32), c(1))], i32), c(1))])],
    ...TRAPS.map((t, i) => [`die${i}`, helper([], none, (m, c) => trapBody(m, c, t))] as const),
    // _lunatic_catch_trap(function, pointer): mark *pointer, then trap with kind `function`
    [
      '_lunatic_catch_trap',
      helper([i32, i32], i32, (m, c) => [
        m.i32.store(0, 4, m.local.get(1, i32), c(0xca7c4)),
        ...TRAPS.map((_, i) => m.if(m.i32.eq(m.local.get(0, i32), c(i)), m.call(`die${i}`, [], none))),
        c(77),
      ]),
    ],
  ];
})();

function build(p: IsolationParams, origin: Origin): Case {
  const pl = plan(p);
  const { n, kids } = pl;
  const i32 = binaryen.i32;
  const i64 = binaryen.i64;
  const none = binaryen.none;
  const usesFuel = kids.some((k) => k.fateName === 'fuel');
  const features: Feature[] = usesFuel ? ['lunatic', 'fuel'] : ['lunatic'];
  const names = new TextEncoder().encode(kids.map((_, j) => `p${j + 1}`).join(''));

  const bytes = buildModule(NAME, [], (m: BModule) => {
    const imp = (name: string, module: string, base: string, params: number[], result: number): void =>
      m.addFunctionImport(name, module, base, binaryen.createType(params), result);
    imp('spawn', 'lunatic::process', 'spawn', [i64, i64, i64, i32, i32, i32, i32, i32], i32);
    imp('dwld', 'lunatic::process', 'die_when_link_dies', [i32], none);
    imp('link', 'lunatic::process', 'link', [i64, i64], none);
    imp('kill', 'lunatic::process', 'kill', [i64], none);
    imp('process_id', 'lunatic::process', 'process_id', [], i64);
    imp('create_config', 'lunatic::process', 'create_config', [], i64);
    imp('set_max_fuel', 'lunatic::process', 'config_set_max_fuel', [i64, i64], none);
    imp('set_max_memory', 'lunatic::process', 'config_set_max_memory', [i64, i64], none);
    imp('create_data', 'lunatic::message', 'create_data', [i64, i64], none);
    imp('send', 'lunatic::message', 'send', [i64], i32);
    imp('receive', 'lunatic::message', 'receive', [i32, i32, i64], i32);
    imp('catch', 'lunatic::trap', 'catch', [i32, i32], i32);
    imp('proc_exit', 'wasi_snapshot_preview1', 'proc_exit', [i32], none);
    const sigData = (pid: number): Uint8Array => Uint8Array.from(signature(pid).match(/../g)!, (h) => parseInt(h, 16));
    m.setMemory(1, 65536, 'memory', [{ data: names, passive: false, offset: m.i32.const(NAMES) }]);
    const c = (v: number): Expr => m.i32.const(v | 0);
    const fn = (name: string, body: Expr[], params: number[] = [], results = none, vars: number[] = []): void => {
      m.addFunction(name, binaryen.createType(params), results, vars, body.length === 1 ? body[0]! : m.block(null, body, results === none ? none : results));
    };
    for (const [name, shared] of HELPERS) m.addFunction(name, binaryen.createType(shared.params), shared.results, [], shared.tree.in(m));
    m.addFunctionExport('_lunatic_catch_trap', '_lunatic_catch_trap');
    const sig = (pid: number): Expr[] => {
      const b = sigData(pid);
      const v = new DataView(b.buffer);
      return [0, 4, 8, 12].map((o) => m.i32.store(0, 4, c(SIG + o), c(v.getInt32(o, true))));
    };
    const catchSteps = (kind: number): Expr[] => [m.i32.store(0, 4, c(CATCH_RES), m.call('catch', [c(kind), c(CATCH_MARK)], i32))];
    const never = (): Expr => m.drop(m.call('recv_tag', [i64c(m, NEVER)], i32));

    // children: p{j+1}(root: i64, targets: i64…)
    kids.forEach((k, j) => {
      const pid = j + 2;
      const targets = pl.links.filter((l) => l.a === j);
      const params = [i64, ...targets.map(() => i64)];
      const root = (): Expr => m.local.get(0, i64);
      const body: Expr[] = [...sig(pid)];
      if (!k.dies) body.push(m.call('dwld', [c(0)], none));
      targets.forEach((t, ti) => body.push(m.call('link', [i64c(m, BigInt(t.tag)), m.local.get(1 + ti, i64)], none)));
      if (k.catches) body.push(...catchSteps(k.catchTrap % TRAPS.length));
      body.push(m.call('send_tag', [root(), i64c(m, READY)], none));
      const f = k.fateName;
      if (f === 'return' || f === 'exit0') {
        body.push(m.drop(m.call('recv_tag', [i64c(m, GO1)], i32)), m.call('send_tag', [root(), i64c(m, DONE)], none));
        if (f === 'exit0') body.push(m.call('proc_exit', [c(0)], none));
      } else if (f === 'survive' || f === 'kill') body.push(never());
      else {
        body.push(m.drop(m.call('recv_tag', [i64c(m, GO2)], i32)));
        switch (f) {
          case 'trap':
            body.push(m.call(`die${TRAPS.indexOf(k.trapName)}`, [], none));
            break;
          case 'exit':
            body.push(m.call('proc_exit', [c(k.code)], none));
            break;
          case 'fuel':
            body.push(m.loop('spin', m.block(null, [m.i32.store(0, 4, c(GROW_RES), m.i32.add(m.i32.load(0, 4, c(GROW_RES)), c(1))), m.br('spin')])));
            break;
          case 'memory':
            // limit 2 pages: the first page grows, the second is refused with -1 (not a trap); the guest then aborts
            body.push(
              m.if(m.i32.eq(m.memory.grow(c(1)), c(-1)), m.return()),
              m.i32.store(0, 4, c(GROW_RES), m.memory.grow(c(1))),
              m.if(m.i32.ne(m.i32.load(0, 4, c(GROW_RES)), c(-1)), m.return()),
              m.unreachable(),
            );
            break;
          case 'nolink':
            body.push(m.call('link', [i64c(m, BigInt(1 + (k.code % 999))), i64c(m, BOGUS_PID)], none), never());
            break;
          case 'perm':
            body.push(m.drop(m.call('spawn', [i64c(m, 0n), i64c(m, -1n), i64c(m, -1n), c(NAMES), c(2), c(PARAMS), c(0), c(ID)], i32)));
            break;
        }
      }
      fn(`p${j + 1}`, body, params);
      m.addFunctionExport(`p${j + 1}`, `p${j + 1}`);
    });

    // root: _start
    const L = { self: 0, cfg: 1, i: 2 };
    const root: Expr[] = [...sig(1), m.call('dwld', [c(0)], none), m.local.set(L.self, m.call('process_id', [], i64))];
    if (p.rootCatches) root.push(...catchSteps(TRAPS.indexOf(pl.rootTrap)));
    const param = (slot: number, value: Expr): Expr[] => [
      m.i32.store8(0, 1, c(PARAMS + 17 * slot), c(0x7e)),
      m.i64.store(0, 1, c(PARAMS + 17 * slot + 1), value),
      m.i64.store(0, 1, c(PARAMS + 17 * slot + 9), i64c(m, 0n)),
    ];
    kids.forEach((k, j) => {
      const targets = pl.links.filter((l) => l.a === j);
      root.push(...param(0, m.local.get(L.self, i64)));
      targets.forEach((t, ti) => root.push(...param(1 + ti, m.i64.load(0, 8, c(PIDS + 8 * t.b)))));
      let cfg: Expr = i64c(m, -1n);
      if (k.fateName === 'fuel' || k.fateName === 'memory' || k.fateName === 'perm') {
        root.push(m.local.set(L.cfg, m.call('create_config', [], i64)));
        if (k.fateName === 'fuel') root.push(m.call('set_max_fuel', [m.local.get(L.cfg, i64), i64c(m, 1n)], none));
        if (k.fateName === 'memory') root.push(m.call('set_max_memory', [m.local.get(L.cfg, i64), i64c(m, 2n * 65536n)], none));
        cfg = m.local.get(L.cfg, i64);
      }
      root.push(
        m.if(
          m.i32.ne(m.call('spawn', [i64c(m, BigInt(k.spawnTag)), cfg, i64c(m, -1n), c(NAMES + 2 * j), c(2), c(PARAMS), c(17 * (1 + targets.length)), c(PIDS + 8 * j)], i32), c(0)),
          m.unreachable(),
        ),
      );
    });
    if (p.ghost) {
      // L8: initial memory (1 page) above the config's limit (0 bytes): spawn returns 1, the root carries on
      root.push(
        m.local.set(L.cfg, m.call('create_config', [], i64)),
        m.call('set_max_memory', [m.local.get(L.cfg, i64), i64c(m, 0n)], none),
        m.if(m.i32.ne(m.call('spawn', [i64c(m, 7n), m.local.get(L.cfg, i64), i64c(m, -1n), c(NAMES), c(2), c(PARAMS), c(17), c(ID)], i32), c(1)), m.unreachable()),
      );
    }
    const forKids = (pred: (k: Plan['kids'][number]) => boolean, f: (j: number) => Expr[]): void => kids.forEach((k, j) => pred(k) && root.push(...f(j)));
    const kidPid = (j: number): Expr => m.i64.load(0, 8, c(PIDS + 8 * j));
    forKids(() => true, () => [m.drop(m.call('recv_tag', [i64c(m, READY)], i32))]);
    const normal = (k: Plan['kids'][number]): boolean => k.fateName === 'return' || k.fateName === 'exit0';
    forKids(normal, (j) => [m.call('send_tag', [kidPid(j), i64c(m, GO1)], none)]);
    forKids(normal, () => [m.drop(m.call('recv_tag', [i64c(m, DONE)], i32))]);
    forKids((k) => !normal(k) && k.fateName !== 'survive' && k.fateName !== 'kill', (j) => [m.call('send_tag', [kidPid(j), i64c(m, GO2)], none)]);
    forKids((k) => k.fateName === 'kill', (j) => [m.call('kill', [kidPid(j)], none)]);
    switch (pl.rootFate) {
      case 'wait':
        root.push(never());
        break;
      case 'return':
        break;
      case 'trap':
        root.push(m.call(`die${TRAPS.indexOf(pl.rootTrap)}`, [], none));
        break;
      case 'exit':
        root.push(m.call('proc_exit', [c(pl.rootCode)], none));
        break;
    }
    fn('_start', root, [], none, [i64, i64, i32]);
    m.addFunctionExport('_start', '_start');
  });

  const mp = model(pl);
  const processes: ProcessExpectation[] = mp.map((q) => {
    const e: ProcessExpectation = { pid: q.pid, state: q.alive ? 'alive' : 'dead' };
    if (q.reason) e.reason = q.reason;
    if (q.cause) e.cause = q.cause;
    if (q.trap) e.trap = q.trap;
    if (q.code !== undefined) e.code = q.code;
    if (q.alive) {
      e.mailbox = q.mailbox;
      const catches = q.pid === 1 ? p.rootCatches : kids[q.pid - 2]!.catches;
      e.memory = [{ offset: SIG, hex: signature(q.pid) + (catches ? 'c4a70c0000000000' : '0000000000000000') }];
    }
    return e;
  });
  const outcome: NonNullable<Case['steps'][number]['expect']['outcome']> =
    pl.rootFate === 'wait' ? { kind: 'deadlock' } : pl.rootFate === 'return' ? { kind: 'exit', code: 0 } : pl.rootFate === 'exit' ? { kind: 'exit', code: pl.rootCode } : { kind: 'trap', trap: TRAP_OF[pl.rootTrap] };
  const tags: Record<string, string> = { processes: String(n), root: pl.rootFate };
  const hit = (row: string): void => {
    tags[row] = 'yes';
  };
  if (p.rootCatches || kids.some((k) => k.catches)) hit('L1');
  if (mp.some((q) => q.cause === 'link-died' && !(q.pid > 1 && kids[q.pid - 2]!.fateName === 'nolink'))) hit('L2');
  if (mp.some((q) => q.alive && q.mailbox.length > 0)) hit('L3');
  if (kids.some((k, j) => (k.fateName === 'return' || k.fateName === 'exit0') && (k.spawnTag !== 0 || pl.links.some((l) => l.a === j || l.b === j)))) hit('L4');
  if (kids.some((k) => k.fateName === 'nolink')) hit('L5');
  if (kids.some((k) => k.fateName === 'kill')) hit('L6');
  if (kids.some((k) => k.fateName === 'perm')) hit('L7');
  if (p.ghost) hit('L8');
  for (const k of kids) if (k.fateName !== 'survive') tags[`fate:${k.fateName}`] = 'yes';
  return {
    id: caseId(NAME, origin),
    family: NAME,
    modules: [{ bytes }],
    features,
    steps: [
      { op: 'instantiate', expect: { outcome: { kind: 'return' } } },
      { op: 'start', expect: { outcome, processes } },
    ],
    provenance: generatorProvenance(isolation, origin, p),
    tags,
  };
}

const nat = (max: number): fc.Arbitrary<number> => fc.noBias(fc.nat({ max }));

const childArbitrary: fc.Arbitrary<ChildParams> = fc.record({
  fate: nat(FATES.length - 1),
  trap: nat(TRAPS.length - 1),
  dies: fc.boolean(),
  spawnTag: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 999 })),
  catches: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  catchTrap: nat(TRAPS.length - 1),
  code: nat(0xffff),
});

export const isolationArbitrary: fc.Arbitrary<IsolationParams> = fc.record({
  children: fc.array(childArbitrary, { minLength: 1, maxLength: 7 }),
  links: fc.array(fc.tuple(nat(6), nat(6), nat(998)), { maxLength: 10 }),
  rootFate: nat(ROOT_FATES.length - 1),
  rootTrap: nat(ROOT_TRAPS.length - 1),
  rootCode: nat(0xffff),
  rootCatches: fc.boolean(),
  ghost: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

export const isolation: Family<IsolationParams> = {
  name: NAME,
  version: 1,
  description:
    'Lunatic process graphs: 2–8 processes with spawn links and links, die_when_link_dies on or off, trap catching; ' +
    'failures (every trap kind, proc_exit≠0, out of fuel, memory limit, kill, permission, link to a missing pid) and normal ends; ' +
    'expected: the link-algebra closure (who dies, which LinkDied messages each survivor holds) and untouched survivor memory.',
  declares: {
    root: [...ROOT_FATES],
    ...Object.fromEntries(ROWS.map((r) => [r, ['yes']])),
  },
  arbitrary: isolationArbitrary,
  build,
};
