#!/usr/bin/env node
// The node driver of the public protocol (docs/driver-protocol.md): a plain-JS shim that registers
// trapcheck's TypeScript loader (Node 20 does not load TypeScript itself) and starts driver.ts.
// Run it as `--runtime "driver:node drivers/node/driver.js"`.
import '../../src/loader/register.js';

await import('./driver.ts');
