/**
 * Where code can go inside a function body, and putting it there. A boundary is a point between two
 * instructions (before the final `end` included). Code that leaves the stack as it found it and is
 * closed in itself (a balanced block, a call whose result is dropped) is valid at every boundary,
 * reachable or not, and changes no branch depth of the code around it.
 */
import { Reader } from '../wasm/binary-reader.ts';
import { instructions, opensLabel, readLocals } from '../wasm/instructions.ts';
import type { CodeEntry } from './code-entries.ts';
import { writeCode } from './code-entries.ts';
import type { ModuleFacts } from './module-facts.ts';

export interface Boundary {
  /** Byte offset in the module. */
  at: number;
  /** Labels open at this point (blocks, loops, ifs; the function's own label not counted). */
  nesting: number;
}

/** Every boundary of a body, in order. Throws UnknownInstruction for code the walker does not know. */
export function boundaries(bytes: Uint8Array, e: CodeEntry): Boundary[] {
  const r = new Reader(bytes, e.start, e.end);
  readLocals(r);
  const out: Boundary[] = [];
  let nesting = 0;
  for (const ins of instructions(bytes, r.pos, e.end)) {
    out.push({ at: ins.start, nesting });
    if (opensLabel(ins.op)) nesting++;
    else if (ins.op === 0x0b) nesting--;
  }
  return out;
}

/** `facts.bytes` with `code` inserted at byte offset `at` of function `f`'s body. */
export function insertCode(facts: ModuleFacts, f: number, at: number, code: readonly number[]): Uint8Array {
  const e = facts.body(f);
  if (at < e.start || at >= e.end) throw new Error(`mutate: byte ${at} is not inside function ${f}'s body`);
  const b = facts.bytes;
  const body = [...b.subarray(e.start, at), ...code, ...b.subarray(at, e.end)];
  return writeCode(b, new Map([[f - facts.imported, body]]));
}
