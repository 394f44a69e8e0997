/**
 * Reads back from an encoded context's bytes which constructs it contains, independently of the
 * parameter tree: `sure` holds constructs only that construct's code can produce, `possible` every
 * construct whose code could explain what is there. A correct tagging lies between the two; for
 * the constructs with a unique signature (calls, select, return, br_table, loops, ifs, dead code)
 * the two agree, so the check is exact for them.
 *
 * Meant for a function whose results R are non-empty, so blocks typed [] → R and R → R differ
 * from the pure code's empty block types.
 */
import { Reader } from '../../src/wasm/binary-reader.ts';
import { readInstruction } from '../../src/wasm/instructions.ts';
import type { BodyContext, FunctionShape } from '../../src/wasm/wrap-body.ts';

interface Frame {
  op: number;
  params: string;
  results: string;
  /** After `unreachable`, `br`, `br_table` or `return`: the rest of the block is dead code. */
  unreachable: boolean;
  /** Instructions seen in this block so far. */
  count: number;
}

const TRANSFERS = new Set([0x00, 0x0c, 0x0e, 0x0f]);

export function contextEvidence(ctx: BodyContext, shape: FunctionShape): { sure: Set<string>; possible: Set<string> } {
  const code = Uint8Array.from([...ctx.prefix, ...ctx.suffix, 0x0b]);
  const sure = new Set<string>();
  const possible = new Set<string>();
  const both = (c: string): void => {
    sure.add(c);
    possible.add(c);
  };
  const R = JSON.stringify(shape.results.map((t) => ({ i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c })[t as 'i32']));
  const blockType = (r: Reader): { params: string; results: string } => {
    const b = code[r.pos]!;
    if (b === 0x40 || b >= 0x6f) {
      r.byte();
      return { params: '[]', results: b === 0x40 ? '[]' : `[${b}]` };
    }
    const t = ctx.types[r.s33() - shape.typeCount]!;
    return { params: JSON.stringify(t[0]), results: JSON.stringify(t[1]) };
  };
  const frames: Frame[] = [{ op: -1, params: '[]', results: R, unreachable: false, count: 0 }];
  const r = new Reader(code, 0, code.length);
  while (r.pos < code.length) {
    const start = r.pos;
    const op = code[start]!;
    const frame = frames.at(-1)!;
    if (frame.unreachable && op !== 0x0b && op !== 0x05) both('dead-code');
    if (op === 0x00) both('dead-code');
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      r.byte();
      const t = blockType(r);
      const emptyType = t.params === '[]' && t.results === '[]';
      const produces = t.params === '[]' && t.results === R;
      const keeps = t.params === R && t.results === R;
      if (op === 0x03) both(emptyType ? 'pre-code' : produces ? 'loop' : 'loop-params');
      if (op === 0x04) both(emptyType ? 'pre-code' : 'if');
      if (op === 0x02 && emptyType && code[r.pos] !== 0x00) both('pre-code'); // a dead block starts with unreachable
      if (op === 0x02 && produces) for (const c of ['block', 'br-values', 'br_if-values', 'br_table-values']) possible.add(c);
      if (op === 0x02 && t.params !== '[]') {
        if (!keeps) sure.add('block-params'); // constants passed in: only block-params around the body
        for (const c of ['block-params', 'br-values', 'br_if-values', 'br_table-values']) possible.add(c);
      }
      frame.count++;
      frames.push({ op, ...t, unreachable: false, count: 0 });
      continue;
    }
    const ins = readInstruction(r);
    if (op === 0x0b) {
      frames.pop();
      continue;
    }
    if (op === 0x05) frame.unreachable = false;
    else if (op === 0x10) both('call');
    else if (op === 0x11) both('call_indirect');
    else if (op === 0x1b || op === 0x1c) both('select');
    else if (op === 0x0f) both('return');
    else if (op === 0x0e) both('br_table-values');
    else if (op === 0x0c) {
      possible.add('br-values');
      // a live br, or the first thing in a block that keeps R: a construct's, not dead code's
      if (!frame.unreachable || (frame.count === 0 && frame.params === R)) sure.add('br-values');
    } else if (op === 0x0d) both(frame.op === 0x03 ? (frame.params === '[]' ? 'pre-code' : 'loop-params') : 'br_if-values');
    else if (op === 0x21 || op === 0x22) {
      possible.add('locals');
      possible.add('pre-code');
      // tee then set (two locals per value): the locals carry's chain, when live
      if (op === 0x22 && !frame.unreachable && code[ins.end] === 0x21) sure.add('locals');
    } else if (op >= 0x41 && op <= 0x44) possible.add('pre-code');
    if (TRANSFERS.has(op)) frame.unreachable = true;
    frame.count++;
  }
  return { sure, possible };
}
