/**
 * What a Lunatic-style process module goes through before it runs (src/runtime/process/):
 *
 *   1. fuel metering (src/wasm/instrument/fuel.ts): every function entry and loop header charges
 *      the `trapcheck_fuel` global; running dry calls `trapcheck:fuel.exhausted`, which is a
 *      *fuel slice* (Lunatic injects fuel every 100k instructions and yields);
 *   2. binaryen Asyncify over the imports that can suspend a process (`receive`, `sleep_ms`), so
 *      the host can park a process at a yield point and resume it later on the same worker:
 *      processes interleave deterministically with no threads;
 *
 * Steps 1–3 are the shared suspension instrumentation (src/wasm/instrument/suspend.ts), which
 * async core calls (src/runtime/calls/) use too.
 *   3. the memory is exported (as `trapcheck_memory` when the module does not export it), so the
 *      host can read strings, tags and params and the asyncify data.
 *
 * The per-process memory limit is applied afterwards to the emitted bytes (`withMemoryLimit`): the
 * memory's maximum becomes min(declared maximum, limit), so V8's own `memory.grow` returns -1
 * past the limit, exactly like wasmtime's ResourceLimiter returning false in Lunatic.
 */
import { MEMORY_EXPORT } from '../../wasm/instrument/fuel-abi.ts';
import type { SuspendableModule } from '../../wasm/instrument/suspend.ts';
import { instrumentSuspendable } from '../../wasm/instrument/suspend.ts';

export { MEMORY_EXPORT };
/** Imports that may suspend the calling process (asyncify-imports). */
export const ASYNC_IMPORTS = ['lunatic::message.receive', 'lunatic::process.sleep_ms'];

export class ProcessInstrumentError extends Error {
  override name = 'ProcessInstrumentError';
}

export type ProcessModuleInfo = Omit<SuspendableModule, 'addedMemory'>;

/** Fuel slices do not park a process (see host.ts `fuelExhausted`), so only the blocking imports suspend. */
export function instrumentProcessModule(bytes: Uint8Array): ProcessModuleInfo {
  try {
    const { addedMemory: _, ...info } = instrumentSuspendable(bytes, { fuel: true, asyncImports: ASYNC_IMPORTS, addMemory: false });
    return info;
  } catch (e) {
    throw new ProcessInstrumentError(`process instrumentation: ${e instanceof Error ? e.message.replace(/^suspend instrumentation: /, '') : String(e)}`);
  }
}

// --- memory limit: a rewrite of the memory section's limits ------------------------------------

function readLeb(b: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = b[i++]!;
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [result, i];
  }
}

function leb(v: number): number[] {
  const out: number[] = [];
  let x = v;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x !== 0) byte |= 0x80;
    out.push(byte);
  } while (x !== 0);
  return out;
}

/**
 * The module with its (single, defined) memory's maximum lowered to `maxPages` (never raised).
 * Bytes without a memory section are returned as they are.
 */
export function withMemoryLimit(bytes: Uint8Array, maxPages: number): Uint8Array {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, payload] = readLeb(bytes, at + 1);
    if (id === 5) {
      const [count, p0] = readLeb(bytes, payload);
      if (count !== 1) return bytes;
      const flags = bytes[p0]!;
      if (flags & 0x04) return bytes; // memory64: not ours to touch
      const [initial, p1] = readLeb(bytes, p0 + 1);
      let declaredMax: number | undefined;
      let end = p1;
      if (flags & 1) [declaredMax, end] = readLeb(bytes, p1);
      const max = Math.min(declaredMax ?? 65536, maxPages);
      if (declaredMax !== undefined && max === declaredMax) return bytes;
      const body = [...leb(1), (flags | 1) & 0xff, ...leb(initial), ...leb(Math.max(max, initial))];
      const rest = bytes.subarray(end, payload + size);
      const section = [5, ...leb(body.length + rest.length), ...body];
      const out = new Uint8Array(at + section.length + rest.length + (bytes.length - (payload + size)));
      out.set(bytes.subarray(0, at), 0);
      out.set(section, at);
      out.set(rest, at + section.length);
      out.set(bytes.subarray(payload + size), at + section.length + rest.length);
      return out;
    }
    at = payload + size;
  }
  return bytes;
}
