/**
 * A suspended-then-resumed call under JSPI against the same call under Asyncify, on the same engine
 * (issue #17): Deno (V8 15) and Bun (JavaScriptCore), each measured in its own process by
 * bench/jspi-suspend-child.ts through trapcheck's hosts; the Asyncify row is the baseline. The
 * un-paused calls show what each mechanism costs when nothing parks (under JSPI the call still
 * suspends at its import and settles in a microtask). An engine that is absent is a printed line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { instrumentForCalls } from '../src/runtime/calls/instrument.ts';
import { driverSpec } from '../src/runtimes/engine.ts';
import { wat } from '../test/runtime/helpers.ts';
import type { BenchRow } from './harness.ts';

/** run(): g += 1, yield, g += 1, return g. */
const MODULE = wat(`(module
  (import "trapcheck:host" "yield" (func $yield))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "run") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (call $yield)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))`);

const CHILD = fileURLToPath(new URL('./jspi-suspend-child.ts', import.meta.url));
const BASELINE = 'asyncify: parked at the 1st suspension, resumed';

function measure(engine: 'deno' | 'bun'): BenchRow[] {
  let spec;
  try {
    spec = driverSpec(engine);
  } catch (e) {
    process.stdout.write(`jspi bench: ${engine} left out: ${e instanceof Error ? e.message : String(e)}\n`);
    return [];
  }
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  const instrumented = instrumentForCalls(MODULE, { fuel: false, asyncify: true }).bytes;
  const args = [...spec.args.slice(0, -1), CHILD, b64(MODULE), b64(instrumented)];
  const r = spawnSync(spec.command, args, { cwd: spec.cwd, env: spec.env ?? process.env, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const out = (line.startsWith('{') ? JSON.parse(line) : { error: `no result (status ${r.status}): ${r.stderr.slice(0, 300)}` }) as { means?: Record<string, number>; error?: string };
  if (!out.means) {
    process.stdout.write(`jspi bench: ${engine} left out: ${out.error}\n`);
    return [];
  }
  const base = out.means[BASELINE]!;
  return Object.entries(out.means).map(([name, meanNs]) => ({ group: `suspend+resume ${engine}`, name, meanNs, opsPerSec: 1e9 / meanNs, ratio: meanNs / base }));
}

export default async function jspiBench(): Promise<BenchRow[]> {
  return [...measure('deno'), ...measure('bun')];
}
