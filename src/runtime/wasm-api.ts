/**
 * Typed access to the host's WebAssembly JS API. The project compiles with `lib: ES2022` and
 * @types/node 20, neither of which declares the `WebAssembly` global, so the runtime declares
 * the part it uses here instead of pulling the whole DOM lib into every file's scope.
 */
export interface WasmModule {
  readonly [wasmModuleBrand]?: never;
}
declare const wasmModuleBrand: unique symbol;

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
export interface WasmGlobal {
  value: unknown;
}
export interface WasmTable {
  readonly length: number;
  get(index: number): unknown;
  set(index: number, value?: unknown): void;
  grow(delta: number, value?: unknown): number;
}
export type WasmExports = Record<string, unknown>;
export interface WasmInstance {
  readonly exports: WasmExports;
}
export type WasmExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
export interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: WasmExternKind;
}

type ErrorClass = new (message?: string) => Error;

export interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(m: WasmModule): WasmImportDescriptor[];
    exports(m: WasmModule): Array<{ name: string; kind: WasmExternKind }>;
  };
  Instance: new (m: WasmModule, imports?: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Global: new (d: { value: 'i32' | 'i64' | 'f32' | 'f64' | 'anyfunc' | 'externref'; mutable?: boolean }, v?: unknown) => WasmGlobal;
  Table: new (d: { element: 'anyfunc' | 'externref'; initial: number; maximum?: number }, value?: unknown) => WasmTable;
  CompileError: ErrorClass;
  LinkError: ErrorClass;
  RuntimeError: ErrorClass;
  /** Exception handling proposal (Node 20 ships it); absent on older engines. */
  Exception?: abstract new (...a: never[]) => object;
  validate(bytes: Uint8Array): boolean;
}

export const WA: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
