/**
 * wrapBody (src/wasm/wrap-body.ts): the original body keeps its bytes except for branches to the
 * function's own label, which are deepened by the context's labels so they still leave the
 * function; locals, types, functions and a table are appended without renumbering anything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextArbitrary, encodeContext } from '../../generators/contexts/index.ts';
import { generateCase } from '../../generators/index.ts';
import { WA } from '../../src/runtime/wasm-api.ts';
import { additionEdits, editSections } from '../../src/wasm/append.ts';
import { Reader, readValType } from '../../src/wasm/binary-reader.ts';
import { uleb } from '../../src/wasm/leb.ts';
import { branchDepths, instructions, isBranch } from '../../src/wasm/instructions.ts';
import { readLayout } from '../../src/wasm/layout.ts';
import { readSections } from '../../src/wasm/sections.ts';
import type { BodyContext } from '../../src/wasm/wrap-body.ts';
import { describeFunction, wrapBody, WrapError } from '../../src/wasm/wrap-body.ts';
import { PROBE_ARGS, withProbe } from '../generators/context-probe.ts';

const EMPTY = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** The code (after the locals) of every defined function. */
function bodies(bytes: Uint8Array): Array<{ start: number; end: number }> {
  const s = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, s.start, s.end);
  const out: Array<{ start: number; end: number }> = [];
  for (let n = r.u32(); n > 0; n--) {
    const end = r.u32() + r.pos;
    for (let g = r.u32(); g > 0; g--) {
      r.u32();
      readValType(r);
    }
    out.push({ start: r.pos, end });
    r.pos = end;
  }
  return out;
}

function branches(bytes: Uint8Array, body: { start: number; end: number }): number[][] {
  return [...instructions(bytes, body.start, body.end)].filter((i) => isBranch(i.op)).map((i) => branchDepths(bytes, i));
}

/** `levels` blocks typed [] → (i32, f64) around the body, by type index `type`. */
function nestedBlocks(levels: number, type: number): BodyContext {
  return {
    locals: [0x7e, 0x7f],
    prefix: Array.from({ length: levels }, () => [0x02, type]).flat(),
    bodyType: [type],
    suffix: new Array<number>(levels).fill(0x0b),
    labels: levels,
    types: [[[], [0x7f, 0x7c]]],
    functions: [],
  };
}

function call(bytes: Uint8Array, arg: number): unknown {
  const instance = new WA.Instance(new WA.Module(bytes));
  return (instance.exports['probe'] as (p: number) => unknown)(arg);
}

describe('wrapBody', () => {
  const { bytes, index } = withProbe(EMPTY, ['i32', 'f64'], 'probe');
  const blockType = readLayout(bytes).typeCount; // the type nestedBlocks appends

  it('deepens exactly the branches that leave the function, by the labels around the body plus its block', () => {
    // Arrange
    const before = branches(bytes, bodies(bytes)[0]!);
    // Act
    const wrapped = wrapBody(bytes, index, nestedBlocks(3, blockType));
    // Assert: the probe's br 1, br_if 1 and br_table [1 0] 1 leave; its inner targets stay
    expect(before).toEqual([[1], [1], [1, 0, 1]]);
    expect(branches(wrapped, bodies(wrapped)[0]!)).toEqual([[5], [5], [5, 0, 5]]);
    expect(WA.validate(wrapped)).toBe(true);
  });

  it('with escape `body`, leaves the depths alone: the branches end the body’s block instead', () => {
    const wrapped = wrapBody(bytes, index, { ...nestedBlocks(3, blockType), escape: 'body' });
    expect(branches(wrapped, bodies(wrapped)[0]!)).toEqual([[1], [1], [1, 0, 1]]);
    for (const p of PROBE_ARGS) expect(call(wrapped, p)).toEqual(call(bytes, p));
  });

  it('keeps every path’s results (escaping branches still return)', () => {
    const wrapped = wrapBody(bytes, index, nestedBlocks(2, blockType));
    for (const p of PROBE_ARGS) expect(call(wrapped, p)).toEqual(call(bytes, p));
    expect(call(bytes, 0)).toEqual([10, 11.25]);
    expect(call(bytes, 3)).toEqual([30, 31.25]);
  });

  it('an escape deepened by one label too few no longer validates (the retargeting is what keeps it valid)', () => {
    // block (result i64) { block ([] → i32 f64) { body } drop drop i64.const 0 } drop i32.const 0 f64.const 0
    const ctx: BodyContext = {
      ...nestedBlocks(0, blockType),
      prefix: [0x02, 0x7e, 0x02, blockType],
      suffix: [0x0b, 0x1a, 0x1a, 0x42, 0x00, 0x0b, 0x1a, 0x41, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0],
      labels: 2,
    };
    expect(WA.validate(wrapBody(bytes, index, ctx))).toBe(true);
    // one label short, the escapes land on the i64 block with (i32, f64) on the stack
    expect(WA.validate(wrapBody(bytes, index, { ...ctx, labels: 1 }))).toBe(false);
  });

  it('appends the context’s locals after the function’s own and describes the function', () => {
    const shape = describeFunction(bytes, index);
    expect(shape).toMatchObject({ index: 0, params: ['i32'], results: ['i32', 'f64'], localCount: 1, funcCount: 1, tableCount: 0 });
    const wrapped = wrapBody(bytes, index, nestedBlocks(1, blockType));
    expect(describeFunction(wrapped, index).localCount).toBe(3);
  });

  it('appends functions and a table (a first table with an MVP segment, a second one by reference types)', () => {
    const identity: BodyContext = {
      ...nestedBlocks(0, blockType),
      types: [
        [[], [0x7f, 0x7c]],
        [[0x7f, 0x7c], [0x7f, 0x7c]],
      ],
      functions: [{ type: blockType + 1, locals: [], body: [0x20, 0x00, 0x20, 0x01, 0x0b] }],
      table: [1],
      suffix: [0x41, 0x00, 0x11, blockType + 1, 0x00],
    };
    const once = wrapBody(bytes, index, identity);
    expect(describeFunction(once, index)).toMatchObject({ funcCount: 2, tableCount: 1 });
    for (const p of PROBE_ARGS) expect(call(once, p)).toEqual(call(bytes, p));
    const twice = wrapBody(once, index, { ...identity, types: [identity.types[1]!], functions: [{ ...identity.functions[0]!, type: blockType + 2 }], table: [2], suffix: [0x41, 0x00, 0x11, blockType + 2, 0x01] });
    expect(describeFunction(twice, index)).toMatchObject({ funcCount: 3, tableCount: 2 });
    for (const p of PROBE_ARGS) expect(call(twice, p)).toEqual(call(bytes, p));
  });

  it('refuses an imported function', () => {
    const c = generateCase('wasi-exit', 1, 0);
    expect(() => describeFunction(c.modules[0]!.bytes, 0)).toThrow(WrapError);
  });
});

/**
 * Code entry `index` of a module's code section, size prefix included, and the bytes of the
 * entries before and after it (without the section's count).
 */
function codeEntrySplit(bytes: Uint8Array, index: number): { before: Uint8Array; entry: Uint8Array; after: Uint8Array; count: number } {
  const s = readSections(bytes).find((x) => x.id === 10)!;
  const r = new Reader(bytes, s.start, s.end);
  const count = r.u32();
  const first = r.pos;
  for (let i = 0; ; i++) {
    const header = r.pos;
    const end = r.u32() + r.pos;
    if (i === index) return { before: bytes.subarray(first, header), entry: bytes.subarray(header, end), after: bytes.subarray(end, s.end), count };
    r.pos = end;
  }
}

/**
 * What wrapping must give around its wrapped entry, built through append.ts's general section
 * editor: that entry (taken from wrap's own output: its encoding is what the tests above check) in
 * place of the original, the context's types, functions, table and segment appended, every other
 * section as it was. wrap writes the module in one pass of its own; the two must agree byte for byte.
 */
function viaEditSections(bytes: Uint8Array, wrapped: Uint8Array, f: number, ctx: BodyContext): Uint8Array {
  const shape = describeFunction(bytes, f);
  const defined = f - readLayout(bytes).imports.filter((i) => i.kind === 'func').length;
  const original = codeEntrySplit(bytes, defined);
  const edits = additionEdits({ types: ctx.types, functions: ctx.functions, globals: [], exports: [] });
  edits.set(10, { replace: { count: original.count, parts: [original.before, codeEntrySplit(wrapped, defined).entry, original.after] }, entries: edits.get(10)?.entries ?? [] });
  if (ctx.table && ctx.table.length > 0) {
    const n = uleb(ctx.table.length);
    const funcs = [...n, ...ctx.table.flatMap((x) => uleb(x))];
    edits.set(4, { entries: [[0x70, 0x01, ...n, ...n]] });
    const at = shape.tableCount;
    edits.set(9, { entries: [at === 0 ? [0x00, 0x41, 0x00, 0x0b, ...funcs] : [0x02, ...uleb(at), 0x41, 0x00, 0x0b, 0x00, ...funcs]] });
  }
  return editSections(bytes, edits);
}

describe('wrap writes the module as the general section editor would', () => {
  it('every defined function of generated cases of seven families, each in a random context', () => {
    const contexts = fc.sample(contextArbitrary(), { seed: 14, numRuns: 500 });
    let compared = 0;
    for (const family of ['core-traps', 'controls', 'wasi-exit', 'thread-panic', 'cancellation', 'isolation', 'jspi']) {
      for (let i = 0; i < 12; i++) {
        for (const { bytes } of generateCase(family, 14, i).modules) {
          const layout = readLayout(bytes);
          const imported = layout.imports.filter((x) => x.kind === 'func').length;
          for (let f = imported; f < layout.funcs.length; f++) {
            const shape = describeFunction(bytes, f);
            const ctx = encodeContext(contexts[compared++ % contexts.length]!, shape).context;
            const wrapped = wrapBody(bytes, f, ctx);
            expect(wrapped, `${family}/${i} function ${f}`).toEqual(viaEditSections(bytes, wrapped, f, ctx));
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
  });
});

describe('instructions', () => {
  it('walks every generated body to exactly its end', () => {
    for (const family of ['core-traps', 'controls', 'wasi-exit']) {
      for (let i = 0; i < 40; i++) {
        const bytes = generateCase(family, 3, i).modules[0]!.bytes;
        for (const body of bodies(bytes)) {
          const all = [...instructions(bytes, body.start, body.end)];
          expect(all.at(-1)).toMatchObject({ op: 0x0b, end: body.end });
        }
      }
    }
  });
});
