/**
 * wasi-exit (issue #18): the function that calls proc_exit (for `return`: `_start`) sits inside a
 * transparent context in 7 cases out of 8 and may have (multi-value) results; the writes' buffers
 * lie anywhere in memory, up to its last byte, in bounds and apart; exit codes reach the u32
 * edges; and the cases still pass on the in-process reference runtime.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSTRUCTS, NO_CONTEXT } from '../../generators/contexts/index.ts';
import { generateCase } from '../../generators/index.ts';
import type { WasiExitParams } from '../../generators/wasi-exit.ts';
import { EXIT_RESULTS, SPECIAL_CODES, wasiExit } from '../../generators/wasi-exit.ts';
import type { Block } from '../../generators/wasi-exit/buffers.ts';
import { BLOCKS, blockOrder, bufferPlacementArbitrary, PAGE, placeBlocks } from '../../generators/wasi-exit/buffers.ts';
import type { Case } from '../../src/case.ts';
import { judge } from '../../src/judge.ts';
import { executeCase } from '../../src/runtime/exec.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { Reader, readValType } from '../../src/wasm/binary-reader.ts';
import { indexImmediate, instructions } from '../../src/wasm/instructions.ts';
import { readSections } from '../../src/wasm/sections.ts';
import { describeFunction } from '../../src/wasm/wrap-body.ts';

const SEED = 18;
const IMPORTS = 2; // proc_exit, fd_write
const cases: Case[] = Array.from({ length: 400 }, (_, i) => generateCase('wasi-exit', SEED, i));
const paramsOf = (c: Case): WasiExitParams => (c.provenance as { params: WasiExitParams }).params;

/** Each code entry: its bytes (hex) and the span of its code after the locals. */
function codeEntries(bytes: Uint8Array): Array<{ hex: string; start: number; end: number }> {
  const s = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, s.start, s.end);
  const out: Array<{ hex: string; start: number; end: number }> = [];
  for (let n = r.u32(); n > 0; n--) {
    const end = r.u32() + r.pos;
    const hex = Buffer.from(bytes.subarray(r.pos, end)).toString('hex');
    for (let g = r.u32(); g > 0; g--) {
      r.u32();
      readValType(r);
    }
    out.push({ hex, start: r.pos, end });
    r.pos = end;
  }
  return out;
}

const callsProcExit = (bytes: Uint8Array, e: { start: number; end: number }): boolean =>
  [...instructions(bytes, e.start, e.end)].some((ins) => ins.op === 0x10 && indexImmediate(bytes, ins) === 0);

describe('wasi-exit: the exit inside contexts', () => {
  it('7 cases in 8 have a context, every construct shows up, and every module validates', () => {
    const on = cases.filter((c) => c.tags!['context'] === 'on').length;
    expect(on).toBeGreaterThan(0.8 * cases.length);
    expect(on).toBeLessThan(0.95 * cases.length);
    for (const construct of CONSTRUCTS) expect(cases.some((c) => c.tags![`ctx:${construct}`] === 'on'), construct).toBe(true);
    for (const c of cases) expect(WA.validate(c.modules[0]!.bytes), c.id).toBe(true);
  });

  it('the wrapped function is the one that calls proc_exit (for return: _start), with the drawn results', () => {
    let multi = 0;
    for (const c of cases.filter((x) => x.tags!['context'] === 'on').slice(0, 150)) {
      const p = paramsOf(c);
      const bare = wasiExit.build({ ...p, context: NO_CONTEXT }, { seed: SEED, path: 'bare' }).modules[0]!.bytes;
      const before = codeEntries(bare);
      const after = codeEntries(c.modules[0]!.bytes);
      const changed = before.map((e, k) => (e.hex === after[k]!.hex ? -1 : k)).filter((k) => k >= 0);
      expect(changed.length, c.id).toBe(1);
      const k = changed[0]!;
      if (p.site === 'return') expect(c.tags!['exit-results']).toBe('none');
      else expect(callsProcExit(bare, before[k]!), `${c.id}: function ${k} calls proc_exit`).toBe(true);
      const results = p.site === 'return' ? [] : EXIT_RESULTS[p.results]!;
      expect(describeFunction(bare, IMPORTS + k).results, c.id).toEqual(results);
      if (results.length > 1) {
        multi++;
        expect(c.features).toContain('multi-value');
      }
    }
    expect(multi).toBeGreaterThan(10);
  });

  it('cases pass on the in-process reference runtime', () => {
    const profile = loadProfile('reference');
    const problems: string[] = [];
    const sample = cases.slice(0, 200);
    for (const c of sample) {
      const v = judge(c, executeCase(c), profile);
      if (v.verdict !== 'pass') problems.push(`${c.id} ${JSON.stringify(c.tags)}: ${v.verdict} ${v.reason ?? ''}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(new Set(sample.map((c) => c.tags!['exit-results']))).toEqual(new Set(['none', 'i32', 'i64', 'f32', 'f64', 'multi']));
  });
});

describe('wasi-exit: buffers anywhere in memory', () => {
  const SIZES: Record<Block, number> = { text: 0, iovs: 0, scratch: 16, nwritten: 4 };
  it('blocks are in bounds, 4-aligned (but the text), apart; a run at the limit ends at the last byte', () => {
    fc.assert(
      fc.property(bufferPlacementArbitrary, fc.integer({ min: 1, max: 160 }), fc.integer({ min: 1, max: 6 }), (p, text, iovecs) => {
        const sizes = { ...SIZES, text, iovs: 8 * iovecs };
        const at = placeBlocks(p, sizes);
        const memSize = p.pages * PAGE;
        const spans = BLOCKS.map((b) => [at[b], at[b] + sizes[b]] as const).sort((x, y) => x[0] - y[0]);
        spans.forEach(([s, e], i) => {
          expect(s).toBeGreaterThanOrEqual(i === 0 ? 0 : spans[i - 1]![1]);
          expect(e).toBeLessThanOrEqual(memSize);
        });
        for (const b of ['iovs', 'scratch', 'nwritten'] as const) expect(at[b] % 4).toBe(0);
        const last = blockOrder(p.order).at(-1)!;
        if (p.end.class === 'at-limit') expect(at[last] + sizes[last]).toBe(memSize);
        if (p.end.class === 'zero') expect(Math.min(...BLOCKS.map((b) => at[b]))).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('the last bytes of memory hold the end of the text when the text comes last at the limit', () => {
    let checked = 0;
    for (let i = 0; checked < 20 && i < 3000; i++) {
      const c = generateCase('wasi-exit', 3, i);
      if (c.tags!['value:buffer-end'] !== 'at-limit' || c.tags!['buffer-last'] !== 'text') continue;
      const stub = (): number => 0;
      const inst = new WA.Instance(new WA.Module(c.modules[0]!.bytes), { wasi_snapshot_preview1: { proc_exit: stub, fd_write: stub } });
      const memory = new Uint8Array((inst.exports as { memory: { buffer: ArrayBuffer } }).memory.buffer);
      const written = new TextEncoder().encode(paramsOf(c).writes.map((w) => w.text + (w.newline ? '\n' : '')).join(''));
      expect(Buffer.from(memory.subarray(memory.length - written.length)).toString('hex'), c.id).toBe(Buffer.from(written).toString('hex'));
      checked++;
    }
    expect(checked).toBe(20);
  });
});

describe('wasi-exit: exit codes and value classes', () => {
  it('draws 2^31 among the special codes, and every declared value class within 2,500 draws of another seed', () => {
    expect(SPECIAL_CODES).toContain(0x80000000);
    const seen: Record<string, Set<string>> = {};
    for (let i = 0; i < 2500; i++) for (const [k, v] of Object.entries(generateCase('wasi-exit', 7, i).tags!)) if (k.startsWith('value:') || k === 'buffer-last') (seen[k] ??= new Set()).add(v);
    for (const tag of ['value:exit-code', 'value:buffer-end', 'buffer-last']) {
      const declared = wasiExit.declares[tag]!;
      expect(declared.filter((c) => !seen[tag]?.has(c)), `${tag} never emitted`).toEqual([]);
      expect([...(seen[tag] ?? [])].filter((c) => !declared.includes(c)), `${tag} undeclared`).toEqual([]);
    }
  });

  it('expects the raw u32 code the guest passed, whatever its class', () => {
    for (const c of cases.filter((x) => x.tags!['site'] !== 'return')) {
      const exit = c.steps.find((s) => s.expect.outcome?.kind === 'exit')!;
      expect(exit.expect.outcome).toEqual({ kind: 'exit', code: paramsOf(c).code.value >>> 0 });
    }
  });
});
