/**
 * Module text → binary for spec scripts, through the shared wabt instance (src/wasm/wabt.ts).
 * Spec scripts use every proposal's syntax, so all of wabt's features are on; whether the engine
 * supports a feature is decided elsewhere (features.ts). The assembler does not validate: an
 * `assert_invalid` module must reach the engine, which is what is under test.
 */
import { WABT_FEATURES, loadWabt } from '../../wasm/wabt.ts';

type Wabt = Awaited<ReturnType<typeof loadWabt>>;

// Everything corpus cases may use, plus the proposals only spec scripts exercise: the
// assembler must parse them so the engine (not the text parser) decides what runs.
const ALL_FEATURES = {
  ...WABT_FEATURES,
  annotations: true,
  code_metadata: false,
  function_references: true,
  gc: true,
  memory64: true,
  multi_memory: true,
  relaxed_simd: true,
} as const;

let wabt: Wabt | undefined;

/** Loads wabt once; `assembleText` is synchronous afterwards. */
export async function initAssembler(): Promise<void> {
  wabt ??= await loadWabt();
}

export type Assembled = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Parses module text and encodes it (names resolved, not validated). */
export function assembleText(text: Uint8Array, file: string): Assembled {
  if (!wabt) throw new Error('assembleText: call initAssembler() first');
  let mod: ReturnType<Wabt['parseWat']> | undefined;
  try {
    mod = wabt.parseWat(file, text, { ...ALL_FEATURES });
    mod.resolveNames();
    const { buffer } = mod.toBinary({ log: false, canonicalize_lebs: true, relocatable: false, write_debug_names: false });
    return { ok: true, bytes: new Uint8Array(buffer) };
  } catch (e) {
    return { ok: false, error: firstDiagnostic(e instanceof Error ? e.message : String(e)) };
  } finally {
    mod?.destroy();
  }
}

/** wabt prints `parseWat failed:\n<file>:<line>:<col>: error: <msg>\n<source>\n<caret>`; keep the first diagnostic. */
function firstDiagnostic(raw: string): string {
  const lines = raw.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const m = /^(.*:\d+:\d+): (?:error: )?(.*)$/.exec(line);
    if (m) return `${m[1]}: ${m[2]}`;
  }
  return lines.find((l) => !/failed:?$/.test(l)) ?? lines[0] ?? 'unknown assembler error';
}

/**
 * The text wabt prints for a binary module (for feature detection only); undefined when wabt
 * cannot read it (then the engine alone decides).
 */
export function disassemble(bytes: Uint8Array): string | undefined {
  if (!wabt) throw new Error('disassemble: call initAssembler() first');
  let mod: ReturnType<Wabt['readWasm']> | undefined;
  try {
    mod = wabt.readWasm(bytes, { readDebugNames: false, check: false, ...ALL_FEATURES });
    return mod.toText({ foldExprs: false, inlineExport: false });
  } catch {
    return undefined;
  } finally {
    mod?.destroy();
  }
}
