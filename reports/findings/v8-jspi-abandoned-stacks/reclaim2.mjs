const bytes = new Uint8Array(await Deno.readFile('p.wasm'));
const [per, rounds, abandon] = Deno.args.map(Number);
const rss = () => Math.round(Deno.memoryUsage().rss / 1e6);
let held = [];
const y = new WebAssembly.Suspending(() => new Promise((res) => held.push(res)));
const { instance } = await WebAssembly.instantiate(bytes, { h: { y } });
const run = WebAssembly.promising(instance.exports.run);
let total = 0;
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < per; i++) { try { run(); } catch (e) { console.log('threw', e.name, e.message, 'after', total + i); Deno.exit(0); } }
  total += per;
  await null;
  if (abandon) { held = []; for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); } }
  console.log(`round ${round}: total started ${total}, live held ${held.length}, rss MB`, rss());
}
