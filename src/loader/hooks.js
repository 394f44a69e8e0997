// ESM loader hooks that run trapcheck's TypeScript directly: `.ts` files are transformed with
// esbuild (types erased, nothing else; cached on disk, see ts-transform.js); every other module
// loads untouched. We do not use a general-purpose loader (tsx) because it rewrites *every* module
// it loads: binaryen's 14.8 MB index.js took ~10 s to import through it, against ~0.4 s without.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cacheDirFrom, transformTypeScript } from './ts-transform.js';

const CACHE_DIR = cacheDirFrom(process.env);
const decoder = new TextDecoder();

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return decoded(await nextLoad(url, context));
  const path = fileURLToPath(url);
  // Synchronous: on the hooks thread a read of a small, page-cached file is cheaper than the
  // promise API's open/stat/read/close round trips.
  const source = readFileSync(path, 'utf8');
  return { format: 'module', source: await transformTypeScript(source, path, CACHE_DIR), shortCircuit: true };
}

/**
 * An ES module's source as text, decoded here on the hooks thread instead of on the importing
 * thread, which otherwise decodes the bytes itself (the same TextDecoder). binaryen's 14.8 MB
 * index.js is mostly a non-ASCII string literal: measured, this takes ~0.35 s off the importing
 * thread's import of binaryen (the hooks thread is idle meanwhile).
 */
function decoded(result) {
  if (result.format !== 'module' || result.source == null || typeof result.source === 'string') return result;
  return { ...result, source: decoder.decode(result.source) };
}
