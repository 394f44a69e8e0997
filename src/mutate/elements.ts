/**
 * Element segments, read for the function indices they name: every encoding (flags 0–7: active,
 * passive or declarative; function index vectors or constant expressions) is walked, and each
 * function index is passed through `map`. The section comes back with only those indices
 * changed; `map` may also just record them (which functions are address-taken).
 */
import { Reader, readValType } from '../wasm/binary-reader.ts';
import { uleb } from '../wasm/leb.ts';
import { rewriteConstExpr } from '../runtimes/native/lower-code-walk.ts';

/** The element section's contents `body` with every function index mapped through `map`. */
export function mapElementFunctions(body: Uint8Array, map: (f: number) => number): number[] {
  const r = new Reader(body, 0, body.length);
  const out: number[] = [];
  const copyFrom = (at: number): void => {
    for (let i = at; i < r.pos; i++) out.push(body[i]!);
  };
  const u32 = (): number => {
    const at = r.pos;
    const v = r.u32();
    copyFrom(at);
    return v;
  };
  const expr = (): void => {
    const e = rewriteConstExpr(body, r.pos, map);
    out.push(...e.out);
    r.pos = e.next;
  };
  for (let n = u32(); n > 0; n--) {
    const flags = u32();
    if (flags > 7) throw new Error(`mutate: element segment flags ${flags}`);
    if (flags === 2 || flags === 6) u32(); // explicit table index
    if ((flags & 0x01) === 0) expr(); // active: offset expression
    const at = r.pos;
    if (flags & 0x04) {
      if (flags & 0x03) readValType(r); // reference type (may be a multi-byte typed reference)
      copyFrom(at);
      for (let k = u32(); k > 0; k--) expr();
    } else {
      if (flags & 0x03) r.byte(); // elemkind 0x00 (funcref)
      copyFrom(at);
      const count = u32();
      for (let k = 0; k < count; k++) out.push(...uleb(map(r.u32())));
    }
  }
  return out;
}
