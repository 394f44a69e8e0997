/**
 * Module text → binary for spec scripts, through the shared wabt instance (src/wasm/wabt.ts).
 * Spec scripts use every proposal's syntax, so all of wabt's features are on; whether the engine
 * supports a feature is decided elsewhere (features.ts). The assembler does not validate: an
 * `assert_invalid` module must reach the engine, which is what is under test.
 */
import { WABT_FEATURES, loadWabt } from '../../wasm/wabt.ts';
import { restoreDataMemoryIndices } from './data-memory.ts';
import { assembleWithWasmTools, initWasmTools, wasmToolsAvailable } from './wasm-tools.ts';
import type { SNode } from './sexpr.ts';
import { isAtom, isList, readSExprs, SourceText } from './sexpr.ts';

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

/** Loads wabt (and wasm-tools, the fallback) once; `assembleText` is synchronous afterwards. */
export async function initAssembler(): Promise<void> {
  wabt ??= await loadWabt();
  await initWasmTools();
}

/**
 * `limit`: the text could not be encoded faithfully by either assembler, or was rejected by
 * wasm-tools after wabt (when `fallback`): trapcheck's limit, never the text parser's verdict on
 * the module. `by` says which assembler made the bytes.
 */
export type Assembled = { ok: true; bytes: Uint8Array; by: 'wabt' | 'wasm-tools' } | { ok: false; error: string; limit?: true };

export interface AssembleOptions {
  /**
   * The module is well-formed text by the script's own account (a module to run, or an
   * `assert_invalid` one, which the spec interpreter parses with the whole script): when wabt
   * rejects it, that is wabt's gap (no syntax for GC, typed references …), so wasm-tools tries
   * next. Off for `assert_malformed`, where wabt's rejection is the text parser's verdict.
   */
  fallback?: boolean;
}

/**
 * Parses module text and encodes it (names resolved, not validated): wabt first; wasm-tools
 * where wabt encodes the module wrongly (typed references, a data segment whose memory index it
 * drops and that cannot be restored) or, with `fallback`, cannot read it.
 */
export function assembleText(text: Uint8Array, file: string, options: AssembleOptions = {}): Assembled {
  const first = assembleWithWabt(text, file);
  if (first.ok) return first;
  if (!first.limit && !options.fallback) return first;
  const second = assembleWithWasmTools(text);
  if (second.ok) return { ok: true, bytes: second.bytes, by: 'wasm-tools' };
  const why = wasmToolsAvailable() ? `wasm-tools: ${second.error}` : 'wasm-tools is not available';
  return { ok: false, limit: true, error: `${first.limit ? '' : 'wabt: '}${first.error}; ${why}` };
}

function assembleWithWabt(text: Uint8Array, file: string): Assembled {
  if (!wabt) throw new Error('assembleText: call initAssembler() first');
  let mod: ReturnType<Wabt['parseWat']> | undefined;
  try {
    mod = wabt.parseWat(file, text, { ...ALL_FEATURES });
    mod.resolveNames();
    // Checked after a successful parse: text wabt rejects stays the text parser's rejection.
    if (usesTypedReference(text, file))
      return { ok: false, limit: true, error: 'wabt 1.0.39 encodes a typed reference `(ref $t)` with the pre-standard opcode 0x6b (an engine reads it as `structref`), not 0x64' };
    const { buffer } = mod.toBinary({ log: false, canonicalize_lebs: true, relocatable: false, write_debug_names: false });
    try {
      return { ok: true, bytes: restoreDataMemoryIndices(new Uint8Array(buffer), text, file), by: 'wabt' };
    } catch (e) {
      return { ok: false, limit: true, error: `wabt.js drops data segments' memory indices and trapcheck could not restore them: ${e instanceof Error ? e.message : String(e)}` };
    }
  } catch (e) {
    return { ok: false, error: firstDiagnostic(e instanceof Error ? e.message : String(e)) };
  } finally {
    mod?.destroy();
  }
}

const TYPED_REF_HINT = /\(\s*ref\s+[$0-9]/;

/** True when the module text has a `(ref $t)` / `(ref N)` value type (cheap text test first, then the tree). */
function usesTypedReference(text: Uint8Array, file: string): boolean {
  const source = SourceText.fromBytes(file, text);
  if (!TYPED_REF_HINT.test(source.text)) return false;
  const visit = (n: SNode): boolean => {
    if (n.kind !== 'list') return false;
    if (isList(n, 'ref') && n.items.length === 2 && isAtom(n.items[1]) && /^[$0-9]/.test(n.items[1].text)) return true;
    return n.items.some(visit);
  };
  try {
    return readSExprs(source).some(visit);
  } catch {
    return false;
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
