/**
 * Wrapper modules: what makes v128 values and exact NaN payloads checkable on an engine whose JS
 * boundary cannot carry them (V8 rejects v128 in JS-visible signatures; an f32 signalling NaN is
 * quieted when it becomes a JS number). A wrapper imports the tested export from the (registered)
 * instance, passes the arguments as wasm constants (bit-exact) and returns every result as
 * integer bits: f32 → i32, f64 → i64, v128 → two i64 lanes (low, high). Host references cannot be
 * wasm constants, so they stay parameters of the wrapper. Built directly as a binary: no
 * assembler, no float text, byte-identical on every run.
 */
import type { SigType } from '../../wasm/signatures.ts';
import type { Const } from './script.ts';

export type WrapperCall =
  | { kind: 'func'; field: string; params: SigType[]; results: SigType[]; args: Const[] }
  | { kind: 'global'; field: string; type: SigType; mutable: boolean };

/** How one original result is laid out in the wrapper's results. */
export type ResultLayout = 'i32' | 'i64' | 'f32-bits' | 'f64-bits' | 'v128-lanes' | 'ref';

export function layoutOf(t: SigType): ResultLayout {
  switch (t) {
    case 'i32':
    case 'i64':
      return t;
    case 'f32':
      return 'f32-bits';
    case 'f64':
      return 'f64-bits';
    case 'v128':
      return 'v128-lanes';
    case 'funcref':
    case 'externref':
      return 'ref';
    default:
      throw new Error(`wrapper: value type ${t} cannot be wrapped`);
  }
}

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

function valtype(t: SigType): number {
  const b = VALTYPE[t];
  if (b === undefined) throw new Error(`wrapper: value type ${t} cannot be wrapped`);
  return b;
}

class Bytes {
  readonly out: number[] = [];
  byte(...b: number[]): this {
    this.out.push(...b);
    return this;
  }
  u32(v: number): this {
    let x = v >>> 0;
    do {
      const b = x & 0x7f;
      x >>>= 7;
      this.out.push(x ? b | 0x80 : b);
    } while (x);
    return this;
  }
  sleb(v: bigint): this {
    let x = v;
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0)) {
        this.out.push(b);
        return this;
      }
      this.out.push(b | 0x80);
    }
  }
  le(bits: bigint, n: number): this {
    let x = bits;
    for (let i = 0; i < n; i++) {
      this.out.push(Number(x & 0xffn));
      x >>= 8n;
    }
    return this;
  }
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.out.push(...b);
    return this;
  }
  vec(items: Bytes[]): this {
    this.u32(items.length);
    for (const i of items) this.out.push(...i.out);
    return this;
  }
  section(id: number, body: Bytes): this {
    this.byte(id).u32(body.out.length);
    this.out.push(...body.out);
    return this;
  }
}

/** Whether a constant can be written as a wasm constant instruction (host references cannot). */
export function isWasmConstant(c: Const): boolean {
  return c.type !== 'ref.extern' && c.type !== 'ref.host';
}

function constType(c: Const): SigType {
  switch (c.type) {
    case 'ref.null':
      return c.heap === 'extern' || c.heap === 'noextern' ? 'externref' : 'funcref';
    case 'ref.extern':
    case 'ref.host':
      return 'externref';
    default:
      return c.type;
  }
}

function emitConst(body: Bytes, c: Const): void {
  switch (c.type) {
    case 'i32':
      body.byte(0x41).sleb(BigInt.asIntN(32, c.bits));
      break;
    case 'i64':
      body.byte(0x42).sleb(BigInt.asIntN(64, c.bits));
      break;
    case 'f32':
      body.byte(0x43).le(c.bits, 4);
      break;
    case 'f64':
      body.byte(0x44).le(c.bits, 8);
      break;
    case 'v128':
      body.byte(0xfd).u32(12).byte(...c.bytes);
      break;
    case 'ref.null':
      body.byte(0xd0, valtype(constType(c)));
      break;
    default:
      throw new Error(`wrapper: ${c.type} is not a wasm constant`);
  }
}

function flatResults(results: SigType[]): SigType[] {
  const out: SigType[] = [];
  for (const t of results) {
    const l = layoutOf(t);
    if (l === 'f32-bits') out.push('i32');
    else if (l === 'f64-bits') out.push('i64');
    else if (l === 'v128-lanes') out.push('i64', 'i64');
    else out.push(t);
  }
  return out;
}

export interface Wrapper {
  bytes: Uint8Array;
  /** Per call: the wrapper export name and how the original results are laid out. */
  exports: Array<{ name: string; layout: ResultLayout[]; params: SigType[] }>;
}

/** Builds one wrapper module importing every call's export from `importModule`. */
export function buildWrapper(importModule: string, calls: readonly WrapperCall[]): Wrapper {
  const types: string[] = [];
  const typeBytes: Bytes[] = [];
  const typeIndex = (params: SigType[], results: SigType[]): number => {
    const key = `${params.join(',')}->${results.join(',')}`;
    let i = types.indexOf(key);
    if (i < 0) {
      i = types.length;
      types.push(key);
      typeBytes.push(new Bytes().byte(0x60).vec(params.map((p) => new Bytes().byte(valtype(p)))).vec(results.map((r) => new Bytes().byte(valtype(r)))));
    }
    return i;
  };

  // Imports: one per distinct (kind, field).
  const imports: Bytes[] = [];
  const funcImport = new Map<string, number>();
  const globalImport = new Map<string, number>();
  for (const c of calls) {
    if (c.kind === 'func' && !funcImport.has(c.field)) {
      funcImport.set(c.field, funcImport.size);
      imports.push(new Bytes().name(importModule).name(c.field).byte(0x00).u32(typeIndex(c.params, c.results)));
    }
    if (c.kind === 'global' && !globalImport.has(c.field)) {
      globalImport.set(c.field, globalImport.size);
      imports.push(new Bytes().name(importModule).name(c.field).byte(0x03, valtype(c.type), c.mutable ? 1 : 0));
    }
  }

  const funcs: Bytes[] = [];
  const codes: Bytes[] = [];
  const exportsOut: Wrapper['exports'] = [];
  const exportBytes: Bytes[] = [];
  calls.forEach((c, i) => {
    const results = c.kind === 'func' ? c.results : [c.type];
    const params = c.kind === 'func' ? c.args.filter((a) => !isWasmConstant(a)).map(constType) : [];
    funcs.push(new Bytes().u32(typeIndex(params, flatResults(results))));
    const name = `w${i}`;
    exportsOut.push({ name, layout: results.map(layoutOf), params });
    exportBytes.push(new Bytes().name(name).byte(0x00).u32(funcImport.size + i));

    const body = new Bytes();
    // locals: one temp per result, declared one by one (small counts)
    const locals = new Bytes().vec(results.map((t) => new Bytes().u32(1).byte(valtype(t))));
    const firstTemp = params.length;
    if (c.kind === 'func') {
      let p = 0;
      for (const a of c.args) {
        if (isWasmConstant(a)) emitConst(body, a);
        else body.byte(0x20).u32(p++);
      }
      body.byte(0x10).u32(funcImport.get(c.field)!);
    } else {
      body.byte(0x23).u32(globalImport.get(c.field)!);
    }
    for (let r = results.length - 1; r >= 0; r--) body.byte(0x21).u32(firstTemp + r);
    results.forEach((t, r) => {
      const local = firstTemp + r;
      switch (layoutOf(t)) {
        case 'f32-bits':
          body.byte(0x20).u32(local).byte(0xbc);
          break;
        case 'f64-bits':
          body.byte(0x20).u32(local).byte(0xbd);
          break;
        case 'v128-lanes':
          body.byte(0x20).u32(local).byte(0xfd).u32(29).byte(0);
          body.byte(0x20).u32(local).byte(0xfd).u32(29).byte(1);
          break;
        default:
          body.byte(0x20).u32(local);
      }
    });
    body.byte(0x0b);
    const code = new Bytes().byte(...locals.out, ...body.out);
    codes.push(new Bytes().u32(code.out.length).byte(...code.out));
  });

  const m = new Bytes().byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  m.section(1, new Bytes().vec(typeBytes));
  if (imports.length) m.section(2, new Bytes().vec(imports));
  m.section(3, new Bytes().vec(funcs));
  m.section(7, new Bytes().vec(exportBytes));
  m.section(10, new Bytes().vec(codes));
  return { bytes: Uint8Array.from(m.out), exports: exportsOut };
}
