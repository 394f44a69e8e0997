/**
 * Runs under Deno or Bun for bench/jspi.bench.ts (Node 20 has no JSPI): times one call parked at
 * its first suspension and resumed, through trapcheck's own hosts, with tinybench in this engine:
 * Asyncify (src/runtime/calls/core-calls.ts on the instrumented module) and JSPI
 * (src/runtime/hosts/jspi-calls.ts on the plain module), plus the same calls without a pause.
 * argv: plain module, Asyncify-instrumented module (base64). Prints one JSON line of tinybench means.
 */
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { Bench } from 'tinybench';
import { CoreCalls } from '../src/runtime/calls/core-calls.ts';
import type { CoreCallState } from '../src/runtime/calls/types.ts';
import { jspiApi } from '../src/runtime/hosts/jspi-api.ts';
import type { JspiCallState } from '../src/runtime/hosts/jspi-calls.ts';
import { JspiCalls } from '../src/runtime/hosts/jspi-calls.ts';
import type { WasmMemory } from '../src/runtime/wasm-api.ts';
import { WA } from '../src/runtime/wasm-api.ts';

const args = process.argv.slice(-2);
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const api = jspiApi();
if (typeof api === 'string') {
  process.stdout.write(`${JSON.stringify({ error: api })}\n`);
  process.exit(0);
}

const asyncify = new CoreCalls({ metered: false, suspendable: true });
const ai = new WA.Instance(new WA.Module(bytes(args[1]!)), asyncify.imports);
asyncify.bind(ai.exports, () => ai.exports['memory'] as WasmMemory);
const jspi = new JspiCalls(api, { metered: false });
const ji = new WA.Instance(new WA.Module(bytes(args[0]!)), jspi.imports);
jspi.bind(ji.exports);

const expect = (s: CoreCallState | JspiCallState, state: string): CoreCallState | JspiCallState => {
  if (s.state !== state) throw new Error(`expected ${state}, got ${s.state}`);
  return s;
};

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench.add('asyncify: parked at the 1st suspension, resumed', () => {
  const s = expect(asyncify.call('run', [], { suspension: 1 }), 'suspended') as Extract<CoreCallState, { state: 'suspended' }>;
  expect(s.call.resume(), 'returned');
});
bench.add('jspi: parked at the 1st suspension, resumed', async () => {
  const s = expect(await jspi.call('run', [], { suspension: 1 }), 'suspended') as Extract<JspiCallState, { state: 'suspended' }>;
  expect(await s.call.resume(), 'returned');
});
bench.add('asyncify: the same call, no pause', () => {
  expect(asyncify.call('run', []), 'returned');
});
bench.add('jspi: the same call, no pause', async () => {
  expect(await jspi.call('run', []), 'returned');
});
await bench.run();
const means: Record<string, number> = {};
for (const t of bench.tasks) {
  const r = t.result;
  if (!r || r.state !== 'completed') throw new Error(`bench ${t.name} did not complete`);
  means[t.name] = r.latency.mean * 1e6;
}
process.stdout.write(`${JSON.stringify({ means })}\n`);
process.exit(0);
