// TypeScript → JavaScript for the loader: esbuild erases the types and changes nothing else. The
// result is cached on disk (ts-cache.js). esbuild is imported only on a miss: its import and the
// service process it starts cost every thread with the loader (CLI, reference children, case and
// generation workers) more than reading all its modules from the cache.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cacheKey, readEntry, sha256, writeEntry } from './ts-cache.js';

/** Inline maps cost nothing unless source maps are enabled (NODE_OPTIONS=--enable-source-maps). */
const OPTIONS = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline' };

/** This loader's own files: a change to how it transforms or caches must not reuse old entries. */
const LOADER_FILES = ['hooks.js', 'ts-transform.js', 'ts-cache.js'];

/** In the checkout's node_modules, where tools keep disposable caches. */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/trapcheck-ts/', import.meta.url));

/** `TRAPCHECK_TS_CACHE`: unset or empty → the default folder, `0` or `off` → no cache, else the folder. */
export function cacheDirFrom(env) {
  const set = env['TRAPCHECK_TS_CACHE'];
  if (set === undefined || set === '') return DEFAULT_CACHE_DIR;
  return set === '0' || set === 'off' ? undefined : set;
}

/** Everything but the source and its path that the output depends on; null when unknowable. */
function computeSalt() {
  try {
    const require = createRequire(import.meta.url);
    const esbuild = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
    const loader = sha256(LOADER_FILES.map((f) => readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')).join('\0'));
    return JSON.stringify({ esbuild, options: OPTIONS, loader });
  } catch {
    return null;
  }
}

let salt;
let esbuild;

export async function esbuildTransform(source, sourcefile) {
  esbuild ??= import('esbuild');
  const { code } = await (await esbuild).transform(source, { ...OPTIONS, sourcefile });
  return code;
}

/**
 * `source` (the text of `sourcefile`) as JavaScript, from the cache in `cacheDir` when there
 * (undefined: no cache), else from `transform` and then stored.
 */
export async function transformTypeScript(source, sourcefile, cacheDir, transform = esbuildTransform) {
  if (cacheDir === undefined) return transform(source, sourcefile);
  salt ??= computeSalt();
  if (salt === null) return transform(source, sourcefile);
  // the path is part of the output (the inline source map names it)
  const key = cacheKey(source, `${salt}\0${sourcefile}`);
  const hit = readEntry(cacheDir, key);
  if (hit !== undefined) return hit;
  const code = await transform(source, sourcefile);
  writeEntry(cacheDir, key, code);
  return code;
}
