/**
 * Appends function types and functions (after every existing one: no index changes), one
 * single-section edit per section (src/wasm/sections.ts), which copies the rest of the module as
 * whole byte ranges: a thousand functions cost one copy of the module, not one push per byte.
 */
import type { NewFunction } from '../wasm/append.ts';
import { uleb } from '../wasm/leb.ts';
import { appendEntries } from '../wasm/sections.ts';

const vector = (items: readonly number[]): number[] => [...uleb(items.length), ...items];

/** `bytes` with `types` ([params, results] value type codes) and `functions` appended. */
export function appendFunctions(bytes: Uint8Array, types: ReadonlyArray<[number[], number[]]>, functions: readonly NewFunction[]): Uint8Array {
  let out = appendEntries(bytes, 1, types.map(([p, r]) => [0x60, ...vector(p), ...vector(r)]));
  out = appendEntries(out, 3, functions.map((f) => uleb(f.type)));
  return appendEntries(
    out,
    10,
    functions.map((f) => {
      const body = [...uleb(f.locals.length), ...f.locals.flatMap((t) => [1, t]), ...f.body];
      return [...uleb(body.length), ...body];
    }),
  );
}
