/**
 * The trampoline of Node 20's (V8 11) flag-gated stack switching (`--experimental-wasm-stack-
 * switching`: `WebAssembly.Suspender`, `new WebAssembly.Function(type, fn, { suspending | promising:
 * 'first' })`). That API passes the suspender explicitly: a suspending import takes it as an
 * `externref` first parameter, a promising export receives it as its first parameter. The case's
 * module knows nothing of it, so this module stands between the two:
 *
 *   enter(s, slot, tid, arg)  $s = s; $slot = slot; call_indirect table[0] (wasi_thread_start)
 *   main(s, slot)             $s = s; $slot = slot; call_indirect table[1] (_start)
 *   "<i>"(params)             call import "s"."<i>"($s, $slot, params); then $s, $slot = what they
 *                             were at the call
 *   the loop-header hook      counts in $headers and calls the host only at the quantum's end
 *
 * The count is the running thread's consecutive loop headers (the Scheduler's `polls`): every
 * host hook is a switch point, which starts it again (as the Scheduler does), and a thread only
 * ever gives way at one, so whoever runs next starts at 0 too. Without it a busy loop calls the
 * host (through the engine's slow suspending-call path) once per iteration.
 *
 * The case's module imports the "<i>" functions instead of the JS hooks, so between the promising
 * entry and the suspending import there are only wasm frames (what stack switching requires).
 * `$slot` tells the shared JS side which thread's hook to run. One instance serves every thread
 * of a worker: only one thread runs at a time, an entry sets both globals, and a hook resumed
 * after a suspension restores its own thread's from its locals before returning into it.
 * Wrapping functions for this API is costly (~0.1 ms each), so the suspending imports and the
 * promising entries are made once per import signature list, never per thread.
 */
import type { FuncSig } from '../../../wasm/signatures.ts';
import { pushSleb, pushUleb } from '../../../wasm/leb.ts';

/** Table slots of the two entries. */
export const THREAD_SLOT = 0;
export const MAIN_SLOT = 1;

const VALUE_CODES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };
const EXTERNREF = 0x6f;
const I32 = 0x7f;

/** A value type the trampoline can pass through, or undefined (GC references and the like). */
export function valueCode(t: string): number | undefined {
  return VALUE_CODES[t];
}

function funcType(out: number[], params: readonly number[], results: readonly number[]): void {
  out.push(0x60);
  pushUleb(out, params.length);
  out.push(...params);
  pushUleb(out, results.length);
  out.push(...results);
}

/** A local.get / local.tee / local.set of `index`. */
function localIndex(op: number, index: number): number[] {
  const out = [op];
  pushUleb(out, index);
  return out;
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  pushUleb(out, body.length);
  for (const b of body) out.push(b);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  pushUleb(out, b.length);
  out.push(...b);
}

/** The trampoline for function imports of these signatures (each must pass valueCode). */
/**
 * `loop`: the import that is the scheduler's loop-header hook (./hooks.ts `poll`, [] → []), if
 * the module has one, and how many consecutive headers make a switch point (LOOP_QUANTUM).
 */
export function trampolineBytes(sigs: readonly FuncSig[], loop?: { index: number; quantum: number }): Uint8Array {
  const n = sigs.length;
  const codes = sigs.map((s) => ({ params: s.params.map((t) => valueCode(t)!), results: s.results.map((t) => valueCode(t)!) }));
  // types: 2i the suspending import, 2i+1 the hook; then the two inner entries and the two entries
  // locals of a hook: its params, then the saved $s and $slot
  const T_THREAD_INNER = 2 * n;
  const T_MAIN_INNER = 2 * n + 1;
  const T_ENTER = 2 * n + 2;
  const T_MAIN = 2 * n + 3;
  const types: number[] = [];
  pushUleb(types, 2 * n + 4);
  for (const c of codes) {
    funcType(types, [EXTERNREF, I32, ...c.params], c.results);
    funcType(types, c.params, c.results);
  }
  funcType(types, [I32, I32], []);
  funcType(types, [], []);
  funcType(types, [EXTERNREF, I32, I32, I32], []);
  funcType(types, [EXTERNREF, I32], []);

  const imports: number[] = [];
  pushUleb(imports, n);
  for (let i = 0; i < n; i++) {
    name(imports, 's');
    name(imports, String(i));
    imports.push(0x00);
    pushUleb(imports, 2 * i);
  }
  const funcs: number[] = [];
  pushUleb(funcs, n + 2);
  for (let i = 0; i < n; i++) pushUleb(funcs, 2 * i + 1);
  pushUleb(funcs, T_ENTER);
  pushUleb(funcs, T_MAIN);
  const table = [0x01, 0x70, 0x01, 0x02, 0x02];
  // $s, $slot, $headers (the running thread's consecutive loop headers)
  const globals = [0x03, EXTERNREF, 0x01, 0xd0, EXTERNREF, 0x0b, I32, 0x01, 0x41, 0x00, 0x0b, I32, 0x01, 0x41, 0x00, 0x0b];
  const exports: number[] = [];
  pushUleb(exports, n + 3);
  for (let i = 0; i < n; i++) {
    name(exports, String(i));
    exports.push(0x00);
    pushUleb(exports, n + i);
  }
  name(exports, 'enter');
  exports.push(0x00);
  pushUleb(exports, 2 * n);
  name(exports, 'main');
  exports.push(0x00);
  pushUleb(exports, 2 * n + 1);
  name(exports, 't');
  exports.push(0x01, 0x00);

  const code: number[] = [];
  pushUleb(code, n + 2);
  const body = (locals: number[], instrs: number[]): void => {
    pushUleb(code, locals.length + instrs.length);
    code.push(...locals, ...instrs);
  };
  for (let i = 0; i < n; i++) {
    const np = codes[i]!.params.length;
    const instrs: number[] = [];
    if (loop?.index === i) {
      // $headers += 1; below the quantum the header is no switch point: return without calling the host
      instrs.push(0x23, 0x02, 0x41, 0x01, 0x6a, 0x24, 0x02, 0x23, 0x02, 0x41);
      pushSleb(instrs, loop.quantum);
      instrs.push(0x49, 0x04, 0x40, 0x0f, 0x0b); // i32.lt_u; if; return; end
    }
    // global.get $s; local.tee; global.get $slot; local.tee (saved for the return)
    instrs.push(0x23, 0x00, ...localIndex(0x22, np), 0x23, 0x01, ...localIndex(0x22, np + 1));
    for (let p = 0; p < np; p++) instrs.push(...localIndex(0x20, p));
    instrs.push(0x10);
    pushUleb(instrs, i);
    instrs.push(...localIndex(0x20, np), 0x24, 0x00, ...localIndex(0x20, np + 1), 0x24, 0x01);
    // every host hook is a switch point (or the quantum's end), after which the count starts again
    instrs.push(0x41, 0x00, 0x24, 0x02, 0x0b);
    body([0x02, 0x01, EXTERNREF, 0x01, I32], instrs);
  }
  const callSlot = (slot: number, type: number): number[] => {
    const out = [0x41, slot, 0x11];
    pushUleb(out, type);
    out.push(0x00, 0x0b);
    return out;
  };
  const setGlobals = [0x20, 0x00, 0x24, 0x00, 0x20, 0x01, 0x24, 0x01, 0x41, 0x00, 0x24, 0x02];
  body([0x00], [...setGlobals, 0x20, 0x02, 0x20, 0x03, ...callSlot(THREAD_SLOT, T_THREAD_INNER)]);
  body([0x00], [...setGlobals, ...callSlot(MAIN_SLOT, T_MAIN_INNER)]);

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, types);
  section(out, 2, imports);
  section(out, 3, funcs);
  section(out, 4, table);
  section(out, 6, globals);
  section(out, 7, exports);
  section(out, 10, code);
  return Uint8Array.from(out);
}
