#!/usr/bin/env node
// Runs a TypeScript entry point (benchmarks, scripts) with the same loader the CLI uses.
import '../src/loader/register.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
const [entry, ...rest] = process.argv.slice(2);
if (!entry) { process.stderr.write('usage: run-ts FILE.ts [args]\n'); process.exit(2); }
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(resolve(entry)).href);
