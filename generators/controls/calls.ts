/**
 * Calls that must not trap: call_indirect through a matching slot, table.get at the last index,
 * and deep but bounded recursion (500 … 1,999 frames of `down`). `down` is never put in a
 * context (only `run` is): a context would add locals and frames to every level, and the depth
 * must stay inside every runtime's stack (iwasm runs with 1 MiB).
 */
import { i32 } from '../../src/outcome.ts';
import { binaryen } from '../../src/wasm/builder.ts';
import type { ControlDef } from './def.ts';
import { c32 } from './def.ts';

/** What `id0` and `id1` return: table slots [id0, id1, takes_i32, null]. */
export const IDS = [0x1d0, 0x1d1];

export const CALL_CONTROLS: readonly ControlDef[] = [
  {
    key: 'call_indirect/match',
    site: 'call_indirect',
    features: [],
    table: true,
    details: ['no-param', 'with-param'],
    weight: 6,
    build: ({ m, p, detail }) =>
      detail === 'no-param'
        ? { expr: m.call_indirect('t', c32(m, p.a & 1), [], binaryen.none, binaryen.i32), value: i32(IDS[p.a & 1]!) }
        : { expr: m.call_indirect('t', m.i32.const(2), [c32(m, p.b)], binaryen.createType([binaryen.i32]), binaryen.i32), value: i32(p.b | 0) },
  },
  {
    key: 'table.get/last',
    site: 'table.get',
    features: ['reference-types'],
    table: true,
    details: ['last-null', 'last-but-one'],
    weight: 6,
    build: ({ m, detail }) => ({
      expr: m.ref.is_null(m.table.get('t', m.i32.const(detail === 'last-null' ? 3 : 2), binaryen.funcref)),
      value: i32(detail === 'last-null' ? 1 : 0),
    }),
  },
  {
    key: 'recursion/deep',
    site: 'recursion',
    features: [],
    details: ['deep'],
    build: ({ m, p }) => {
      const n = 500 + (p.a % 1500);
      const i32s = binaryen.createType([binaryen.i32]);
      const arg = m.local.get(0, binaryen.i32);
      m.addFunction(
        'down',
        i32s,
        binaryen.i32,
        [],
        m.if(m.i32.eqz(arg), m.i32.const(0), m.i32.add(m.call('down', [m.i32.sub(m.local.get(0, binaryen.i32), m.i32.const(1))], binaryen.i32), m.i32.const(1))),
      );
      return { expr: m.call('down', [c32(m, n)], binaryen.i32), value: i32(n) };
    },
  },
];
