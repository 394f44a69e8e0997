/**
 * The byte sink of context encoding and the module additions it accumulates: the context's
 * locals (numbered after the wrapped function's), appended function types (deduplicated), the
 * identity function and the funcref table holding it, and the wasm features all of it needs.
 */
import type { Feature } from '../../src/features.ts';
import { pushSleb, pushUleb, uleb } from '../../src/wasm/leb.ts';
import type { NewFunction } from '../../src/wasm/append.ts';
import type { SigType } from '../../src/wasm/signatures.ts';
import type { FunctionShape } from '../../src/wasm/wrap-body.ts';
import type { Const, NumType } from './params.ts';

const CODES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

export class UnsupportedContext extends Error {
  override name = 'UnsupportedContext';
}

/** The value type code of a type a context can hold in a local (defaultable and single-byte). */
export function typeCode(t: SigType): number {
  const code = CODES[t];
  if (code === undefined) throw new UnsupportedContext(`generators.contexts: results of type ${t} cannot pass through a context`);
  return code;
}

export const isRef = (code: number): boolean => code === 0x70 || code === 0x6f;

/** Scratch space for float constants' bytes (encoding is synchronous, so one buffer serves all). */
const floatBytes = new DataView(new ArrayBuffer(8));

function sameCodes(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where each numeric type's two scratch slots sit in `Emitter.scratch`. */
const SCRATCH_KEY: Record<NumType, number> = { i32: 0, i64: 2, f32: 4, f64: 6 };

export class Emitter {
  readonly out: number[] = [];
  readonly locals: number[] = [];
  readonly types: Array<[number[], number[]]> = [];
  readonly features = new Set<Feature>();
  /** Value type codes of the wrapped function's results. */
  readonly results: number[];
  private identityIndex: number | undefined;
  table: number[] | undefined;
  /** Scratch locals by numeric type and slot (index `NUM_TYPES` position × 2 + slot). */
  private readonly scratch: Array<number | undefined> = [];

  constructor(readonly shape: FunctionShape) {
    this.results = shape.results.map(typeCode);
  }

  emit(...bytes: number[]): void {
    for (const b of bytes) this.out.push(b);
  }

  /** One byte (most emits: no rest-parameter array). */
  byte(b: number): void {
    this.out.push(b);
  }

  /** `op` then the unsigned LEB128 of an index (call, call_indirect, br_table's immediates). */
  opIndex(op: number, index: number): void {
    this.out.push(op);
    pushUleb(this.out, index);
  }

  /** The unsigned LEB128 of an index. */
  index(index: number): void {
    pushUleb(this.out, index);
  }

  /** `op` then the signed LEB128 of `v`, written in place (the hottest emit: every constant). */
  private emitSleb(op: number, v: number): void {
    this.out.push(op);
    pushSleb(this.out, v);
  }

  /** A fresh local of type `code`. */
  local(code: number): number {
    this.locals.push(code);
    return this.shape.localCount + this.locals.length - 1;
  }

  /** Scratch local `slot` of numeric type `t`, shared by all pure and dead code. */
  scratchLocal(t: NumType, slot = 0): number {
    const key = SCRATCH_KEY[t] + slot;
    let index = this.scratch[key];
    if (index === undefined) {
      index = this.local(CODES[t]!);
      this.scratch[key] = index;
    }
    return index;
  }

  typeIndex(params: number[], results: number[]): number {
    let i = 0;
    while (i < this.types.length && !(sameCodes(this.types[i]![0], params) && sameCodes(this.types[i]![1], results))) i++;
    if (i === this.types.length) this.types.push([params, results]);
    return this.shape.typeCount + i;
  }

  /** A block type: empty, one result, or (multi-value) a type index. */
  blockType(params: number[], results: number[]): number[] {
    const out: number[] = [];
    this.pushBlockType(out, params, results);
    return out;
  }

  /** `op` (block, loop, if) and its block type, written in place (no intermediate arrays). */
  open(op: number, params: number[], results: number[]): void {
    this.out.push(op);
    this.pushBlockType(this.out, params, results);
  }

  private pushBlockType(out: number[], params: number[], results: number[]): void {
    if (params.length === 0 && results.length === 0) out.push(0x40);
    else if (params.length === 0 && results.length === 1) out.push(results[0]!);
    else {
      this.features.add('multi-value');
      pushSleb(out, this.typeIndex(params, results));
    }
  }

  /** The identity function over the results (appended once): its index. */
  identity(): number {
    if (this.identityIndex === undefined) {
      if (this.results.length > 1) this.features.add('multi-value');
      this.typeIndex(this.results, this.results);
      this.identityIndex = this.shape.funcCount;
    }
    return this.identityIndex;
  }

  /** The appended functions: the identity, if any construct called it. */
  identityFunctions(): NewFunction[] {
    if (this.identityIndex === undefined) return [];
    const body = [...this.results.flatMap((_, i) => [0x20, ...uleb(i)]), 0x0b];
    return [{ type: this.typeIndex(this.results, this.results), locals: [], body }];
  }

  /** The table holding the identity function at slot 0: its index. */
  identityTable(): number {
    this.table ??= [this.identity()];
    // a second table (call_indirect's table immediate ≠ 0, elem segment flag 2) is reference-types
    if (this.shape.tableCount > 0) this.features.add('reference-types');
    return this.shape.tableCount;
  }

  const(c: Const): void {
    this.constOf(CODES[c.t]!, c.v);
  }

  /** A constant of value type `code` derived from `v` (never observed: only its type matters). */
  constOf(code: number, v: number): void {
    switch (code) {
      case 0x7f:
        return this.emitSleb(0x41, v | 0);
      case 0x7e:
        return this.emitSleb(0x42, Math.trunc(v));
      case 0x7d:
        floatBytes.setFloat32(0, v, true);
        this.out.push(0x43);
        for (let i = 0; i < 4; i++) this.out.push(floatBytes.getUint8(i));
        return;
      case 0x7c:
        floatBytes.setFloat64(0, v, true);
        this.out.push(0x44);
        for (let i = 0; i < 8; i++) this.out.push(floatBytes.getUint8(i));
        return;
      case 0x7b:
        this.features.add('simd');
        return this.emit(0xfd, ...uleb(12), ...new Array<number>(16).fill(v & 0xff));
      default:
        this.features.add('reference-types');
        return this.emit(0xd0, code);
    }
  }

  i32(v: number): void {
    this.emitSleb(0x41, v | 0);
  }

  localOp(op: 0x20 | 0x21 | 0x22, index: number): void {
    this.out.push(op);
    pushUleb(this.out, index);
  }

  /** A counted loop's back edge: `--counter != 0` branches to the loop's own label. */
  backEdge(counter: number): void {
    this.localOp(0x20, counter);
    this.out.push(0x41, 1, 0x6b); // i32.const 1; i32.sub
    this.localOp(0x22, counter);
    this.out.push(0x0d, 0x00);
  }
}
