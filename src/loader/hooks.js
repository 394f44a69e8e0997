// ESM loader hooks that run trapcheck's TypeScript directly: `.ts` files are transformed with
// esbuild (types erased, nothing else); every other module loads untouched. We do not use a
// general-purpose loader (tsx) because it rewrites *every* module it loads: binaryen's 14.8 MB
// index.js took ~10 s to import through it, against ~0.4 s without.
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = new URL(url);
  const source = await readFile(path, 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path.pathname,
    // Inline maps cost nothing unless source maps are enabled (NODE_OPTIONS=--enable-source-maps).
    sourcemap: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
