/**
 * The engine's stack switching, behind one small interface for the scheduler's JSPI backend
 * (./jspi-backend.ts): a thread's function imports become suspendable (a JS hook that returns a
 * Promise suspends the thread's whole wasm stack until it settles) and its entry runs as the
 * bottom of a new stack (a call that returns a Promise of its end).
 *
 * Two engine APIs:
 * - JS Promise Integration as standardised (`WebAssembly.Suspending`, `WebAssembly.promising`:
 *   Node ≥ 22 under its flag or later unflagged, Deno, Bun; ../../hosts/jspi-api.ts);
 * - Node 20's older, flag-gated form (`--experimental-wasm-stack-switching`: `WebAssembly.Function`
 *   with `{ suspending | promising: 'first' }` and an explicit suspender), through a per-thread
 *   trampoline (./jspi-trampoline.ts).
 * Neither present (default flags, gjs): undefined, and the scheduler keeps Asyncify.
 *
 * Node 20's form is used only with `--no-turbo-inline-js-wasm-calls` as well: V8 11.3's optimizing
 * compiler inlines a JS call of a `{ promising: 'first' }` function as a plain call of the wasm
 * export, skipping the stack switch (measured: after ~1,000 cases the thread entries run on the
 * caller's stack, hooks reach the wrong thread, outcomes change). runtimes/process-pool.ts gives
 * the reference children both flags.
 */
import type { FuncImport } from '../../../wasm/layout.ts';
import type { WasmModule } from '../../wasm-api.ts';
import { WA } from '../../wasm-api.ts';
import { jspiApi } from '../../hosts/jspi-api.ts';
import { MAIN_SLOT, THREAD_SLOT, trampolineBytes, valueCode } from './jspi-trampoline.ts';

type Imports = Record<string, Record<string, unknown>>;
type Fn = (...a: never[]) => unknown;

/** One thread's linkage. */
export interface ThreadLink {
  /** The imports for the thread's instance: every function import in its suspendable form. */
  readonly imports: Imports;
  /** Runs `wasi_thread_start(tid, arg)` of the thread's instance on a new stack. */
  enterThread(start: unknown, tid: number, arg: number): Promise<unknown>;
  /** Runs main's `_start` on a new stack. */
  enterMain(start: unknown): Promise<unknown>;
  /** The thread is over (returned, or unwound after a kill): its hooks can go. */
  release(): void;
}

/** The scheduler's loop-header hook and its quantum: a backend may count headers in wasm. */
export interface LoopHeaders {
  module: string;
  name: string;
  quantum: number;
}

export interface StackSwitching {
  readonly api: 'jspi' | 'stack-switching-v8-11';
  /**
   * True: `link` counts the running thread's consecutive loop headers in wasm and calls the loop
   * hook only at the quantum-th (the caller then sets the scheduler's count to quantum - 1 first).
   */
  readonly countsLoopHeaders: boolean;
  /** Threads linked and not yet released: 0 between cases, once every stack of the last one has unwound. */
  readonly linked: number;
  /** Whether a module with these function imports can be linked (the trampoline passes only plain value types). */
  supports(funcs: readonly FuncImport[]): boolean;
  /**
   * Links one thread: `imports` holds the JS hooks under the module's own import names (and any
   * non-function import); it is the caller's to give away (its functions may be replaced in place).
   */
  link(funcs: readonly FuncImport[], imports: Imports, loop: LoopHeaders): ThreadLink;
}

/** Node 20's API: the shape of what `--experimental-wasm-stack-switching` adds. */
interface OldSwitchingApi {
  Suspender: unknown;
  Function: new (type: { parameters: string[]; results: string[] }, fn: unknown, options: { suspending?: 'first'; promising?: 'first' }) => Fn;
}

let chosen: StackSwitching | null | undefined;

/** Without it, Node 20's stack switching is unsafe (see above). */
export const NO_JS_WASM_INLINING = '--no-turbo-inline-js-wasm-calls';

/** Whether node was started with `flag` (worker threads see their process's; gjs has no `process`). */
function hasFlag(flag: string): boolean {
  const argv = (globalThis as { process?: { execArgv?: readonly string[] } }).process?.execArgv;
  return argv?.includes(flag) === true;
}

/** The engine's stack switching, or undefined (the scheduler then uses Asyncify). */
export function stackSwitching(): StackSwitching | undefined {
  if (chosen === undefined) {
    const api = jspiApi();
    const old = (globalThis as unknown as { WebAssembly: Partial<OldSwitchingApi> }).WebAssembly;
    if (typeof api !== 'string') chosen = standardSwitching(api);
    else if (typeof old.Suspender === 'function' && typeof old.Function === 'function' && hasFlag(NO_JS_WASM_INLINING)) chosen = oldSwitching(old as OldSwitchingApi);
    else chosen = null;
  }
  return chosen ?? undefined;
}

const plainTypes = (funcs: readonly FuncImport[]): boolean => funcs.every((f) => [...f.sig.params, ...f.sig.results].every((t) => valueCode(t) !== undefined));

function standardSwitching(api: Exclude<ReturnType<typeof jspiApi>, string>): StackSwitching {
  let linked = 0;
  return {
    api: 'jspi',
    get linked() {
      return linked;
    },
    countsLoopHeaders: false,
    supports: () => true,
    link(funcs, imports) {
      const out: Imports = {};
      for (const [ns, fields] of Object.entries(imports)) out[ns] = { ...fields };
      for (const f of funcs) out[f.module]![f.name] = new api.Suspending(imports[f.module]![f.name] as Fn);
      linked++;
      let released = false;
      return {
        imports: out,
        enterThread: (start, tid, arg) => api.promising(start as Fn)(tid, arg),
        enterMain: (start) => api.promising(start as Fn)(),
        release: () => {
          if (!released) linked--;
          released = true;
        },
      };
    },
  };
}

/** One shared trampoline (./jspi-trampoline.ts) with its suspending imports and promising entries. */
interface Trampoline {
  readonly table: { set(i: number, f: unknown): void };
  /** The wasm side of each import, in import order. */
  readonly hooks: readonly unknown[];
  readonly enter: (slot: number, tid: number, arg: number) => Promise<unknown>;
  readonly main: (slot: number) => Promise<unknown>;
}

function oldSwitching(api: OldSwitchingApi): StackSwitching {
  const trampolines = new Map<string, Trampoline>();
  /** By import list (a prepared module's, so one object per module): skips building the key per thread. */
  const byList = new WeakMap<readonly FuncImport[], Trampoline>();
  /** The hooks of every linked thread by slot (the trampoline passes the slot of the running thread). */
  const hooks = new Map<number, Fn[]>();
  let nextSlot = 0;
  const trampolineFor = (funcs: readonly FuncImport[], loop: LoopHeaders): Trampoline => {
    const known = byList.get(funcs);
    if (known) return known;
    const index = funcs.findIndex((f) => f.module === loop.module && f.name === loop.name && f.sig.params.length === 0 && f.sig.results.length === 0);
    const key = JSON.stringify([index, loop.quantum, funcs.map((f) => [f.sig.params, f.sig.results])]);
    let t = trampolines.get(key);
    if (!t) {
      const suspending: Record<string, unknown> = {};
      funcs.forEach((f, i) => {
        const type = { parameters: ['externref', 'i32', ...f.sig.params], results: [...f.sig.results] };
        const route = (slot: number, ...args: never[]): unknown => hooks.get(slot)![i]!(...args);
        suspending[String(i)] = new api.Function(type, route, { suspending: 'first' });
      });
      const exports = new WA.Instance(new WA.Module(trampolineBytes(funcs.map((f) => f.sig), index < 0 ? undefined : { index, quantum: loop.quantum })), { s: suspending }).exports as Record<string, unknown>;
      t = {
        table: exports['t'] as Trampoline['table'],
        hooks: funcs.map((_, i) => exports[String(i)]),
        enter: new api.Function({ parameters: ['i32', 'i32', 'i32'], results: ['externref'] }, exports['enter'], { promising: 'first' }) as never,
        main: new api.Function({ parameters: ['i32'], results: ['externref'] }, exports['main'], { promising: 'first' }) as never,
      };
      trampolines.set(key, t);
    }
    byList.set(funcs, t);
    return t;
  };
  return {
    api: 'stack-switching-v8-11',
    countsLoopHeaders: true,
    get linked() {
      return hooks.size;
    },
    supports: plainTypes,
    link(funcs, imports, loop) {
      const t = trampolineFor(funcs, loop);
      const slot = nextSlot++;
      hooks.set(
        slot,
        funcs.map((f) => imports[f.module]![f.name] as Fn),
      );
      // the caller's object, its functions replaced in place by their trampoline hooks
      funcs.forEach((f, i) => (imports[f.module]![f.name] = t.hooks[i]));
      return {
        imports,
        enterThread(start, tid, arg) {
          t.table.set(THREAD_SLOT, start); // read at once: the entry's first instruction calls it
          return t.enter(slot, tid, arg);
        },
        enterMain(start) {
          t.table.set(MAIN_SLOT, start);
          return t.main(slot);
        },
        release: () => void hooks.delete(slot),
      };
    },
  };
}
