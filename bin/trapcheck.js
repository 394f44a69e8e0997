#!/usr/bin/env node
// Shim: the CLI is TypeScript run through our loader (src/loader), so `npm ci` is the whole set-up.
import '../src/loader/register.js';

await import('../src/cli/bin.ts');
