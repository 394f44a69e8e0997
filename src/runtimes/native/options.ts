/**
 * What discovery (src/runtimes/discovery.ts) hands a native runtime's factory: which binary, under
 * which versioned name. Every native adapter module exports one factory taking these options, so
 * discovery can list, version and start any of them the same way.
 */
export interface NativeRuntimeOptions {
  /** The runtime's name as users type it: `iwasm@2.4.5`, `iwasm-classic@2.4.5`, `wasmtime@42.0.1`. */
  name: string;
  /** The adapter family: `iwasm`, `wasm3`, `wazero`, `wasmtime`, `spidermonkey` (selects the profile). */
  kind: string;
  /** Absolute path of the executable that runs the modules (for wasmtime: the wizer binary). */
  binary: string;
  /** The version the binary itself reported (`2.4.5`, `0.9.0`, `42.0.1`, `102`). */
  version: string;
  /** The line the binary printed when asked for its version, kept for reports. */
  versionLine: string;
}
