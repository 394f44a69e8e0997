// jco-transpile 0.15 with asyncMode 'jspi': a lifted call parked in an async import and then
// abandoned (its promise never settled) leaves the component instance unable to start another
// async export call. Run from the repository root:
//   node_modules/.bin/deno run --quiet --no-config --node-modules-dir=manual -A reports/findings/jco-jspi-abandoned-call/repro.mjs
//   node_modules/.bin/bun run reports/findings/jco-jspi-abandoned-call/repro.mjs
import { componentEmbed, componentNew } from '../../../node_modules/@bytecodealliance/jco-transpile/dist/wasm-tools.js';
import { transpileBytes } from '../../../node_modules/@bytecodealliance/jco-transpile/dist/transpile.js';
import wabtInit from '../../../node_modules/wabt/index.js';

// run(): g += 1; return wait() + g.   probe(): g
const wat = `(module
  (import "$root" "wait" (func $wait (result i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "run") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.add (call $wait) (global.get $g)))
  (func (export "probe") (result i32) (global.get $g))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))`;
const wit = 'package t:t;\nworld w {\n  import wait: func() -> u32;\n  export run: func() -> u32;\n  export probe: func() -> u32;\n}\n';

const core = (await wabtInit()).parseWat('c.wat', wat).toBinary({}).buffer;
const component = await componentNew(await componentEmbed({ binary: core, witSource: wit, world: 'w' }), []);
const { files } = await transpileBytes(component, { name: 'c', instantiation: 'async', asyncMode: 'jspi', asyncImports: ['wait'], asyncExports: ['run'] });
const js = new TextDecoder().decode(files['c.js']);
const gen = await import(`data:text/javascript;base64,${btoa(js)}`);
const settle = (p, ms) => Promise.race([p.then((v) => `returned ${v}`, (e) => `rejected: ${e}`), new Promise((r) => setTimeout(() => r(`pending after ${ms} ms`), ms))]);

let held;
const inst = await gen.instantiate((p) => WebAssembly.compile(files[p]), { wait: { default: () => new Promise((r) => { held = r; }) } });
const first = inst.run();
await settle(first, 100);
console.log('1. run() parked in wait:', typeof held === 'function', '| probe() meanwhile:', inst.probe());
held(40);
console.log('2. resumed with 40:', await settle(first, 1000));
held = undefined;
const second = inst.run();
await settle(second, 100);
console.log('3. second run() parked:', typeof held === 'function', '- now abandoned (never settled)');
held = undefined;
console.log('4. probe() after the abandon:', inst.probe());
const third = inst.run();
console.log('5. third run():', await settle(third, 3000), '| wait called for it:', typeof held === 'function');
const fresh = await gen.instantiate((p) => WebAssembly.compile(files[p]), { wait: { default: () => 7 } });
console.log('6. a fresh instance: run():', await settle(fresh.run(), 3000));
globalThis.Deno ? Deno.exit(0) : process.exit(0);
