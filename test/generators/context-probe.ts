/**
 * A probe function for context tests, appended to a real generated module: `(param i32) (result R)`
 * for any R (multi-value included), whose body leaves through every kind of branch to its own
 * label (`br`, `br_if`, `br_table`) or by falling off its end, with different values per path.
 * Generated bodies never branch to their own label (binaryen emits none), so this is what checks
 * that wrap-body retargets such branches.
 */
import type { ValueType } from '../../src/outcome.ts';
import { appendToModule, sleb, VALTYPE } from '../../src/wasm/append.ts';
import { readLayout } from '../../src/wasm/layout.ts';

export type ProbeType = keyof typeof VALTYPE;

/** Result shapes the tests cover: none, each numeric type, multi-value. */
export const PROBE_RESULTS: ProbeType[][] = [[], ['i32'], ['i64'], ['f32'], ['f64'], ['i32', 'f64'], ['f32', 'i64', 'i32']];

function consts(types: ProbeType[], base: number): number[] {
  return types.flatMap((t, i) => {
    const v = base + i;
    if (t === 'i32') return [0x41, ...sleb(v)];
    if (t === 'i64') return [0x42, ...sleb(v)];
    const b = new Uint8Array(t === 'f32' ? 4 : 8);
    const view = new DataView(b.buffer);
    if (t === 'f32') view.setFloat32(0, v + 0.5, true);
    else view.setFloat64(0, v + 0.25, true);
    return [t === 'f32' ? 0x43 : 0x44, ...b];
  });
}

/** `bytes` plus an exported probe function `name` with results `results`; returns its function index. */
export function withProbe(bytes: Uint8Array, results: ProbeType[], name: string): { bytes: Uint8Array; index: number } {
  const layout = readLayout(bytes);
  const r = results.map((t) => VALTYPE[t]);
  const drops = results.map(() => 0x1a);
  const body = [
    // p == 0: br out of an if
    ...[0x20, 0x00, 0x45, 0x04, 0x40, ...consts(results, 10), 0x0c, 0x01, 0x0b],
    // p == 1: br_if out of a block
    ...[0x02, 0x40, ...consts(results, 20), 0x20, 0x00, 0x41, 0x01, 0x46, 0x0d, 0x01, ...drops, 0x0b],
    // p == 3: falls out of a block (type 1) to the end; p == 2 and p > 3: br_table to the function's label
    ...[0x02, ...sleb(layout.typeCount + 1), ...consts(results, 30), 0x20, 0x00, 0x41, 0x02, 0x6b, 0x0e, 0x02, 0x01, 0x00, 0x01, 0x0b],
    0x0b,
  ];
  const out = appendToModule(bytes, {
    types: [
      [[VALTYPE.i32], r],
      [[], r],
    ],
    functions: [{ type: layout.typeCount, locals: [], body }],
    globals: [],
    exports: [{ name, kind: 'func', index: layout.funcs.length }],
  });
  return { bytes: out, index: layout.funcs.length };
}

/** The probe's argument values: every path of its body. */
export const PROBE_ARGS = [0, 1, 2, 3, 4];

export const probeArg = (p: number): { type: ValueType; value: string } => ({ type: 'i32', value: String(p) });
