/**
 * A thin wrapper over binaryen.js (npm `binaryen` 132) for generators: one module per call (built
 * in a binaryen module reused across calls and emptied in between: ./module-reuse.ts), the
 * feature set derived from the case's declared features, validate-then-emit. Emitted bytes are a
 * pure function of what the `define` callback does: no names section, no debug info, no
 * optimisation passes, so the same parameters give the same sha256 on every run and machine
 * (DESIGN §6), whatever was built before in the same module.
 *
 * binaryen.js 132 gotchas this file absorbs (reference/feasibility-node20.md §1):
 *   - `Features.BulkMemory` without `Features.BulkMemoryOpt` aborts in C++: both are set together;
 *   - `validate()` returns 0/1 and prints the reason on stderr; we throw an error naming the generator;
 *   - `table.fill` / `table.copy` have no JS constructors (index.d.ts: "TODO"): see `patchBytes`;
 *   - `ref.func(name, type)` needs the function's heap type (`funcHeapType`), or binaryen asserts;
 *   - the global optimize level (default 2) makes emitBinary optimise Stack IR: we emit at level 0.
 */
import binaryen from './binaryen.ts';
import type { Feature } from '../features.ts';
import type { WasmValue } from '../outcome.ts';
import { textToNumber } from '../values.ts';
import type { ReuseStats } from './module-reuse.ts';
import { ModuleReuse } from './module-reuse.ts';

export { binaryen };
export type BModule = binaryen.Module;
export type Expr = binaryen.ExpressionRef;
export type BType = binaryen.Type;

const F = binaryen.Features;

/** binaryen feature flags for trapcheck features. Host-only features (wasi, fuel …) map to nothing. */
const FEATURE_FLAGS: Partial<Record<Feature, number>> = {
  'mutable-globals': F.MutableGlobals,
  'sign-ext': F.SignExt,
  'nontrapping-fptoint': F.NontrappingFPToInt,
  'multi-value': F.Multivalue,
  'bulk-memory': F.BulkMemory | F.BulkMemoryOpt,
  'reference-types': F.ReferenceTypes,
  simd: F.SIMD128,
  threads: F.Atomics,
  'tail-call': F.TailCall,
  'extended-const': F.ExtendedConst,
  memory64: F.Memory64,
  'multi-memory': F.MultiMemory,
};

export function binaryenFeatures(features: readonly Feature[]): number {
  let flags = F.MVP;
  for (const f of features) flags |= FEATURE_FLAGS[f] ?? 0;
  // reference-types implies the bulk-memory table instructions in binaryen's validator.
  if (flags & F.ReferenceTypes) flags |= F.BulkMemory | F.BulkMemoryOpt;
  return flags;
}

/** A byte-level rewrite applied to the emitted binary (for instructions binaryen.js cannot construct). */
export interface BytePatch {
  find: readonly number[];
  replace: readonly number[];
}

export class BuildError extends Error {
  override name = 'BuildError';
}

/** This thread's reused binaryen module (./module-reuse.ts): a fresh wrapper costs more than a build. */
const modules = new ModuleReuse();

/**
 * Builds one module: `define` adds everything to an empty binaryen module, which is validated
 * and emitted. Throws a BuildError naming `generator` when binaryen rejects what was built
 * (a generator bug, never a property of the case).
 *
 * The binaryen module is reused across builds (emptied in between; ./module-reuse.ts). It may
 * still hold the previous build's memory, which `setMemory` replaces: a `define` that does not
 * call `setMemory` is run again on a fresh module, so it must not depend on having run before
 * (every generator's define calls setMemory; test/wasm/module-reuse.test.ts checks it).
 */
export function buildModule(
  generator: string,
  features: readonly Feature[],
  define: (m: BModule) => void,
  patches: readonly BytePatch[] = [],
): Uint8Array {
  const flags = binaryenFeatures(features);
  let bytes = modules.build(
    (m) => {
      m.setFeatures(flags);
      define(m);
    },
    (m) => validateAndEmit(generator, m),
  );
  for (const p of patches) bytes = patchBytes(generator, bytes, p);
  return bytes;
}

/** How this thread's builds were served (module reuse, rebuilds, discards). */
export function moduleReuseStats(): Readonly<ReuseStats> {
  return modules.stats;
}

/** Disposes this thread's reused module: the next build starts on a fresh one (tests compare the two). */
export function discardReusedModule(): void {
  modules.dispose();
}

function validateAndEmit(generator: string, m: BModule): Uint8Array {
  if (!m.validate()) {
    let text = '';
    try {
      text = m.emitText();
    } catch {
      /* keep the original error */
    }
    throw new BuildError(
      `generator ${generator}: binaryen rejected the module it built (validation failed; binaryen printed the reason on stderr)` +
        (text ? `\n${text.slice(0, 4000)}` : ''),
    );
  }
  return emitUnoptimised(m);
}

/**
 * emitBinary() at optimize level 0. At binaryen's default level (2) the writer also generates
 * and optimises Stack IR, which costs about half of the emit time and would make the bytes
 * depend on global state other code (instrumentation passes) may change. The levels are global,
 * so they are restored afterwards.
 */
export function emitUnoptimised(m: BModule): Uint8Array {
  const opt = binaryen.getOptimizeLevel();
  const shrink = binaryen.getShrinkLevel();
  if (opt === 0 && shrink === 0) return m.emitBinary();
  binaryen.setOptimizeLevel(0);
  binaryen.setShrinkLevel(0);
  try {
    return m.emitBinary();
  } finally {
    binaryen.setOptimizeLevel(opt);
    binaryen.setShrinkLevel(shrink);
  }
}

/**
 * Replaces the single occurrence of `find` with `replace` (same length, so no section size or
 * LEB128 length changes). Generators use it to turn a placeholder sequence binaryen can emit
 * (`drop`s of the operands) into an instruction binaryen.js cannot build (`table.fill`).
 * Throws unless there is exactly one occurrence: a patch never guesses.
 */
export function patchBytes(generator: string, bytes: Uint8Array, patch: BytePatch): Uint8Array {
  const { find, replace } = patch;
  if (find.length !== replace.length) throw new BuildError(`generator ${generator}: byte patch changes the length`);
  let at = -1;
  outer: for (let i = 0; i + find.length <= bytes.length; i++) {
    for (let j = 0; j < find.length; j++) if (bytes[i + j] !== find[j]) continue outer;
    if (at !== -1) throw new BuildError(`generator ${generator}: byte patch placeholder occurs more than once`);
    at = i;
  }
  if (at === -1) throw new BuildError(`generator ${generator}: byte patch placeholder not found`);
  const out = bytes.slice();
  out.set(replace, at);
  return out;
}

/** Signed LEB128 encoding of an i32 (for `i32.const` immediates in byte patches). */
export function sleb32(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** `i32.const v` as bytes. */
export function i32ConstBytes(v: number): number[] {
  return [0x41, ...sleb32(v)];
}

/** The heap type `ref.func` needs for a function already added to `m`. */
export function funcHeapType(m: BModule, name: string): number {
  return binaryen.getFunctionInfo(m.getFunction(name)).type as unknown as number;
}

/** WAT for a module's bytes, on demand (slow: never call it while generating). */
export function moduleText(bytes: Uint8Array): string {
  const m = binaryen.readBinary(bytes);
  try {
    m.setFeatures(F.All);
    return m.emitText();
  } finally {
    m.dispose();
  }
}

/** `i64.const` from a bigint (binaryen 132 rejects the old (low, high) form). */
export function i64c(m: BModule, v: bigint): Expr {
  return m.i64.const(BigInt.asIntN(64, v) as unknown as number);
}

/** A constant of a numeric type. f32/f64 by value; NaN payloads through `constBits`. */
export function numConst(m: BModule, type: 'i32' | 'i64' | 'f32' | 'f64', v: number | bigint): Expr {
  switch (type) {
    case 'i32':
      return m.i32.const(Number(v) | 0);
    case 'i64':
      return i64c(m, BigInt(v));
    case 'f32':
      return m.f32.const(Number(v));
    case 'f64':
      return m.f64.const(Number(v));
  }
}

/** A float constant from raw bits (NaN payloads survive exactly). */
export function floatBits(m: BModule, type: 'f32' | 'f64', bits: bigint): Expr {
  return type === 'f32'
    ? m.f32.const_bits(Number(BigInt.asUintN(32, bits)) | 0)
    : m.f64.const_bits(BigInt.asIntN(64, bits) as unknown as number);
}

export function binaryenType(type: 'i32' | 'i64' | 'f32' | 'f64' | 'none'): BType {
  switch (type) {
    case 'i32':
      return binaryen.i32;
    case 'i64':
      return binaryen.i64;
    case 'f32':
      return binaryen.f32;
    case 'f64':
      return binaryen.f64;
    case 'none':
      return binaryen.none;
  }
}

/** Bits of a numeric WasmValue's text (`nan:0x…` payloads kept exactly), as i32.const / i64.const immediates take them. */
function f32ConstBits(text: string): number {
  if (text.startsWith('nan:0x')) return Number(BigInt(text.slice(4))) | 0;
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, textToNumber('f32', text));
  return dv.getInt32(0);
}
function f64ConstBits(text: string): bigint {
  if (text.startsWith('nan:0x')) return BigInt.asIntN(64, BigInt(text.slice(4)));
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, textToNumber('f64', text));
  return dv.getBigInt64(0);
}

/** A numeric WasmValue as a constant expression (floats by their bits, so NaN payloads survive). */
export function valueConst(m: BModule, a: WasmValue): Expr {
  switch (a.type) {
    case 'i32':
      return m.i32.const(Number(BigInt.asIntN(32, BigInt(a.value))));
    case 'i64':
      return i64c(m, BigInt(a.value));
    case 'f32':
      return m.f32.reinterpret(m.i32.const(f32ConstBits(a.value)));
    default:
      return m.f64.reinterpret(i64c(m, f64ConstBits(a.value)));
  }
}
