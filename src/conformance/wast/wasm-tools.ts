/**
 * The second text assembler: wasm-tools' `wat` crate, as built into @bytecodealliance/jco-transpile
 * (already a dependency, for components). It reads every proposal the core suite uses (GC, typed
 * function references, exnref, wide arithmetic …) and encodes them in the standard binary form,
 * where wabt 1.0.39 has no syntax for them or writes a pre-standard encoding. It is used only
 * where wabt cannot do the job (assemble.ts says when); wabt stays the first assembler.
 *
 * jco-transpile exports wasm-tools' `parse` only as an async function (it awaits the component's
 * start-up on every call); the converter is synchronous, so the vendored component is loaded once
 * here and its synchronous `tools.parse` kept. If that file ever moves, this assembler is simply
 * unavailable (`available()` false) and modules only wabt could not read stay named skips.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Parse = (wat: string) => Uint8Array;

let parse: Parse | null | undefined;

/** Loads the component once (idempotent). Never throws: failure leaves the assembler unavailable. */
export async function initWasmTools(): Promise<void> {
  if (parse !== undefined) return;
  try {
    const entry = createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile/wasm-tools');
    const vendored = pathToFileURL(join(dirname(entry), '..', 'vendor', 'wasm-tools.js')).href;
    const m = (await import(vendored)) as { $init: Promise<void>; tools: { parse: Parse } };
    await m.$init;
    parse = (wat) => m.tools.parse(wat);
  } catch {
    parse = null;
  }
}

export function wasmToolsAvailable(): boolean {
  return typeof parse === 'function';
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Module text (UTF-8 bytes) → binary, or wasm-tools' reason for refusing it. */
export function assembleWithWasmTools(text: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  if (typeof parse !== 'function') return { ok: false, error: 'wasm-tools is not available' };
  let source: string;
  try {
    source = STRICT_UTF8.decode(text);
  } catch {
    return { ok: false, error: 'the text is not UTF-8' };
  }
  try {
    return { ok: true, bytes: parse(source) };
  } catch (e) {
    return { ok: false, error: wasmToolsMessage(e) };
  }
}

/** The component's error is a Rust Debug dump (`… kind: Custom("expected an instruction") …`): keep the message. */
function wasmToolsMessage(e: unknown): string {
  const raw = e instanceof Error ? `${e.message} ${String((e as { payload?: unknown }).payload ?? '')}` : String(e);
  const custom = /Custom\("((?:[^"\\]|\\.)*)"\)/.exec(raw);
  const line = /line: (\d+), col: (\d+)/.exec(raw);
  const where = line ? `${Number(line[1]) + 1}:${Number(line[2]) + 1}: ` : '';
  return `${where}${custom ? custom[1] : raw.replace(/\s+/g, ' ').slice(0, 200)}`;
}
