/**
 * Typed access to JS Promise Integration (JSPI): `WebAssembly.Suspending`, `WebAssembly.promising`
 * and `WebAssembly.SuspendError` (JS API, "JavaScript Promise Integration":
 * https://github.com/WebAssembly/js-promise-integration, document/js-api/index.bs). Deno 2.9 (V8 15)
 * and Bun 1.4 (JavaScriptCore) ship it without flags; Node 20 (V8 11) does not, so every access is
 * lazy and `jspiApi()` says why not.
 */

export interface JspiApi {
  /** Marks an import: a call from wasm waits (suspends the wasm stack) until the returned value, awaited, settles. */
  Suspending: new (fn: (...a: never[]) => unknown) => object;
  /** Wraps an exported wasm function: the call runs on its own stack and returns a Promise of the result. */
  promising(fn: (...a: never[]) => unknown): (...a: unknown[]) => Promise<unknown>;
  SuspendError: new (message?: string) => Error;
}

type MaybeJspi = Partial<JspiApi>;

/** The engine's JSPI, or the reason it has none. */
export function jspiApi(): JspiApi | string {
  const wa = (globalThis as unknown as { WebAssembly: MaybeJspi }).WebAssembly;
  if (typeof wa.Suspending !== 'function') return 'this engine has no WebAssembly.Suspending (JS Promise Integration)';
  if (typeof wa.promising !== 'function') return 'this engine has no WebAssembly.promising (JS Promise Integration)';
  if (typeof wa.SuspendError !== 'function') return 'this engine has no WebAssembly.SuspendError (JS Promise Integration)';
  return wa as JspiApi;
}

/** True when `e` is the engine's SuspendError (an engine without JSPI has none). */
export function isSuspendError(e: unknown): boolean {
  const api = jspiApi();
  return typeof api !== 'string' && e instanceof api.SuspendError;
}
