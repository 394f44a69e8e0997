/**
 * Which wasm features a wizer binary's embedded wasmtime accepts, measured on the binary itself
 * when the runtime starts: each optional feature has a tiny module with a `nop` init function
 * that uses it, and the feature is declared when wizer snapshots that module. (wizer 10.0.0
 * refuses threads, memory64 and relaxed SIMD; wizer 11.0.3 accepts them; both refuse exceptions,
 * GC, function references and custom page sizes: `wizer --help` names no flag for them.)
 * The baseline below was accepted by both versions (profiles/wasmtime-wizer.json).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from '../../features.ts';
import { runWizer } from './wizer-process.ts';

/** Accepted by wizer 10.0.0 and 11.0.3 alike (measured: modules using each snapshot with status 0). */
export const WIZER_BASELINE_FEATURES: readonly Feature[] = [
  'mvp',
  'mutable-globals',
  'sign-ext',
  'nontrapping-fptoint',
  'multi-value',
  'bulk-memory',
  'reference-types',
  'simd',
  'tail-call',
  'extended-const',
  'multi-memory',
  'wasi',
];

/** `(module … (func (export "nop") …))` per optional feature, assembled with wat2wasm --enable-all. */
const PROBES: ReadonlyArray<readonly [Feature, string]> = [
  // (memory 1) (func (export "nop") (drop (i32.atomic.load (i32.const 0))))
  ['threads', '0061736d01000000010401600000030201000503010001070701036e6f7000000a0b0109004100fe1002001a0b'],
  // (memory i64 1) (func (export "nop") (drop (i64.load (i64.const 0))))
  ['memory64', '0061736d01000000010401600000030201000503010401070701036e6f7000000a0a01080042002903001a0b'],
  // (func (export "nop") (drop (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0))))
  ['relaxed-simd', '0061736d0100000001040160000003020100070701036e6f7000000a1a011800fd0c00000000000000000000000000000000fd81021a0b'],
  // (tag $e) (func (export "nop") (block (try_table (catch_all 0) (throw $e))))
  ['exceptions', '0061736d01000000010401600000030201000d03010000070701036e6f7000000a0f010d0002401f4001020008000b0b0b'],
  // (memory 1 (pagesize 1)) (func (export "nop"))
  ['custom-page-sizes', '0061736d0100000001040160000003020100050401080100070701036e6f7000000a040102000b'],
  // (type $s (struct (field i32))) (func (export "nop") (drop (struct.new $s (i32.const 1))))
  ['gc', '0061736d010000000108026000005f017f0003020100070701036e6f7000000a0a0108004101fb00011a0b'],
  // (type $v (func)) (func $f) (elem declare func $f) (func (export "nop") (call_ref $v (ref.func $f)))
  ['function-references', '0061736d010000000104016000000303020000070701036e6f700001090501030001000a0b0202000b0600d20014000b'],
];

const cache = new Map<string, Promise<Feature[]>>();

/** The features `binary` accepts: the baseline plus every probe it snapshots (cached per binary). */
export function probeWizerFeatures(binary: string): Promise<Feature[]> {
  let found = cache.get(binary);
  if (!found) {
    found = measure(binary);
    cache.set(binary, found);
  }
  return found;
}

async function measure(binary: string): Promise<Feature[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-wizer-features-'));
  try {
    const accepted = await Promise.all(
      PROBES.map(async ([feature, hex], i) => {
        const input = join(dir, `${i}.wasm`);
        writeFileSync(input, Buffer.from(hex, 'hex'));
        const r = await runWizer({ binary, input, output: join(dir, `${i}.out.wasm`), initFunc: 'nop', wasi: false, budgetMs: 20_000, graceMs: 20_000 });
        return r.code === 0 ? feature : undefined;
      }),
    );
    return [...WIZER_BASELINE_FEATURES, ...accepted.filter((f): f is Feature => f !== undefined)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
