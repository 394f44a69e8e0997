/**
 * The imports of one thread of a scheduled process: the shared memory under the module's own
 * import names (any module/field: toolchains differ), the instrumentation's hooks, `thread-spawn`
 * and WASI preview1, each a switch point of the scheduler.
 *
 * Every import follows one protocol, because a coroutine that switches away unwinds *out of* the
 * import and is later rewound *into the same call again* (same arguments):
 *   1. rewound?  finish the rewind and do what `pending` says (redo the operation, return the
 *      wait's result, return the value computed before parking);
 *   2. else: the switch point (before the operation for waits and WASI, after it for notify and
 *      spawn, so a woken or new thread may run first); switched away → return a junk 0 while
 *      Asyncify unwinds;
 *   3. the operation itself.
 * Under Asyncify (./asyncify-backend.ts) main never unwinds: its switch point runs the other
 * threads inline and returns. Under stack switching (./jspi-backend.ts) every thread, main too,
 * "returns" by suspending, and the resumed call re-enters the same hook (./jspi-thread.ts).
 */
import type { RunnableCase } from '../../exec.ts';
import type { WasmImportDescriptor, WasmMemory, WasmModule } from '../../wasm-api.ts';
import { WA } from '../../wasm-api.ts';
import type { MemoryBinding, WasiClock } from '../../wasi/wasi.ts';
import { isImplementedWasiFunction, WASI_MODULE, WasiHost } from '../../wasi/wasi.ts';
import { KILLED } from '../control.ts';
import { HOOK_MODULE, SPAWN_NAME, THREADS_MODULE } from '../imports.ts';
import type { Runner } from './coroutine.ts';
import type { Scheduler } from './scheduler.ts';
import type { SharedStreams } from './streams.ts';

/** What a thread's imports need of its process (./process.ts). */
export interface ThreadEnv {
  readonly c: Pick<RunnableCase, 'id' | 'wasi'>;
  readonly sched: Scheduler;
  readonly streams: SharedStreams;
  readonly memory: WasmMemory | undefined;
  readonly killed: boolean;
  yieldAt(r: Runner, loopHeader?: boolean): boolean;
  block(r: Runner): boolean;
  /** `thread-spawn` from a thread of `module` (the new thread instantiates the same module). */
  spawn(arg: number, module: WasmModule, mem: { module: string; base: string }): number;
  terminate(o: { kind: 'exit'; code: number }): unknown;
}

/** The loop-header hook's import name (a stack-switching backend may count headers in wasm). */
export const POLL_HOOK = 'poll';

/** Thrown out of a WASI call that blocked inside the host: its import wrapper unwinds the coroutine. */
const PARKED = { parked: true };

export interface SchedThreadImports {
  imports: Record<string, Record<string, unknown>>;
  wasi: WasiHost;
  binding: MemoryBinding;
}

type Fn = (...a: never[]) => unknown;

/** A module's import list, read once per module (every thread of a process instantiates the same one). */
const importLists = new WeakMap<WasmModule, readonly WasmImportDescriptor[]>();
function importsOf(module: WasmModule): readonly WasmImportDescriptor[] {
  let list = importLists.get(module);
  if (!list) importLists.set(module, (list = WA.Module.imports(module) as WasmImportDescriptor[]));
  return list;
}

/** The imports of thread `r`, or what cannot be linked. */
export function schedImports(env: ThreadEnv, r: Runner, module: WasmModule, mem: { module: string; base: string }): SchedThreadImports | { unlinkable: string } | { unsupported: string } {
  const memory = env.memory!;
  const { sched } = env;
  const resumed = (): boolean => r.resumed();
  const take = (): NonNullable<Runner['pending']> => {
    const p = r.pending!;
    r.pending = undefined;
    return p;
  };

  const wait = (ea: number, current: () => boolean, timeout: bigint): number => {
    if (resumed()) {
      if (take().kind === 'block') return sched.thread(r.tid).result;
    } else if (env.yieldAt(r)) {
      r.pending = { kind: 'redo' };
      return 0;
    }
    if (!current()) return 1;
    if (timeout === 0n) return 2;
    const t = sched.thread(r.tid);
    t.state = 'waiting';
    t.addr = ea;
    t.deadline = timeout < 0n ? -1n : sched.now + timeout;
    if (env.block(r)) {
      r.pending = { kind: 'block' };
      return 0;
    }
    return t.result;
  };
  /** An operation followed by a switch point (notify, spawn). */
  const thenYield = (op: () => number): number => {
    if (resumed()) return (take() as { value: number }).value;
    const value = op();
    if (env.yieldAt(r)) {
      r.pending = { kind: 'value', value };
      return 0;
    }
    return value;
  };
  const hooks = {
    wait32: (ea: number, expected: number, timeout: bigint): number => wait(ea, () => Atomics.load(new Int32Array(memory.buffer), ea >>> 2) === expected, timeout),
    wait64: (ea: number, expected: bigint, timeout: bigint): number => wait(ea, () => Atomics.load(new BigInt64Array(memory.buffer), ea >>> 3) === expected, timeout),
    notify: (ea: number, count: number): number => thenYield(() => sched.notify(ea, count >>> 0)),
    poll: (): void => {
      if (resumed()) return void take();
      if (env.yieldAt(r, true)) r.pending = { kind: 'redo' };
    },
  };
  const spawn = (arg: number): number => thenYield(() => env.spawn(arg, module, mem));

  const clock: WasiClock = {
    get: () => r.pinNow ?? sched.now,
    set: (ns) => {
      if (ns > sched.now) sched.now = ns;
    },
    sleepUntil: (ns) => {
      if (r.pinNow !== undefined) {
        r.pinNow = undefined; // the redo after the sleep: the clock is past `ns` already
        return;
      }
      const t = sched.thread(r.tid);
      t.state = 'sleeping';
      t.deadline = ns;
      const now = sched.now;
      if (env.block(r)) {
        r.pending = { kind: 'slept', now };
        throw PARKED;
      }
    },
  };
  const wasi = new WasiHost(env.c, {
    stdout: env.streams.stdout,
    stderr: env.streams.stderr,
    takeStdin: (length, want) => env.streams.takeStdin(length, want),
    blockForever: () => {
      sched.thread(r.tid).state = 'stuck';
      if (env.block(r)) {
        r.pending = { kind: 'redo' };
        throw PARKED;
      }
      throw KILLED; // main: drive() returns only when main can run again, which a stuck thread never can
    },
    procExit: (code) => {
      env.terminate({ kind: 'exit', code });
    },
    clock,
  });
  const wrapWasi = (f: Fn): Fn =>
    ((...args: never[]) => {
      if (resumed()) {
        const p = take();
        if (p.kind === 'slept') r.pinNow = p.now;
      } else if (env.yieldAt(r)) {
        r.pending = { kind: 'redo' };
        return 0;
      }
      try {
        return f(...args);
      } catch (e) {
        if (e === PARKED) return 0;
        throw e;
      } finally {
        r.pinNow = undefined;
      }
    }) as Fn;

  const binding: MemoryBinding = { memory };
  const imports: Record<string, Record<string, unknown>> = {};
  let wasiFns: Record<string, Fn> | undefined;
  for (const imp of importsOf(module)) {
    const ns = (imports[imp.module] ??= {});
    if (imp.kind === 'memory' && imp.module === mem.module && imp.name === mem.base) ns[imp.name] = memory;
    else if (imp.module === HOOK_MODULE && imp.name in hooks) ns[imp.name] = hooks[imp.name as keyof typeof hooks];
    else if (imp.module === THREADS_MODULE && imp.name === SPAWN_NAME) ns[imp.name] = spawn;
    else if (imp.module === WASI_MODULE) {
      wasiFns ??= wasi.importsFor(binding) as Record<string, Fn>;
      if (!(imp.name in wasiFns)) {
        if (!isImplementedWasiFunction(imp.name)) return { unsupported: `import ${WASI_MODULE}.${imp.name}` };
        return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
      }
      ns[imp.name] = wrapWasi(wasiFns[imp.name]!);
    } else return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
  }
  return { imports, wasi, binding };
}
