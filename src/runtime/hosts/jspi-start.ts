/**
 * A metered module's start function under JSPI (issue #17). The fuel hook
 * (`trapcheck:fuel.exhausted`) is a `WebAssembly.Suspending` import, so that running dry can park a
 * call; but a start function runs inside instantiation, outside any promising export, and the JS API
 * refuses every call of a suspending import there with a SuspendError before the wrapped function
 * runs (js-promise-integration, document/js-api/index.bs, "create a suspending function": "If the
 * entry for async_context in map is not active"). The hook is trapcheck's instrumentation, not the
 * guest's, so a start function running dry must trap `out of fuel` as on every other host.
 *
 * So a metered module with a start function is instantiated without its start section, and the
 * start function then runs as an export through `WebAssembly.promising` (../start-export.ts;
 * segments are initialised before it, as the spec orders them). The guest's own suspending imports
 * are still refused there (jspi-calls.ts `runStart`), as the spec refuses them in a start function.
 * Unmetered modules keep their start section: their refusals are the engine's own.
 */
import { hasStartSection } from '../../wasm/sections.ts';
import { readSignatures } from '../../wasm/signatures.ts';
import { exportStartFunction } from '../start-export.ts';
import { WA } from '../wasm-api.ts';
import type { StartRewrite } from './modules.ts';
import type { CallRuntime, RunnableCase } from './types.ts';

/**
 * The rewrite for module `index` of a metered case, or null (unmetered, no start section, or the
 * instrumented bytes are not at hand: the module then instantiates as the plain host compiled it).
 */
export function meteredStartRewrite(c: RunnableCase, index: number, calls: CallRuntime | undefined): StartRewrite | null {
  const original = c.modules[index]?.bytes;
  if (c.fuel !== true || !calls || !original) return null;
  try {
    if (!hasStartSection(original)) return null;
    const metered = calls.instrument(original, { fuel: true, asyncify: false }).bytes;
    const rewritten = exportStartFunction(metered, new Set(readSignatures(metered).exports.keys()));
    return { module: new WA.Module(rewritten.bytes), name: rewritten.name };
  } catch {
    return null; // malformed, not instrumentable or not compilable: Modules.module reports that outcome
  }
}
