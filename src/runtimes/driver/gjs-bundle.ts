/**
 * The driver as one ES module for gjs. gjs runs ES modules (`gjs -m`) but has no Node API and
 * loads no TypeScript, so esbuild bundles the very driver node, deno and bun run (driver.ts, with
 * the shared step executor and host layers) and swaps Node's modules for small gjs shims:
 * `node:process` / the global `process` → gjs-process.ts, `node:readline` → gjs-readline.ts,
 * `node:buffer` → gjs-buffer.ts, and the pool-only `node:fs|os|child_process|worker_threads` →
 * gjs-unavailable.ts; the global `URL` (absent in gjs) → gjs-url.ts. The bundle is content-addressed in the temp directory, so concurrent
 * runtimes share one file and a source change makes a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

const NODE_SHIMS: Readonly<Record<string, string>> = {
  'node:process': here('./gjs-process.ts'),
  'node:readline': here('./gjs-readline.ts'),
  'node:buffer': here('./gjs-buffer.ts'),
  'node:fs': here('./gjs-unavailable.ts'),
  'node:os': here('./gjs-unavailable.ts'),
  'node:child_process': here('./gjs-unavailable.ts'),
  'node:worker_threads': here('./gjs-unavailable.ts'),
};

/** The bundled driver's source text. */
export async function buildGjsDriver(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [here('./driver.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'firefox102',
    inject: [here('./gjs-process.ts'), here('./gjs-url.ts')],
    logLevel: 'silent',
    plugins: [
      {
        name: 'gjs-node-shims',
        setup(b) {
          b.onResolve({ filter: /^node:/ }, (args) => {
            const shim = NODE_SHIMS[args.path];
            if (!shim) return { errors: [{ text: `the gjs driver has no shim for ${args.path}` }] };
            return { path: shim };
          });
        },
      },
    ],
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no gjs driver');
  return out.text;
}

/** Path of the bundled driver, built on first use (and after any source change). */
export async function gjsDriverPath(): Promise<string> {
  const text = await buildGjsDriver();
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'trapcheck-gjs');
  const file = join(dir, `driver-${hash}.mjs`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, file);
  return file;
}
