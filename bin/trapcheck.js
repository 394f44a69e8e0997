#!/usr/bin/env node
// Two-line shim: the CLI is TypeScript run through tsx's loader, so `npm ci` is the whole set-up.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/bin.ts');
