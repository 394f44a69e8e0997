/** Test helpers: WAT → bytes with wabt, and compact Case builders. */
import wabtInit from 'wabt';
import type { Case, Expectation, Step } from '../../src/case.ts';
import type { WasmValue } from '../../src/outcome.ts';

const wabt = await wabtInit();

const FEATURES = {
  threads: true,
  bulk_memory: true,
  reference_types: true,
  multi_value: true,
  tail_call: true,
  exceptions: true,
  simd: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
};

/** WAT text → binary. (wabt's own validate() rejects shared memories even with threads on, so V8 validates.) */
export function wat(text: string): Uint8Array {
  const m = wabt.parseWat('test.wat', text, FEATURES);
  try {
    m.resolveNames();
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

let counter = 0;

export function mkCase(modules: Array<string | Uint8Array>, steps: Step[], extra: Partial<Case> = {}): Case {
  return {
    id: extra.id ?? `test-${counter++}`,
    family: 'test',
    modules: modules.map((m) => ({ bytes: typeof m === 'string' ? wat(m) : m })),
    features: [],
    steps,
    provenance: { kind: 'hand-written', note: 'test/runtime' },
    ...extra,
  };
}

export const inst = (expect: Expectation = {}, extra: { module?: number; as?: string; instance?: string } = {}): Step => ({ op: 'instantiate', expect, ...extra });
export const call = (exp: string, args: WasmValue[] = [], expect: Expectation = {}, instance?: string): Step =>
  instance === undefined ? { op: 'invoke', export: exp, args, expect } : { op: 'invoke', export: exp, args, expect, instance };
export const start = (expect: Expectation = {}): Step => ({ op: 'start', expect });

/** A WASI module that writes `text` to fd 1 (iovec at 0, data at 16) then exits with `code` (or returns if undefined). */
export function wasiWriteExit(text: string, code: number | undefined, exitIn: 'start' | '_start' = '_start'): string {
  const bytes = new TextEncoder().encode(text);
  const data = Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  const body = `(drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      ${code === undefined ? '' : `(call $proc_exit (i32.const ${code | 0}))`}`;
  return `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\\10\\00\\00\\00\\${bytes.length.toString(16).padStart(2, '0')}\\00\\00\\00")
    (data (i32.const 16) "${data}")
    (func $main ${body})
    ${exitIn === 'start' ? '(start $main)' : '(export "_start" (func $main))'})`;
}
