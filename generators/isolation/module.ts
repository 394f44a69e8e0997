/**
 * The module of an isolation case (binaryen): the Lunatic and WASI imports, the shared helpers,
 * one function `p1` … `p7` per child and the root's `_start`, which spawns the children, runs the
 * two rounds of GO messages, kills the `kill` children and then meets its own fate. The phases
 * and message tags are described in ../isolation.ts; the memory layout is ./layout.ts.
 */
import type { BModule, Expr } from '../../src/wasm/builder.ts';
import { binaryen, buildModule, i64c } from '../../src/wasm/builder.ts';
import { HELPERS } from './helpers.ts';
import { BOGUS_PID, CATCH_MARK, CATCH_RES, DONE, GO1, GO2, GROW_RES, ID, NAMES, NEVER, PARAMS, PIDS, READY, SIG, signature } from './layout.ts';
import type { IsolationParams, TrapName } from './params.ts';
import { TRAPS } from './params.ts';
import type { Plan } from './plan.ts';

const NAME = 'isolation';

/** The module's bytes; `pl` is plan(p). */
export function isolationModule(p: IsolationParams, pl: Plan): Uint8Array {
  const { kids } = pl;
  const i32 = binaryen.i32;
  const i64 = binaryen.i64;
  const none = binaryen.none;
  const names = new TextEncoder().encode(kids.map((_, j) => `p${j + 1}`).join(''));

  return buildModule(NAME, [], (m: BModule) => {
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
    // the two ways a process fails on purpose, children and root alike
    const trapWith = (t: TrapName): Expr => m.call(`die${TRAPS.indexOf(t)}`, [], none);
    const exitWith = (code: number): Expr => m.call('proc_exit', [c(code)], none);

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
        if (f === 'exit0') body.push(exitWith(0));
      } else if (f === 'survive' || f === 'kill') body.push(never());
      else {
        body.push(m.drop(m.call('recv_tag', [i64c(m, GO2)], i32)));
        switch (f) {
          case 'trap':
            body.push(trapWith(k.trapName));
            break;
          case 'exit':
            body.push(exitWith(k.code));
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
        root.push(trapWith(pl.rootTrap));
        break;
      case 'exit':
        root.push(exitWith(pl.rootCode));
        break;
    }
    fn('_start', root, [], none, [i64, i64, i32]);
    m.addFunctionExport('_start', '_start');
  });
}
