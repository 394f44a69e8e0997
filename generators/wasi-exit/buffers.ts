/**
 * Where a wasi-exit command keeps what `fd_write` reads and writes: the text, the iovecs that
 * point into it, `write_all`'s working copy of one write's iovecs (`scratch`) and the `nwritten`
 * word. Four blocks, placed anywhere in a 1- or 2-page memory: in any order, packed or with
 * gaps, as a run that ends exactly at the memory's last byte (or just before it), starts at 0,
 * or sits anywhere between (issue #18: WASI buffer pointers anywhere in memory).
 *
 * Every block is in bounds and no two overlap, so the output stays exact. The iovecs, `scratch`
 * and `nwritten` are 4-aligned: a misaligned iovec or `nwritten` traps in some runtimes
 * (wasmtime, wasmi) and not in others (WASI#523), so it is no case for an exact expectation.
 */
import fc from 'fast-check';
import type { BoundaryDraw } from '../values.ts';
import { boundaryOffset } from '../values.ts';

export const PAGE = 65536;
export const BLOCKS = ['text', 'iovs', 'scratch', 'nwritten'] as const;
export type Block = (typeof BLOCKS)[number];
const ALIGN: Record<Block, number> = { text: 1, iovs: 4, scratch: 4, nwritten: 4 };
/** `write_all` copies one write's iovecs: at most 2 (a split write). */
export const SCRATCH_BYTES = 16;

/** Where the run of blocks ends against the memory's end, or `interior`: at `fraction` / 2^16 of the free space. */
export type RunEnd = BoundaryDraw | { anchor: 'interior'; fraction: number; class: 'interior' };

export interface BufferPlacement {
  pages: 1 | 2;
  /** The blocks' order in memory: an index into the 24 permutations of BLOCKS. */
  order: number;
  /** Free bytes after each block, in that order. */
  gaps: number[];
  end: RunEnd;
}

/** The in-bounds classes of the run's end (values.ts boundaryOffset against the memory size) and `interior`. */
export const BUFFER_END_CLASSES = ['at-limit', 'limit-1', 'below-limit', 'zero', 'interior'] as const;

const inBounds = (d: BoundaryDraw): boolean => d.anchor === 'zero' || (d.anchor === 'limit' && d.delta <= 0);
const gap = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 65, max: 4096 }) });

export const bufferPlacementArbitrary: fc.Arbitrary<BufferPlacement> = fc.record({
  pages: fc.constantFrom(1 as const, 2 as const),
  order: fc.noBias(fc.nat({ max: 23 })),
  gaps: fc.array(gap, { minLength: 4, maxLength: 4 }),
  end: fc.oneof(
    { weight: 3, arbitrary: boundaryOffset().filter(inBounds) as fc.Arbitrary<RunEnd> },
    { weight: 1, arbitrary: fc.nat({ max: 0x10000 }).map((fraction): RunEnd => ({ anchor: 'interior', fraction, class: 'interior' })) },
  ),
});

/** Permutation `k` (0 … 23) of BLOCKS. */
export function blockOrder(k: number): Block[] {
  const rest: Block[] = [...BLOCKS];
  const out: Block[] = [];
  for (let n = rest.length; n > 0; n--) {
    const f = k % n;
    k = Math.floor(k / n);
    out.push(rest.splice(f, 1)[0]!);
  }
  return out;
}

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;
const alignDown = (x: number, a: number): number => Math.floor(x / a) * a;

/** Start address of each block: pure, in bounds, no overlaps (sizes in bytes, each ≤ a few hundred). */
export function placeBlocks(p: BufferPlacement, sizes: Record<Block, number>): Record<Block, number> {
  const memSize = p.pages * PAGE;
  const order = blockOrder(p.order);
  const gaps = order.map((_, i) => p.gaps[i] ?? 0);
  const at = {} as Record<Block, number>;
  const forward = (base: number): number => {
    let pos = base;
    order.forEach((b, i) => {
      at[b] = alignUp(pos, ALIGN[b]);
      pos = at[b] + sizes[b] + gaps[i]!;
    });
    return pos - base;
  };
  if (p.end.anchor === 'zero') forward(0);
  else if (p.end.anchor === 'interior') {
    const span = forward(0);
    forward(alignDown(Math.floor(((memSize - span - 8) * p.end.fraction) / 0x10000), 4));
  } else {
    if (p.end.anchor === 'absolute') throw new Error(`wasi-exit: a buffer run cannot end at an absolute address (${p.end.class})`);
    // packed backwards from the run's end, so the last block ends there (an aligned one at most 3 bytes before)
    let end = memSize + p.end.delta;
    for (let i = order.length - 1; i >= 0; i--) {
      const b = order[i]!;
      if (i < order.length - 1) end -= gaps[i]!;
      at[b] = alignDown(end - sizes[b], ALIGN[b]);
      end = at[b];
    }
  }
  return at;
}
