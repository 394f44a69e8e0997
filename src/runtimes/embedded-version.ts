/**
 * The version of a Rust crate compiled into a binary, read from the binary itself. wizer embeds
 * wasmtime but does not say which one (`wizer --version` prints wizer's own version, and wizer 11
 * has no --version at all); its panic messages keep the cargo source paths, e.g.
 * `.../index.crates.io-…/wasmtime-42.0.1/src/runtime/…`, which is what `strings wizer | grep
 * wasmtime-` shows. The crate named exactly `wasmtime` (not `wasmtime-wasi-…`) is the runtime;
 * the most frequent version wins in case an unrelated older copy is linked in too.
 */
import { readFile } from 'node:fs/promises';

export async function embeddedCrateVersion(binary: string, crate: string): Promise<string | undefined> {
  const text = (await readFile(binary)).toString('latin1');
  const escaped = crate.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const counts = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`[/\\\\]${escaped}-(\\d+\\.\\d+\\.\\d+)[/\\\\]`, 'g'))) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}
