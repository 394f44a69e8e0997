/**
 * The sections that name functions by index, rewritten with every function index mapped through
 * `map` (lower-import.ts shifts them by one when it adds a function import): globals and
 * element segments (constant expressions: `ref.func`), exports, and the code (lower-code-walk.ts).
 * Everything else in those sections is copied byte for byte.
 */
import { readU32, uleb } from '../../wasm/leb.ts';
import { rewriteBody, rewriteConstExpr } from './lower-code-walk.ts';

export { readU32 } from '../../wasm/leb.ts';


export function renumberElements(body: Uint8Array, map: (f: number) => number): number[] {
  let [n, pos] = readU32(body, 0);
  const out = [...uleb(n)];
  const copyU32 = (): number => {
    const [v, at] = readU32(body, pos);
    out.push(...body.subarray(pos, at));
    pos = at;
    return v;
  };
  const expr = (): void => {
    const r = rewriteConstExpr(body, pos, map);
    out.push(...r.out);
    pos = r.next;
  };
  const funcIndices = (): void => {
    const [count, at] = readU32(body, pos);
    out.push(...uleb(count));
    pos = at;
    for (let i = 0; i < count; i++) {
      const [f, next] = readU32(body, pos);
      out.push(...uleb(map(f)));
      pos = next;
    }
  };
  const exprs = (): void => {
    const count = copyU32();
    for (let i = 0; i < count; i++) expr();
  };
  for (; n > 0; n--) {
    const flags = copyU32();
    if (flags & 0x02 && !(flags & 0x01)) copyU32(); // explicit table index (flags 2 and 6)
    if (!(flags & 0x01)) expr(); // active: offset expression
    if (flags & 0x04) {
      if (flags & 0x03) out.push(body[pos++]!); // reftype (single byte for funcref / externref)
      exprs();
    } else {
      if (flags & 0x03) out.push(body[pos++]!); // elemkind
      funcIndices();
    }
  }
  return out;
}

export function renumberGlobals(body: Uint8Array, map: (f: number) => number): number[] {
  let [n, pos] = readU32(body, 0);
  const out = [...uleb(n)];
  for (; n > 0; n--) {
    const t = body[pos++]!;
    out.push(t);
    if (t === 0x63 || t === 0x64) {
      const [, at] = readU32(body, pos);
      out.push(...body.subarray(pos, at));
      pos = at;
    }
    out.push(body[pos++]!); // mutability
    const r = rewriteConstExpr(body, pos, map);
    out.push(...r.out);
    pos = r.next;
  }
  return out;
}

export function renumberExports(body: Uint8Array, map: (f: number) => number): number[] {
  let [n, pos] = readU32(body, 0);
  const out = [...uleb(n)];
  for (; n > 0; n--) {
    const [len, at] = readU32(body, pos);
    out.push(...body.subarray(pos, at + len));
    pos = at + len;
    const kind = body[pos++]!;
    const [index, next] = readU32(body, pos);
    pos = next;
    out.push(kind, ...uleb(kind === 0x00 ? map(index) : index));
  }
  return out;
}

export function renumberCode(body: Uint8Array, map: (f: number) => number): number[] {
  let [n, pos] = readU32(body, 0);
  const out = [...uleb(n)];
  for (; n > 0; n--) {
    const [size, at] = readU32(body, pos);
    const f = rewriteBody(body, at, at + size, map);
    out.push(...uleb(f.length), ...f);
    pos = at + size;
  }
  return out;
}

/**
 * Section `id`'s body with function indices moved by `map`, for the sections that name functions
 * outside code (globals, exports, start, elements); undefined for every other section. `refs`
 * maps the indices a `ref.func` may take (globals' and elements' initialisers) when the caller
 * also records them.
 */
export function renumberedSection(id: number, body: Uint8Array, map: (f: number) => number, refs: (f: number) => number = map): number[] | undefined {
  switch (id) {
    case 6:
      return renumberGlobals(body, refs);
    case 7:
      return renumberExports(body, map);
    case 8:
      return uleb(map(readU32(body, 0)[0]));
    case 9:
      return renumberElements(body, refs);
    default:
      return undefined;
  }
}
