// A long-lived child that runs npm wabt's wasm-interp (an emscripten build) many times in one
// process: each run evaluates the program in a fresh vm context with its own heap, so no state
// carries over from one case to the next. The program's wasm is compiled once (emscripten's
// `Module.instantiateWasm` hook) and its script parsed once; a process per case costs a node
// start-up (1–3 s on a loaded 2-core machine, measured) against ~0.1 s here.
//
// Protocol (one JSON object per line): `{t:'hello'}` at start; request `{id, args}` (wasm-interp's
// argv); answer `{t:'done', id, status, stdout, stderr}`. A run that never ends is the parent's
// business: its watchdog kills this process.
// Plain JS: it needs nothing of trapcheck's TypeScript.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import vm from 'node:vm';

const file = process.argv[2];
const require = createRequire(import.meta.url);
let source = fs.readFileSync(file, 'utf8');
if (source.startsWith('#!')) source = `//${source}`;
const script = new vm.Script(source, { filename: file });
let compiled;

function run(args) {
  const out = [];
  const err = [];
  const capture = (fd, text) => (fd === 2 ? err : out).push(text);
  // wasm-interp's printf reaches fd 1 and 2 through emscripten's NODERAWFS (fs.writeSync) or its
  // tty (console): both are captured, nothing else of the file system changes
  const fakeFs = {
    ...fs,
    writeSync(fd, buf, off, len, pos) {
      if (fd !== 1 && fd !== 2) return fs.writeSync(fd, buf, off, len, pos);
      const b = typeof buf === 'string' ? Buffer.from(buf) : Buffer.from(buf.buffer, buf.byteOffset + (off ?? 0), len ?? buf.byteLength);
      capture(fd, b.toString('utf8'));
      return b.length;
    },
  };
  const fakeProcess = { argv: [process.argv0, file, ...args], versions: process.versions, platform: process.platform, env: process.env, binding: (n) => process.binding(n), cwd: () => process.cwd(), chdir: () => undefined, stdin: { fd: 0 }, exitCode: undefined };
  const line = (fd) => (...a) => capture(fd, `${a.join(' ')}\n`);
  let context;
  const Module = {
    instantiateWasm(info, receive) {
      compiled ??= new WebAssembly.Module(context.findWasmBinary());
      receive(new WebAssembly.Instance(compiled, info), compiled);
      return {};
    },
  };
  context = vm.createContext({
    Module,
    require: (n) => (n === 'fs' ? fakeFs : require(n)),
    process: fakeProcess,
    console: { log: line(1), error: line(2), warn: line(2) },
    __filename: file,
    __dirname: path.dirname(file),
    Buffer,
    URL,
    TextDecoder,
    TextEncoder,
    WebAssembly,
    setTimeout,
    clearTimeout,
    performance,
  });
  let status;
  try {
    script.runInContext(context);
  } catch (e) {
    // emscripten ends main through exit(), which throws ExitStatus
    if (e && e.name === 'ExitStatus') status = e.status;
    else capture(2, `interp-child: ${e && e.stack ? e.stack : String(e)}\n`);
  }
  return { status: status ?? fakeProcess.exitCode ?? 0, stdout: out.join(''), stderr: err.join('') };
}

const send = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
send({ t: 'hello' });
createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (l) => {
  const { id, args } = JSON.parse(l);
  send({ t: 'done', id, ...run(args) });
});
