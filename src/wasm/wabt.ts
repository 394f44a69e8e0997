/**
 * WAT ↔ binary through the `wabt` npm package (wabt.js, an emscripten build of WABT).
 * The wabt module is a ~1 MB wasm instance, so it is loaded once, lazily, on first use.
 * Errors are user input errors: one line, `<file>:<line>:<col>: <wabt's message>`.
 */
import { TrapcheckError } from '../errors.ts';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
type WabtFeatures = NonNullable<Parameters<Wabt['parseWat']>[2]>;

/**
 * Every proposal a corpus or generated case may use. Enabling a feature only widens what the
 * text parser and validator accept; it never changes the binary of a module that does not use it.
 */
export const WABT_FEATURES: Readonly<WabtFeatures> = Object.freeze({
  exceptions: true,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  threads: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
  extended_const: true,
});

let wabtPromise: Promise<Wabt> | undefined;

/** The shared wabt instance (loaded on first call). */
export function loadWabt(): Promise<Wabt> {
  wabtPromise ??= import('wabt').then((m) => m.default());
  return wabtPromise;
}

/**
 * wabt reports `parseWat failed:\n<file>:<line>:<col>: error: <message>\n<source line>\n<caret>`.
 * Keep the first diagnostic only, as `<file>:<line>:<col>: <message>`.
 */
function watErrorMessage(raw: string, file: string): string {
  const lines = raw.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const m = /^(.*):(\d+):(\d+): (?:error: )?(.*)$/.exec(line);
    if (m) return `${file}:${m[2]}:${m[3]}: ${m[4]}`;
  }
  const first = lines.find((l) => !/^(parseWat|validate|resolveNames|toBinary) failed:?$/.test(l)) ?? lines[0] ?? 'unknown error';
  return `${file}: ${first}`;
}

/**
 * Assembles WAT text to a validated binary. `file` names the source in error messages
 * (and is what wabt prints positions against).
 */
export async function watToBinary(text: string, file = 'module.wat'): Promise<Uint8Array> {
  const wabt = await loadWabt();
  let mod: ReturnType<Wabt['parseWat']> | undefined;
  try {
    mod = wabt.parseWat(file, text, { ...WABT_FEATURES });
    mod.resolveNames();
    // wabt.js's `validate` takes the feature set too (its typings omit the parameter);
    // without it the validator falls back to wabt's defaults and rejects shared memories.
    (mod.validate as (features?: WabtFeatures) => void)({ ...WABT_FEATURES });
    const { buffer } = mod.toBinary({ log: false, canonicalize_lebs: true, relocatable: false, write_debug_names: true });
    // Copy out of the wabt heap view so the bytes survive `destroy()`.
    return new Uint8Array(buffer);
  } catch (e) {
    throw new TrapcheckError('INVALID_WAT', watErrorMessage(e instanceof Error ? e.message : String(e), file));
  } finally {
    mod?.destroy();
  }
}

/**
 * Disassembles a binary to WAT (for `trapcheck gen` output and reports). Names from the name
 * section are kept; the module is decoded but not validated, so an invalid-but-decodable module
 * still prints, while a malformed one is an INVALID_MODULE error.
 */
export async function binaryToWat(bytes: Uint8Array, options: { foldExprs?: boolean; file?: string } = {}): Promise<string> {
  const wabt = await loadWabt();
  let mod: ReturnType<Wabt['readWasm']> | undefined;
  try {
    mod = wabt.readWasm(bytes, { readDebugNames: true, check: true, ...WABT_FEATURES });
    mod.generateNames();
    mod.applyNames();
    return mod.toText({ foldExprs: options.foldExprs ?? false, inlineExport: true });
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const first = raw.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/failed:?$/.test(l)) ?? raw;
    // wabt's binary diagnostics read `<hex offset>: error: <message>`.
    const m = /^([0-9a-f]+): (?:error: )?(.*)$/.exec(first);
    const detail = m ? `${m[2]} (at byte 0x${m[1]!.replace(/^0+(?=.)/, '')})` : first;
    throw new TrapcheckError('INVALID_MODULE', `${options.file ?? 'module.wasm'}: ${detail}`);
  } finally {
    mod?.destroy();
  }
}
