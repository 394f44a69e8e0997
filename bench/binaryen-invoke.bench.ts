/**
 * binaryen's C++ calls kept in wasm (src/wasm/binaryen-invoke-bypass.ts) against emscripten's JS
 * invoke trampolines, on the jobs trapcheck gives binaryen per case (bench/binaryen-invoke-child.ts).
 * Which trampolines a process has is fixed when it loads binaryen, so each side runs in fresh
 * processes, alternating (js, wasm, js, wasm …) so that drift in the machine's load falls on
 * both; each row reports the median over the rounds, and its note the ratio per round. The
 * children's output digests must agree: the bypass changes time, never bytes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './harness.ts';
import { median } from './harness.ts';

const ROUNDS = 3;

interface ChildResult {
  mode: 'js' | 'wasm';
  ns: Record<string, number>;
  digest: string;
}

function child(mode: 'js' | 'wasm'): Promise<ChildResult> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const env = { ...process.env, TRAPCHECK_BINARYEN_INVOKE: mode === 'js' ? 'js' : 'wasm' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run-ts.js', 'bench/binaryen-invoke-child.ts'], { cwd: root, env, timeout: 300_000 }, (err, out) => {
      if (err) return reject(err);
      const result = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
      if (result.mode !== mode) return reject(new Error(`binaryen-invoke bench: asked for ${mode} trampolines, the child ran ${result.mode}`));
      resolve(result);
    });
  });
}

export default async function binaryenInvokeBench(): Promise<BenchRow[]> {
  const js: ChildResult[] = [];
  const wasm: ChildResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    js.push(await child('js'));
    wasm.push(await child('wasm'));
  }
  const digests = new Set([...js, ...wasm].map((c) => c.digest));
  if (digests.size !== 1) throw new Error(`binaryen-invoke bench: the two kinds of trampolines built different bytes (${[...digests].join(', ')})`);
  const rows: BenchRow[] = [];
  for (const job of Object.keys(js[0]!.ns)) {
    const base = median(js.map((c) => c.ns[job]!));
    const mine = median(wasm.map((c) => c.ns[job]!));
    const rounds = js.map((c, i) => (wasm[i]!.ns[job]! / c.ns[job]!).toFixed(2));
    const group = `binaryen invoke: ${job}`;
    rows.push({ group, name: 'JS invoke trampolines (emscripten)', meanNs: base, opsPerSec: 1e9 / base, ratio: 1 });
    rows.push({ group, name: 'wasm invoke trampolines (bypass)', meanNs: mine, opsPerSec: 1e9 / mine, ratio: mine / base, note: `time ÷ JS trampolines per round: ${rounds.join(', ')}; same bytes` });
  }
  return rows;
}
