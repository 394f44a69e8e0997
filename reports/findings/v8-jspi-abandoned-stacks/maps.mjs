const bytes = new Uint8Array(await Deno.readFile('p.wasm'));
const maps = () => Deno.readTextFileSync('/proc/self/maps').split('\n').length;
let held = [];
const y = new WebAssembly.Suspending(() => new Promise((res) => held.push(res)));
const { instance } = await WebAssembly.instantiate(bytes, { h: { y } });
const run = WebAssembly.promising(instance.exports.run);
const before = maps();
for (let i = 0; i < 10000; i++) run();
await null;
const parked = maps();
held = []; for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
console.log(JSON.stringify({ before, parked10000: parked, afterAbandonGc: maps(), deno: Deno.version }));
