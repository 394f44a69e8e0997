// node --experimental-wasm-stack-switching repro.mjs
import { readFileSync } from 'node:fs';
const bytes = readFileSync(new URL('./p.wasm', import.meta.url));
const susp = new WebAssembly.Function({ parameters: ['externref'], results: ['i32'] }, () => Promise.resolve(41), { suspending: 'first' });
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { susp } });
const run = new WebAssembly.Function({ parameters: [], results: ['externref'] }, inst.exports.run, { promising: 'first' });
let notPromise = 0, firstBad = -1, errors = 0, firstErr;
function once(i) {
  let r;
  try { r = run(); } catch (e) { errors++; firstErr ??= `${i}: ${e}`; return; }
  if (!(r instanceof Promise)) { notPromise++; if (firstBad < 0) firstBad = i; }
  else r.then((v) => { if (v !== 42) { notPromise++; } }, () => { errors++; });
}
for (let i = 0; i < 20000; i++) once(i);
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ notPromise, firstBad, errors, firstErr }));
