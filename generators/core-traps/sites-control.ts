/**
 * Sites that need no operands: `unreachable`, and unbounded recursion (call stack exhausted) in
 * four shapes. Recursion is unbounded, so a context around the caller (more locals, more
 * frames) cannot change the outcome.
 */
import type { BType, Expr } from '../../src/wasm/builder.ts';
import { binaryen, i64c } from '../../src/wasm/builder.ts';
import type { SiteDef } from './site.ts';

export const UNREACHABLE_SITE: SiteDef = {
  key: 'unreachable',
  site: 'unreachable',
  group: 'unreachable',
  trap: 'unreachable',
  features: [],
  details: ['unreachable'],
  build: ({ m }) => ({ expr: m.unreachable(), type: 'unreachable' }),
};

export const RECURSION_SITE: SiteDef = {
  key: 'recursion',
  site: 'recursion',
  group: 'recursion',
  trap: 'call stack exhausted',
  features: [],
  details: ['self', 'mutual', 'big-frame', 'no-result'],
  build: ({ m, detail, helpers }) => {
    const i32s = binaryen.createType([binaryen.i32]);
    const next = (fn: string, t: BType): Expr => m.call(fn, [m.i32.add(m.local.get(0, binaryen.i32), m.i32.const(1))], t);
    if (detail === 'self') {
      m.addFunction('rec', i32s, binaryen.i32, [], m.i32.add(next('rec', binaryen.i32), m.i32.const(1)));
      helpers.add('rec');
      return { expr: m.call('rec', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    if (detail === 'mutual') {
      m.addFunction('rec_a', i32s, binaryen.i32, [], m.i32.add(next('rec_b', binaryen.i32), m.i32.const(1)));
      m.addFunction('rec_b', i32s, binaryen.i32, [], m.i32.sub(next('rec_a', binaryen.i32), m.i32.const(1)));
      helpers.add('rec_a').add('rec_b');
      return { expr: m.call('rec_a', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    if (detail === 'big-frame') {
      const vars: BType[] = [];
      const body: Expr[] = [];
      for (let i = 0; i < 32; i++) {
        const t = i % 2 ? binaryen.f64 : binaryen.i64;
        vars.push(t);
        const base = m.i64.extend_u(m.local.get(0, binaryen.i32));
        body.push(m.local.set(1 + i, t === binaryen.i64 ? m.i64.add(base, i64c(m, BigInt(i))) : m.f64.convert_u.i64(base)));
      }
      let sum: Expr = m.i64.extend_u(next('rec_big', binaryen.i32));
      for (let i = 0; i < 32; i += 2) sum = m.i64.add(sum, m.local.get(1 + i, binaryen.i64));
      body.push(m.i32.wrap(sum));
      m.addFunction('rec_big', i32s, binaryen.i32, vars, m.block(null, body, binaryen.i32));
      helpers.add('rec_big');
      return { expr: m.call('rec_big', [m.i32.const(0)], binaryen.i32), type: 'i32' };
    }
    m.addFunction('rec_void', binaryen.none, binaryen.none, [], m.call('rec_void', [], binaryen.none));
    helpers.add('rec_void');
    return { expr: m.call('rec_void', [], binaryen.none), type: 'none' };
  },
};
