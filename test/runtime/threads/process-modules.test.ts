/**
 * The one prepare / instantiate-main path of both wasi-threads modes
 * (src/runtime/threads/process-modules.ts): the scheduler's modules carry Asyncify and the real
 * mode's do not; a module is prepared once per process, and once per worker where a cache is
 * given; the first main makes the shared memory its imports get; WASI is linked before a start
 * section runs; a module that cannot be used is the instantiate step's outcome.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/outcome.ts';
import type { PreparedThreadsModule } from '../../../src/runtime/threads/prepare.ts';
import type { MainImports } from '../../../src/runtime/threads/process-modules.ts';
import { ProcessModules } from '../../../src/runtime/threads/process-modules.ts';
import { ModuleCache } from '../../../src/runtime/threads/sched/module-cache.ts';
import type { WasmMemory } from '../../../src/runtime/wasm-api.ts';
import { WA } from '../../../src/runtime/wasm-api.ts';
import { wat } from '../helpers.ts';

const THREADS = `(module
  (import "env" "memory" (memory 1 3 shared))
  (import "host" "log" (func $log (param i32)))
  (start $init)
  (func $init (call $log (i32.const 7)))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (local.get 1) (i32.const 0) (i64.const -1)))))`;

const fakeWasi = { name: 'the WASI host' };

/** Imports for `prepared`: `host.log` records, the threads hooks do nothing, the memory is the process's. */
function importsRecording(log: string[], seen: { prepared?: PreparedThreadsModule; memory?: WasmMemory }): MainImports<typeof fakeWasi> {
  return (prepared, memory) => {
    Object.assign(seen, { prepared, memory });
    const imports: Record<string, Record<string, unknown>> = {};
    for (const d of WA.Module.imports(prepared.module)) {
      const value = d.kind === 'memory' ? memory : d.module === 'host' ? (x: number) => void log.push(`log ${x}`) : () => 0;
      (imports[d.module] ??= {})[d.name] = value;
    }
    return { imports, wasi: fakeWasi, binding: {} as never };
  };
}

const exportNames = (p: PreparedThreadsModule): string[] => WA.Module.exports(p.module).map((e) => e.name);

describe('ProcessModules: one prepare / instantiate path for both threads modes', () => {
  it('the scheduler asks for Asyncify and the real mode does not', () => {
    for (const asyncify of [true, false]) {
      const seen: { prepared?: PreparedThreadsModule } = {};
      const r = new ProcessModules([{ bytes: wat(THREADS) }], { asyncify }).instantiateMain(0, importsRecording([], seen), () => undefined);
      expect('exports' in r).toBe(true);
      expect(exportNames(seen.prepared!).includes('asyncify_start_unwind')).toBe(asyncify);
    }
  });

  it('makes the shared memory from the module import, links WASI before the start section runs', () => {
    const log: string[] = [];
    const seen: { memory?: WasmMemory } = {};
    const modules = new ProcessModules([{ bytes: wat(THREADS) }], { asyncify: false });
    expect(modules.memory).toBeUndefined();
    modules.instantiateMain(0, importsRecording(log, seen), (wasi) => log.push(`linked ${wasi.name}`));
    expect(log).toEqual(['linked the WASI host', 'log 7']);
    expect(seen.memory).toBe(modules.memory);
    expect(modules.memory!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(modules.memory!.buffer.byteLength).toBe(65536);
  });

  it('prepares a module once per process, and once per worker only where a cache is given', () => {
    const preparedBy = (modules: ProcessModules): PreparedThreadsModule => {
      const seen: { prepared?: PreparedThreadsModule } = {};
      modules.instantiateMain(0, importsRecording([], seen), () => undefined);
      return seen.prepared!;
    };
    const one = new ProcessModules([{ bytes: wat(THREADS) }], { asyncify: false });
    expect(preparedBy(one)).toBe(preparedBy(one));
    const uncached = (): ProcessModules => new ProcessModules([{ bytes: wat(THREADS) }], { asyncify: false });
    expect(preparedBy(uncached())).not.toBe(preparedBy(uncached()));
    const cache = new ModuleCache<PreparedThreadsModule | Outcome>(4);
    const cached = (): ProcessModules => new ProcessModules([{ bytes: wat(THREADS) }], { asyncify: true, cache });
    expect(preparedBy(cached())).toBe(preparedBy(cached()));
  });

  it('a module that cannot be used is the outcome of the instantiate step, and nothing is linked', () => {
    const linked: unknown[] = [];
    const main = (bytes: Uint8Array, importsFor: MainImports<typeof fakeWasi> = importsRecording([], {})) =>
      new ProcessModules([{ bytes }], { asyncify: false }).instantiateMain(0, importsFor, (w) => linked.push(w));
    expect(main(Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0))).toMatchObject({ kind: 'rejected', stage: 'compile' });
    expect(main(wat('(module (memory 1))'))).toEqual({ kind: 'unsupported', feature: 'wasi-threads module without an imported shared memory' });
    expect(main(wat(THREADS), () => ({ unlinkable: 'no host.log' }))).toEqual({ kind: 'rejected', stage: 'unlinkable', message: 'no host.log' });
    expect(main(wat(THREADS), () => ({ unsupported: 'sockets' }))).toEqual({ kind: 'unsupported', feature: 'sockets' });
    expect(linked).toEqual([]);
  });
});
