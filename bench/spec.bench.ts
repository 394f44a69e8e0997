/**
 * Spec scripts: the cost of reading and converting a .wast file (parse + assemble module text
 * through wabt + wrapper modules), per assertion, against the raw S-expression read of the
 * same bytes (baseline). The end-to-end figure for the whole official suite is measured by
 * `trapcheck spec` itself (report.json durationMs); this isolates the main-thread part.
 */
import { existsSync, readFileSync } from 'node:fs';
import { initAssembler } from '../src/conformance/wast/assemble.ts';
import { convertScript } from '../src/conformance/wast/convert.ts';
import { SPEC_FEATURES } from '../src/conformance/wast/features.ts';
import { parseScript } from '../src/conformance/wast/script.ts';
import { readSExprs, SourceText } from '../src/conformance/wast/sexpr.ts';
import type { BenchRow } from './harness.ts';
import { runGroup } from './harness.ts';

const SUITE = process.env['TRAPCHECK_WAST_DIR'] ?? '../shared/wasm-testsuite/core';
// What Node 20's V8 compiles (the runner probes this at run time; fixed here so the bench needs no pool).
const SUPPORTED = new Set(SPEC_FEATURES.filter((f) => ['simd', 'threads', 'tail-call', 'exceptions'].includes(f)));

export default async function spec(): Promise<BenchRow[]> {
  await initAssembler();
  const rows: BenchRow[] = [];
  for (const name of ['i32.wast', 'simd_f32x4_arith.wast']) {
    const path = `${SUITE}/${name}`;
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    const assertions = parseScript(name, bytes).commands.filter((c) => c.type === 'assertion').length;
    rows.push(
      ...(await runGroup(`spec ${name} (per assertion)`, [
        { name: 'read S-expressions', fn: () => readSExprs(SourceText.fromBytes(name, bytes)), opsPerCall: assertions },
        { name: 'parse script', fn: () => parseScript(name, bytes), opsPerCall: assertions },
        { name: 'parse + convert (wabt, wrappers)', fn: () => convertScript(parseScript(name, bytes), { supported: SUPPORTED }), opsPerCall: assertions },
      ])),
    );
  }
  return rows;
}
