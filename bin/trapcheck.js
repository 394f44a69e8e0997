#!/usr/bin/env node
// Shim: in a checkout the CLI is TypeScript run through our loader (src/loader), so `npm ci` is the
// whole set-up; the published package ships no TypeScript and runs the compiled CLI (dist/, npm run build).
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/cli/bin.ts', import.meta.url))) {
  await import('../src/loader/register.js');
  await import('../src/cli/bin.ts');
} else await import('../dist/src/cli/bin.js');
