/**
 * The driver: a child process that runs cases with the engine-neutral step executor
 * (src/runtime/exec.ts) on whatever JS engine runs it — Node (through src/loader), Deno or Bun, which
 * load this TypeScript directly, or gjs (SpiderMonkey), which runs it bundled with shims for the
 * Node modules it imports (gjs-bundle.ts). It reads run requests on stdin and writes observations on
 * stdout (driver/wire.ts). It never exits on a wasm event: traps and proc_exit are outcomes.
 * A hang is the parent's business: it kills this process.
 */
import { createInterface } from 'node:readline';
import process from 'node:process';
import type { ExecOptions } from '../../runtime/exec.ts';
import { executeCase } from '../../runtime/exec.ts';
import { currentEngine } from '../../runtime/classify.ts';
import { engineFeatures } from '../reference.ts';
import { jspiApi } from '../../runtime/hosts/jspi-api.ts';
import { executeJspiCase, isJspiCase } from '../../runtime/hosts/jspi-exec.ts';
import type { DriverMessage, RunRequest } from './wire.ts';
import { fromWire, wireLine } from './wire.ts';

// Guests never see JS stacks; stack capture is ~80% of a trap round trip (feasibility §8).
Error.stackTraceLimit = 0;

function lookup(instrumented: ReadonlyMap<Uint8Array, Uint8Array | Error>, original: Uint8Array): Uint8Array {
  const x = instrumented.get(original);
  if (x === undefined) throw new Error('the parent sent no instrumentation for this module');
  if (x instanceof Error) throw x;
  return x;
}

function send(m: DriverMessage): void {
  process.stdout.write(`${wireLine(m)}\n`);
}

function engineVersion(): string {
  const v = process.versions as Record<string, string | undefined>;
  const deno = (globalThis as { Deno?: { version: { deno: string; v8: string } } }).Deno;
  if (deno) return `deno ${deno.version.deno} (V8 ${deno.version.v8})`;
  if (v['spidermonkey']) return `gjs ${v['gjs']} (SpiderMonkey ${v['spidermonkey']})`; // driver/gjs-process.ts
  if (v['bun']) return `bun ${v['bun']} (JavaScriptCore${v['webkit'] ? ` ${v['webkit'].slice(0, 12)}` : ''})`;
  return `node ${process.version} (V8 ${v['v8']})`;
}

/** JSPI mode (runtimes deno-jspi / bun-jspi, src/runtimes/jspi/): suspendable core cases run on the engine's own JSPI. */
const JSPI = process.env['TRAPCHECK_DRIVER_JSPI'] === '1';
/** JSPI cases finish asynchronously: runs are chained so observations leave in request order. */
let queue: Promise<void> = Promise.resolve();

function jspiStatus(): string {
  const api = jspiApi();
  return typeof api === 'string' ? api : 'yes';
}

send({ t: 'hello', engine: currentEngine(), version: engineVersion(), features: [...engineFeatures()], ...(JSPI ? { jspi: jspiStatus() } : {}) });

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.startsWith('{')) return;
  const req = JSON.parse(line) as RunRequest;
  if (req.t !== 'run') return;
  const { c, instrumented } = fromWire(req.case);
  const options: ExecOptions = { onStep: (i: number) => send({ t: 'step', id: req.id, i }) };
  if (req.maxSteps !== undefined) options.maxSteps = req.maxSteps;
  // fuel / asyncify cases: the parent instrumented the modules (binaryen stays out of this engine)
  if (instrumented.size) options.calls = { instrument: (bytes) => ({ bytes: lookup(instrumented, bytes) }) };
  if (JSPI) {
    queue = queue.then(async () => send({ t: 'done', id: req.id, obs: isJspiCase(c) ? await executeJspiCase(c, options) : executeCase(c, options) }));
    return;
  }
  const obs = executeCase(c, options);
  send({ t: 'done', id: req.id, obs });
});
lines.on('close', () => process.exit(0));
