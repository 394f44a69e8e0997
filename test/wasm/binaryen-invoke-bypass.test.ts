/**
 * binaryen's invoke trampolines in wasm (src/wasm/binaryen-invoke-bypass.ts and
 * ./binaryen-invoke-rewrite.ts): the helper module does what emscripten's JS trampolines do
 * (call through the table; a C++ exception restores the stack pointer and sets __THREW__; any
 * other exception restores it and passes through), the rewrite only moves the table and stack
 * pointer into imports, and binaryen loaded either way does the same work to the byte and
 * reports the same errors.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FuncSig } from '../../src/wasm/signatures.ts';
import { BypassUnavailable, encodeInvokeHelper, findSetThrew, rewriteForSharedState } from '../../src/wasm/binaryen-invoke-rewrite.ts';
import { watToBinary } from '../../src/wasm/wabt.ts';

interface Api {
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Table: new (d: { element: 'anyfunc'; initial: number; maximum?: number }) => { get(i: number): unknown; set(i: number, v: unknown): void };
  Global: new (d: { value: 'i32'; mutable: boolean }, v: number) => { value: number };
  Tag: new (t: { parameters: string[] }) => object;
  Exception: new (tag: object, payload: unknown[]) => object;
}
const WA = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;

const sig = (params: FuncSig['params'], results: FuncSig['results'] = []): FuncSig => ({ params, results });

/** Callees in a table, each moving the shared stack pointer first as real code would (a frame). */
async function callees(sp: object, table: object, cxx: object): Promise<{ jsError: Error }> {
  const jsError = new Error('an abort');
  const bytes = await watToBinary(`(module
    (import "t" "sp" (global $sp (mut i32)))
    (import "t" "table" (table 4 4 funcref))
    (import "js" "throwCxx" (func $throwCxx))
    (import "js" "throwJs" (func $throwJs))
    (func $add (param i32 i32) (result i32) (global.set $sp (i32.const 1000)) (i32.add (local.get 0) (local.get 1)))
    (func $cxx (param i32) (global.set $sp (i32.const 2000)) (call $throwCxx))
    (func $js (param i32) (global.set $sp (i32.const 3000)) (call $throwJs))
    (func $cxx64 (result i64) (global.set $sp (i32.const 4000)) (call $throwCxx) (i64.const 9))
    (elem (i32.const 0) $add $cxx $js $cxx64))`);
  // a C++ exception as the bypass's wrapped throw sites raise it: a WebAssembly.Exception of the tag
  const throwCxx = (): never => {
    throw new WA.Exception(cxx, []);
  };
  const throwJs = (): never => {
    throw jsError;
  };
  new WA.Instance(new WA.Module(bytes), { t: { sp, table }, js: { throwCxx, throwJs } });
  return { jsError };
}

describe('the wasm invoke trampolines (encodeInvokeHelper)', () => {
  async function helper(): Promise<{ exports: Record<string, (...a: unknown[]) => unknown>; sp: { value: number }; threw: Array<[number, number]>; jsError: Error }> {
    const limits = { initial: 4, maximum: 4 };
    const table = new WA.Table({ element: 'anyfunc', ...limits });
    const sp = new WA.Global({ value: 'i32', mutable: true }, 500);
    const cxx = new WA.Tag({ parameters: [] });
    const { jsError } = await callees(sp, table, cxx);
    const threw: Array<[number, number]> = [];
    const trampolines = new Map([
      ['iii', sig(['i32', 'i32', 'i32'], ['i32'])],
      ['vii', sig(['i32', 'i32'])],
      ['ji', sig(['i32'], ['i64'])],
    ]);
    const instance = new WA.Instance(new WA.Module(encodeInvokeHelper(trampolines, limits)), {
      t: { table, sp, cxx, setThrew: (a: number, b: number) => threw.push([a, b]) },
    });
    return { exports: instance.exports as Record<string, (...a: unknown[]) => unknown>, sp, threw, jsError };
  }

  it('calls through the table and returns what the callee returned', async () => {
    const h = await helper();
    expect(h.exports['iii']!(0, 2, 3)).toBe(5);
    expect(h.threw).toEqual([]);
    // a normal return leaves the stack pointer to the callee (emscripten's code restores its own)
    expect(h.sp.value).toBe(1000);
  });

  it('a C++ exception: the stack pointer as before the call, setThrew(1, 0), a zero result', async () => {
    const h = await helper();
    expect(h.exports['vii']!(1, 0)).toBeUndefined();
    expect(h.sp.value).toBe(500);
    expect(h.threw).toEqual([[1, 0]]);
    expect(h.exports['ji']!(3)).toBe(0n);
    expect(h.sp.value).toBe(500);
    expect(h.threw).toEqual([[1, 0], [1, 0]]);
  });

  it('any other exception passes through unchanged, with the stack pointer restored', async () => {
    const h = await helper();
    let caught: unknown;
    try {
      h.exports['vii']!(2, 0);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(h.jsError);
    expect(h.sp.value).toBe(500);
    expect(h.threw).toEqual([]);
  });

  it('refuses a trampoline whose first parameter is not the i32 table index', () => {
    expect(() => encodeInvokeHelper(new Map([['bad', sig(['f64'])]]), { initial: 1, maximum: 1 })).toThrow(BypassUnavailable);
  });
});

describe('rewriteForSharedState', () => {
  const MODULE = `(module
    (table 3 3 funcref)
    (global $sp (mut i32) (i32.const 4096))
    (global $other i32 (i32.const 77))
    (func $push (result i32) (global.set $sp (i32.sub (global.get $sp) (i32.const 16))) (global.get $sp))
    (func $other (result i32) (global.get $other))
    (elem (i32.const 1) $push $other)
    (export "push" (func $push))
    (export "other" (func $other))
    (export "table" (table 0)))`;

  it('imports table 0 and global 0 from `t`, keeping every index and the rest of the module', async () => {
    const shared = rewriteForSharedState(await watToBinary(MODULE));
    expect(shared.table).toEqual({ initial: 3, maximum: 3 });
    expect(shared.stackPointerInit).toBe(4096);
    const table = new WA.Table({ element: 'anyfunc', initial: 3, maximum: 3 });
    const sp = new WA.Global({ value: 'i32', mutable: true }, shared.stackPointerInit);
    const { exports } = new WA.Instance(new WA.Module(shared.bytes), { t: { table, sp } });
    expect((exports['push'] as () => number)()).toBe(4080);
    expect(sp.value).toBe(4080);
    expect((exports['other'] as () => number)()).toBe(77);
    // the element segment filled the imported table, and the export is that same table
    expect(table.get(1)).toBe(exports['push']);
    expect(exports['table']).toBe(table);
  });

  it('declines a module that already imports a global', async () => {
    const bytes = await watToBinary('(module (import "x" "g" (global i32)) (table 1 funcref) (global (mut i32) (i32.const 0)))');
    expect(() => rewriteForSharedState(bytes)).toThrow(/already imports/);
  });
});

describe('findSetThrew', () => {
  it("finds emscripten's setThrew by its body, not by its type alone", async () => {
    const bytes = await watToBinary(`(module (memory 1)
      (func (export "decoy") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "st") (param i32 i32)
        (if (i32.eqz (i32.load (i32.const 1024)))
          (then (i32.store (i32.const 1028) (local.get 1)) (i32.store (i32.const 1024) (local.get 0))))))`);
    expect(findSetThrew(bytes)).toBe('st');
  });

  it('says so when no export has that body', async () => {
    const bytes = await watToBinary('(module (func (export "decoy") (param i32 i32)))');
    expect(() => findSetThrew(bytes)).toThrow(/setThrew not found/);
  });
});

describe('binaryen loaded with and without the bypass (fresh processes)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = (script: string, mode: 'js' | 'wasm' = 'wasm'): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, TRAPCHECK_BINARYEN_INVOKE: mode };
      execFile(process.execPath, ['bin/run-ts.js', script], { cwd: root, env, timeout: 120_000 }, (err, out) =>
        err ? reject(err) : resolve(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>),
      );
    });
  const run = (mode: 'js' | 'wasm'): Promise<Record<string, unknown>> => child('test/wasm/binaryen-invoke-child.ts', mode);

  it('the same bytes from every job and the same errors for bad input', async () => {
    const [js, wasm] = [await run('js'), await run('wasm')];
    // binaryen 132 (package.json pins it): all 52 trampolines recognised; an upgrade that
    // changes emscripten's glue turns the bypass off, and this says so
    expect(wasm['bypass']).toEqual({ active: true, trampolines: 52 });
    expect(js['bypass']).toEqual({ active: false, reason: 'TRAPCHECK_BINARYEN_INVOKE=js' });
    const { bypass: _a, ...jsWork } = js;
    const { bypass: _b, ...wasmWork } = wasm;
    expect(wasmWork).toEqual(jsWork);
    expect((jsWork['errors'] as string[]).every((e) => !e.endsWith('no error'))).toBe(true);
  });

  it('another module from `a` instantiated while binaryen is awaited passes through; binaryen is still bypassed', async () => {
    const r = await child('test/wasm/binaryen-invoke-window-child.ts');
    expect(r['other']).toBe(42);
    expect(r['whileWaiting']).toEqual({ active: false, reason: 'binaryen has not been loaded through src/wasm/binaryen.ts' });
    expect(r['after']).toEqual({ active: true, trampolines: 52 });
  });
});
