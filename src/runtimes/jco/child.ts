/**
 * The jco child process: loads jco's wasm-tools and bindgen once, then builds and runs component
 * cases sent by the adapter (runtimes/jco.ts) over the line protocol (wire.ts). Guest code runs
 * here, never in the trapcheck process: a hang is killed from outside, and nothing a component
 * does (an exit, a runaway recursion) can take the run down with it.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { ComponentCache } from './build.ts';
import { runComponentCase } from './run-case.ts';
import type { JcoMessage, JcoRequest } from './wire.ts';
import { fromJcoWire } from './wire.ts';

// Guests never see JS stacks; stack capture is most of a trap round trip (feasibility §8).
Error.stackTraceLimit = 0;

function send(m: JcoMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

// Generated bindings may log; stdout carries the protocol, so their console goes to stderr.
console.log = console.info = console.debug = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);

function packageVersion(name: string): string {
  // the packages' export maps hide package.json: walk up from the resolved entry point
  let url = new URL(import.meta.resolve(name));
  for (let i = 0; i < 4; i++) {
    url = new URL('..', url);
    try {
      return (JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name: string; version: string }).version;
    } catch {
      // not this directory
    }
  }
  return 'unknown';
}

const cache = new ComponentCache();
const version = `@bytecodealliance/jco-transpile ${packageVersion('@bytecodealliance/jco-transpile')} (preview2-shim ${packageVersion('@bytecodealliance/preview2-shim')}) on node ${process.version} (V8 ${process.versions.v8})`;
send({ t: 'hello', version });

let queue: Promise<unknown> = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.startsWith('{')) return;
  const req = JSON.parse(line) as JcoRequest;
  if (req.t !== 'run') return;
  // one case at a time: builds are async, and a case's steps must not interleave with another's
  queue = queue.then(async () => {
    const obs = await runComponentCase(fromJcoWire(req.case), cache, {
      onBuilt: (build) => send({ t: 'built', id: req.id, build }),
      onStep: (i, o) => send({ t: 'step', id: req.id, i, obs: o }),
    });
    send({ t: 'done', id: req.id, obs });
  });
});
lines.on('close', () => void queue.finally(() => process.exit(0)));
