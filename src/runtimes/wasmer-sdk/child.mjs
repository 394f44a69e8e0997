// The @wasmer/sdk child (plain JS, run by node): runs raw WASI/WASIX modules as commands with
// the SDK and reports what the SDK reports, unclassified (the parent maps it to outcomes).
// It exists because the SDK can hang on a trapping thread and then never close: the parent
// kills this process, never the test runner's own.
//   in:  {"t":"run","id":N,"wasm":"<base64>","args":[...],"env":{...},"stdin":"...","timeoutMs":T}
//   out: {"t":"hello","version":V}  {"t":"done","id":N,"result":{exitCode,reason,stdout,stderr}}
//        {"t":"done","id":N,"error":{name,code,message}}
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { Wasmer } from '@wasmer/sdk/node';

const send = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
const pkgJson = JSON.parse(readFileSync(new URL('../../../node_modules/@wasmer/sdk/package.json', import.meta.url), 'utf8'));
const wasmer = new Wasmer({ cache: false });
send({ t: 'hello', version: `@wasmer/sdk ${pkgJson.version} (node ${process.version})` });

async function run(req) {
  const pkg = await wasmer.packages.load(new Uint8Array(Buffer.from(req.wasm, 'base64')));
  const sandbox = await wasmer.sandboxes.create({ packages: [pkg] });
  try {
    const opts = { check: false, timeoutMs: req.timeoutMs };
    if (req.stdin !== undefined) opts.stdin = req.stdin;
    // argv[0] is the SDK's own; `args` are the rest
    const out = await sandbox.command(pkg, req.args ?? [], { env: req.env ?? {} }).run(opts);
    return { exitCode: out.exitCode, reason: out.reason ?? null, stdout: out.stdout?.text?.() ?? '', stderr: out.stderr?.text?.() ?? '' };
  } finally {
    // close() may never resolve after a hung thread; the parent's watchdog covers that
    void sandbox.close().catch(() => undefined);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let chain = Promise.resolve();
lines.on('line', (line) => {
  if (!line.startsWith('{')) return;
  const req = JSON.parse(line);
  if (req.t !== 'run') return;
  chain = chain.then(async () => {
    try {
      send({ t: 'done', id: req.id, result: await run(req) });
    } catch (e) {
      send({ t: 'done', id: req.id, error: { name: e?.name ?? 'Error', code: e?.code ?? null, message: String(e?.message ?? e) } });
    }
  });
});
lines.on('close', () => {
  // wasmer.close() can hang forever (feasibility section 6): exit without it
  chain.finally(() => process.exit(0));
});
