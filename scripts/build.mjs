#!/usr/bin/env node
// `npm run build`: the published form of trapcheck in dist/ — compiled JavaScript and .d.ts that
// plain Node 20 loads with no TypeScript loader. The repo itself keeps running its TypeScript
// through src/loader/; dist/ is only what `npm pack` ships.
//
//   1. tsc -p tsconfig.build.json: src/ and generators/ → dist/src, dist/generators (.js + .d.ts),
//      relative `.ts` imports rewritten to `.js` (rewriteRelativeImportExtensions);
//   2. the plain-JS files beside the sources (worker, child-process and driver entries, the
//      runtimes' data files) copied to the same place. An entry registers our TypeScript loader and
//      then imports its `.ts` body; its built copy imports the compiled `.js` body and registers
//      nothing (compiled code needs no loader);
//   3. dist/package.json: sources find the package's version at `../../package.json` from
//      src/cli/, which in dist/ is dist/package.json;
//   4. a check that no built JavaScript still names the loader or imports a relative `.ts` file.
//
// `--no-check` skips tsc's type check (emit only, ~5 s instead of ~25 s): for callers that have
// just type-checked the same sources, as `npm test` does before the package test builds.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist');
const SOURCE_DIRS = ['src', 'generators'];
/** Plain files the sources read or start at run time (the loader itself is development-only). */
const COPIED = /\.(js|mjs|json)$/;
const SKIPPED_DIRS = new Set([join(ROOT, 'src', 'loader')]);

function filesUnder(dir) {
  if (SKIPPED_DIRS.has(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

const LOADER_IMPORT = /^import '(\.\.\/)+loader\/register\.js';\n/m;
const RELATIVE_TS = /((?:import|from)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g;

/** The built copy of an entry file: no loader registration, compiled body. Other files unchanged. */
function builtEntry(source, file) {
  if (!LOADER_IMPORT.test(source)) return source;
  const body = source.replace(LOADER_IMPORT, '').replace(RELATIVE_TS, '$1$2$3.js$2');
  return `// Built from ${file} by scripts/build.mjs: loads the compiled body; no TypeScript loader needed.\n${body}`;
}

function problemsIn(path, source) {
  const problems = [];
  if (/loader\/register\.js/.test(source)) problems.push('still registers the TypeScript loader');
  for (const m of source.matchAll(RELATIVE_TS)) problems.push(`still imports ${m[3]}.ts`);
  return problems.map((p) => `${relative(ROOT, path)}: ${p}`);
}

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--no-check');
if (unknown.length) {
  process.stderr.write(`build: unknown option ${unknown[0]}; usage: node scripts/build.mjs [--no-check]\n`);
  process.exit(2);
}

rmSync(OUT, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = args.includes('--no-check') ? ['--noCheck'] : [];
try {
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), ...check], { stdio: 'inherit', cwd: ROOT });
} catch {
  process.stderr.write('build: tsc failed (errors above)\n');
  process.exit(1);
}

for (const dir of SOURCE_DIRS)
  for (const file of filesUnder(join(ROOT, dir)).filter((f) => COPIED.test(f))) {
    const target = join(OUT, relative(ROOT, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.json')) cpSync(file, target);
    else writeFileSync(target, builtEntry(readFileSync(file, 'utf8'), relative(ROOT, file)));
  }

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify({ version: pkg.version, private: true, type: 'module' }, null, 2)}\n`);

const problems = filesUnder(OUT)
  .filter((f) => /\.(js|mjs)$/.test(f))
  .flatMap((f) => problemsIn(f, readFileSync(f, 'utf8')));
if (problems.length) {
  process.stderr.write(`build: the built package would need the TypeScript loader:\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(`build: wrote ${relative(process.cwd(), OUT) || '.'} (trapcheck ${pkg.version})\n`);
