/**
 * A parsed module for code that only reads it (walks functions and exports), without binaryen.js's
 * Module API object. `binaryen.readBinary` wraps every module it parses in that object (well over
 * a thousand closures, ~260 µs); parsing a generated module costs a few µs. The view holds the C
 * module and the handful of readers a walk needs, with binaryen.js's own signatures, so a walker
 * typed against `Pick<binaryen.Module, …>` accepts either.
 */
import binaryen from './binaryen.ts';

type BModule = binaryen.Module;

/** The read-only part of binaryen.Module a walk over functions and exports uses. */
export type ModuleReader = Pick<
  BModule,
  'ptr' | 'getNumFunctions' | 'getFunctionByIndex' | 'getNumExports' | 'getExportByIndex' | 'getNumGlobals' | 'getGlobalByIndex' | 'getFeatures' | 'setFeatures'
>;

export interface ModuleView extends ModuleReader {
  /** Frees the C module (binaryen's heap is manual memory). */
  dispose(): void;
}

const C = binaryen as unknown as Record<
  | '_malloc' | '_free' | '__i32_store' | '__i32_store8' | '_BinaryenModuleRead' | '_BinaryenModuleReadWithFeatures' | '_BinaryenModuleDispose'
  | '_BinaryenGetNumFunctions' | '_BinaryenGetFunctionByIndex' | '_BinaryenGetNumExports' | '_BinaryenGetExportByIndex'
  | '_BinaryenGetNumGlobals' | '_BinaryenGetGlobalByIndex' | '_BinaryenModuleGetFeatures' | '_BinaryenModuleSetFeatures',
  (...args: number[]) => number
>;
const exceptionMessage = (binaryen as unknown as { getExceptionMessage(e: unknown): [string, string] }).getExceptionMessage;

/** Copies `bytes` into binaryen's heap (4 bytes per call: no JS view of that heap is exported). */
function copyIn(bytes: Uint8Array): number {
  const at = C._malloc(Math.max(1, bytes.length));
  const words = bytes.length >> 2;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) C.__i32_store(at + 4 * i, dv.getInt32(4 * i, true));
  for (let i = words * 4; i < bytes.length; i++) C.__i32_store8(at + i, bytes[i]!);
  return at;
}

/**
 * Parses `bytes` as binaryen.readBinary does (with `features` when given) and returns a view;
 * throws an Error with binaryen's message when it cannot parse them. The caller disposes it.
 */
export function readModuleView(bytes: Uint8Array, features?: number): ModuleView {
  const input = copyIn(bytes);
  let p: number;
  try {
    p = features === undefined ? C._BinaryenModuleRead(input, bytes.length) : C._BinaryenModuleReadWithFeatures(input, bytes.length, features);
  } catch (e) {
    const message = e instanceof Error && e.message ? e.message : (exceptionMessage(e)?.[1] ?? String(e));
    throw new Error(message.replace('Fatal:', '').trim());
  } finally {
    C._free(input);
  }
  return {
    ptr: p,
    getNumFunctions: () => C._BinaryenGetNumFunctions(p),
    getFunctionByIndex: (i: number) => C._BinaryenGetFunctionByIndex(p, i),
    getNumExports: () => C._BinaryenGetNumExports(p),
    getExportByIndex: (i: number) => C._BinaryenGetExportByIndex(p, i),
    getNumGlobals: () => C._BinaryenGetNumGlobals(p),
    getGlobalByIndex: (i: number) => C._BinaryenGetGlobalByIndex(p, i),
    getFeatures: () => C._BinaryenModuleGetFeatures(p),
    setFeatures: (f: number) => void C._BinaryenModuleSetFeatures(p, f),
    dispose: () => void C._BinaryenModuleDispose(p),
  };
}
