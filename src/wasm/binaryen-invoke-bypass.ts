/**
 * Keeps binaryen.js's C++ calls inside wasm. binaryen.js is built with emscripten's JS exception
 * handling: every call that may throw a C++ exception goes out to a JS `invoke_*` trampoline and
 * back (52 trampolines in binaryen.js 132). This module replaces them, while binaryen's own
 * module is being instantiated, with wasm functions doing the same thing with wasm
 * exception-handling instructions (./binaryen-invoke-rewrite.ts). Output is byte-identical; what
 * changes is time (`npm run bench -- binaryen-invoke`: generating a core-traps case 0.78×, the
 * Asyncify pass 0.69×, fuel metering 0.82× the time with the JS trampolines).
 *
 * Exceptions keep their meaning: emscripten throws a C++ exception from three JS imports
 * (`__cxa_throw`, `__cxa_rethrow`, `__resumeException`) as an object of its C++-exception
 * class; those imports are wrapped here to throw it as a `WebAssembly.Exception` of one tag,
 * which the wasm trampolines catch (restore the stack pointer, setThrew(1, 0), as the JS ones
 * do). Anything else (an abort, a stack overflow) passes through them as the JS trampolines let
 * it: stack pointer restored, rethrown.
 *
 * Only binaryen's own instantiation is touched (the one called from binaryen's glue), and it
 * applies only when binaryen's glue matches what this was written against (the trampolines'
 * text, the exception class, one table and a stack-pointer global); otherwise binaryen loads
 * unchanged and `binaryenInvokeBypass()` says why. `TRAPCHECK_BINARYEN_INVOKE=js` keeps the JS
 * trampolines (the baseline of bench/binaryen-invoke.bench.ts).
 *
 * Evaluating this module starts the interception (src/wasm/binaryen.ts imports it just before
 * 'binaryen'); `settleBinaryenInvokeBypass` ends it if binaryen never came through.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ModuleLayout } from './layout.ts';
import { funcImportsOf, readLayout } from './layout.ts';
import type { FuncSig } from './signatures.ts';
import { BypassUnavailable, encodeInvokeHelper, findSetThrew, rewriteForSharedState } from './binaryen-invoke-rewrite.ts';

export type BypassStatus = { active: true; trampolines: number } | { active: false; reason: string };

let status: BypassStatus = { active: false, reason: 'binaryen has not been loaded through src/wasm/binaryen.ts' };

/** Whether binaryen's calls stay in wasm in this thread, and if not, why. */
export function binaryenInvokeBypass(): BypassStatus {
  return status;
}

type Imports = Record<string, Record<string, unknown>>;
type Instantiate = (bytes: unknown, imports?: Imports) => Promise<unknown>;
type Exports = Record<string, unknown>;

/** The part of the WebAssembly JS API used here (the project's lib declares no `WebAssembly`). */
interface Api {
  instantiate: Instantiate;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: Imports) => { exports: Exports };
  Table: new (d: { element: 'anyfunc'; initial: number; maximum?: number }) => object;
  Global: new (d: { value: 'i32'; mutable: boolean }, v: number) => object;
  /** Exception handling: Node 20's V8 ships it. */
  Tag?: new (t: { parameters: string[] }) => object;
  Exception?: new (tag: object, payload: unknown[]) => object;
}
const api = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;

/**
 * `function X(r,G,t){var j=R();try{[return ]l(r)(G,t)}catch(F){if(i(j),!(F instanceof Q))throw F;a(1,0)}}`
 * with any identifiers; those returning i64 end `return a(1,0),0n}}`.
 */
const TRAMPOLINE = /^function [\w$]+\(([\w$]+)((?:,[\w$]+)*)\)\{var ([\w$]+)=[\w$]+\(\);try\{(?:return )?[\w$]+\(\1\)\(([\w$,]*)\)\}catch\(([\w$]+)\)\{if\([\w$]+\(\3\),!\(\5 instanceof ([\w$]+)\)\)throw \5;(?:return )?[\w$]+\(1,0\)(?:,0n)?\}\}$/;

/** The C++ exception classes: the trampolines' class (declared with no base) and the classes extending it. */
function exceptionClasses(glueHead: string, base: string): string[] | undefined {
  const esc = base.replace(/\$/g, '\\$');
  if (!new RegExp(`class ${esc}\\{\\}`).test(glueHead)) return undefined;
  const subclasses = [...glueHead.matchAll(new RegExp(`class ([\\w$]+) extends ${esc}\\{`, 'g'))].map((m) => m[1]!);
  return [base, ...subclasses];
}

let glue: string | undefined;

/** binaryen's glue: the file `import 'binaryen'` loads from here. */
function gluePath(): string {
  return (glue ??= createRequire(import.meta.url).resolve('binaryen'));
}

/**
 * Whether this instantiation is binaryen's own: called from binaryen's glue. Another emscripten
 * module (wabt's) may be instantiated in this thread while binaryen's import awaits; it passes
 * through untouched and the interception keeps waiting.
 */
function calledFromBinaryen(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 8;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const path = gluePath();
  return stack.includes(path) || stack.includes(pathToFileURL(path).href);
}

/** The start of binaryen's glue (its classes are declared before the embedded module). */
function readGlueHead(): string {
  const fd = openSync(gluePath(), 'r');
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

interface Plan {
  trampolines: Map<string, FuncSig>;
  throwSites: string[];
}

function plan(layout: ModuleLayout, env: Record<string, unknown>): Plan {
  // emscripten's one import module `a`: import names are unique
  const sigs = new Map(funcImportsOf(layout).map((f) => [f.name, f.sig]));
  const trampolines = new Map<string, FuncSig>();
  let base: string | undefined;
  for (const [name, value] of Object.entries(env)) {
    const m = typeof value === 'function' ? TRAMPOLINE.exec(String(value)) : null;
    if (!m) continue;
    if (base !== undefined && m[6] !== base) throw new BypassUnavailable('trampolines test different exception classes');
    base = m[6];
    const sig = sigs.get(name);
    if (!sig || sig.params.length !== 1 + (m[2] ? m[2].split(',').length - 1 : 0)) throw new BypassUnavailable(`trampoline ${name}: its import type does not match`);
    trampolines.set(name, sig);
  }
  if (base === undefined) throw new BypassUnavailable('no invoke trampolines among the imports');
  const classes = exceptionClasses(readGlueHead(), base);
  if (!classes) throw new BypassUnavailable(`the exception class ${base} is not a plain class`);
  const constructs = new RegExp(`new (?:${classes.map((c) => c.replace(/\$/g, '\\$')).join('|')})\\(`);
  const throwSites = Object.entries(env)
    .filter(([name, value]) => typeof value === 'function' && !trampolines.has(name) && constructs.test(String(value)))
    .map(([name]) => name);
  if (throwSites.length === 0) throw new BypassUnavailable('no import throws a C++ exception');
  return { trampolines, throwSites };
}

/** binaryen's module and imports with the trampolines in wasm; `bound` receives its exports once instantiated. */
function bypass(bytes: Uint8Array, imports: Imports): { bytes: Uint8Array; imports: Imports; bound: (exports: Exports) => void; trampolines: number } {
  const env = imports['a'];
  if (!env || Object.keys(imports).length !== 1) throw new BypassUnavailable('not emscripten\'s one import module `a`');
  if (!api.Tag || !api.Exception) throw new BypassUnavailable('this engine has no WebAssembly.Tag');
  const layout = readLayout(bytes); // once: binaryen's module is ~10 MB
  const { trampolines, throwSites } = plan(layout, env);
  const shared = rewriteForSharedState(bytes, layout);
  const setThrewExport = findSetThrew(bytes, layout);
  const table = new api.Table({ element: 'anyfunc', initial: shared.table.initial, ...(shared.table.maximum === undefined ? {} : { maximum: shared.table.maximum }) });
  const sp = new api.Global({ value: 'i32', mutable: true }, shared.stackPointerInit);
  const cxx = new api.Tag({ parameters: [] });
  let setThrew: ((a: number, b: number) => void) | undefined;
  let helper: { exports: Exports };
  try {
    helper = new api.Instance(new api.Module(encodeInvokeHelper(trampolines, shared.table)), {
      t: { table, sp, cxx, setThrew: (a: number, b: number) => setThrew!(a, b) },
    });
  } catch (e) {
    throw new BypassUnavailable(`the trampoline module does not compile here (${(e as Error).message})`);
  }
  const Exception = api.Exception;
  const a: Record<string, unknown> = { ...env };
  for (const name of trampolines.keys()) a[name] = helper.exports[name];
  for (const name of throwSites) {
    const original = env[name] as (...args: unknown[]) => unknown;
    // emscripten's C++ exception objects are not Errors; an abort inside these imports is one.
    // The exception keeps the object's own fields: where one escapes binaryen, the glue reads
    // its message through them (readBinary, parseText).
    a[name] = (...args: unknown[]): unknown => {
      try {
        return original(...args);
      } catch (e) {
        throw e instanceof Error ? e : Object.assign(new Exception(cxx, []), e);
      }
    };
  }
  return {
    bytes: shared.bytes,
    imports: { a, t: { table, sp } },
    bound: (exports) => {
      setThrew = exports[setThrewExport] as (a: number, b: number) => void;
    },
    trampolines: trampolines.size,
  };
}

/** Installed and still waiting for binaryen's instantiation. */
let pending = false;

const original: Instantiate = api.instantiate;

/** Intercepts the next instantiation of binaryen's module (this thread). */
export function installBinaryenInvokeBypass(): void {
  pending = false;
  if (process.env['TRAPCHECK_BINARYEN_INVOKE'] === 'js') {
    status = { active: false, reason: 'TRAPCHECK_BINARYEN_INVOKE=js' };
    return;
  }
  const intercept: Instantiate = (bytes, imports) => {
    if (!(bytes instanceof Uint8Array) || !imports || !calledFromBinaryen()) return original.call(api, bytes, imports);
    restore();
    pending = false;
    // Any failure here only means binaryen loads as it came: the status keeps the reason (the
    // tests require the bypass on the pinned binaryen, so a bug here cannot hide).
    const unchanged = (e: unknown): Promise<unknown> => {
      status = { active: false, reason: e instanceof BypassUnavailable ? e.message : `binaryen invoke bypass failed: ${String(e)}` };
      return original.call(api, bytes, imports);
    };
    let b: ReturnType<typeof bypass>;
    try {
      b = bypass(bytes, imports);
    } catch (e) {
      return unchanged(e);
    }
    return original.call(api, b.bytes, b.imports).then((result) => {
      b.bound((result as { instance: { exports: Exports } }).instance.exports);
      status = { active: true, trampolines: b.trampolines };
      return result;
    }, unchanged);
  };
  pending = true;
  api.instantiate = intercept;
}

function restore(): void {
  api.instantiate = original;
}

installBinaryenInvokeBypass();

/** After binaryen's import: no interception left behind (binaryen was loaded earlier in this thread, say). */
export function settleBinaryenInvokeBypass(): void {
  if (!pending) return;
  pending = false;
  restore();
  status = { active: false, reason: 'binaryen was instantiated in this thread before src/wasm/binaryen.ts could intercept it' };
}
