/**
 * Dead code: plain-data instruction lists (drawn by fast-check) encoded for one module, to sit
 * where control never arrives. Such code only has to validate, against the polymorphic stack that
 * follows `unreachable` / `br`, so it may hold anything the module could run: trapping arithmetic,
 * calls to any of its functions, loads and stores, global reads, branches. A runtime that executed
 * it, or mis-validated it, would show.
 *
 * The encoder tracks the values pushed since control became unreachable; an instruction whose
 * operands do not match them first drops them (below them the stack is polymorphic, so any pop
 * validates), and the code ends with them dropped, so the enclosing `end` validates.
 */
import fc from 'fast-check';
import { uleb } from '../wasm/leb.ts';
import type { ModuleLayout } from '../wasm/layout.ts';
import type { NumType } from './numeric-ops.ts';
import { constOf, NUM_TYPES, SAFE_OPS, TRAPPING_OPS } from './numeric-ops.ts';

export type DeadOp =
  | { k: 'const' | 'op' | 'call' | 'load' | 'store' | 'global' | 'br'; n: number }
  | { k: 'drop' | 'unreachable' | 'size' }
  | { k: 'block'; body: DeadOp[] };

export function deadOpsArbitrary(depth = 2, maxLength = 8): fc.Arbitrary<DeadOp[]> {
  const n = fc.nat();
  const leaf: Array<fc.Arbitrary<DeadOp>> = [
    fc.record({ k: fc.constantFrom('const' as const, 'op' as const, 'call' as const, 'load' as const, 'store' as const, 'global' as const, 'br' as const), n }),
    fc.record({ k: fc.constantFrom('drop' as const, 'unreachable' as const, 'size' as const) }),
  ];
  const nested = depth > 0 ? [deadOpsArbitrary(depth - 1, 4).map((body) => ({ k: 'block', body }) as const)] : [];
  return fc.array(fc.oneof(...leaf, ...nested), { minLength: 1, maxLength });
}

const ALL_OPS = [...SAFE_OPS, ...TRAPPING_OPS];
const LOADS: Array<[number, NumType]> = [
  [0x28, 'i32'], [0x29, 'i64'], [0x2a, 'f32'], [0x2b, 'f64'], [0x2c, 'i32'], [0x2d, 'i32'], [0x2e, 'i32'], [0x2f, 'i32'],
  [0x30, 'i64'], [0x31, 'i64'], [0x32, 'i64'], [0x33, 'i64'], [0x34, 'i64'], [0x35, 'i64'],
];
const STORES = [0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e];

/** A value the encoder knows is on the stack: a numeric type, or anything else (`other`). */
type Known = NumType | 'other';
const asKnown = (t: string): Known => ((NUM_TYPES as readonly string[]).includes(t) ? (t as NumType) : 'other');

class DeadEncoder {
  readonly out: number[] = [];
  private readonly stack: Known[] = [];
  constructor(private readonly layout: ModuleLayout) {}

  private drop(): void {
    this.stack.pop();
    this.out.push(0x1a);
  }
  private dropAll(): void {
    while (this.stack.length > 0) this.drop();
  }
  /** Makes the known operands on top match `from`, then pops them. */
  private take(from: readonly NumType[]): void {
    const fits = (): boolean => {
      const top = this.stack.slice(-from.length);
      return top.every((t, i) => t === from[from.length - top.length + i]);
    };
    while (this.stack.length > 0 && !fits()) this.drop();
    this.stack.length = Math.max(0, this.stack.length - from.length);
  }
  private memarg(n: number): number[] {
    return [0x00, ...uleb(n % 70_000)];
  }

  /** `labels`: how many labels of the dead region enclose this code (branches stay inside it). */
  encode(ops: readonly DeadOp[], labels: number): void {
    const { funcs, globals, memories } = this.layout;
    for (const d of ops) {
      switch (d.k) {
        case 'const': {
          const t = NUM_TYPES[d.n % 4]!;
          this.out.push(...constOf(t, d.n >> 2));
          this.stack.push(t);
          break;
        }
        case 'op': {
          const o = ALL_OPS[d.n % ALL_OPS.length]!;
          this.take(o.from);
          this.out.push(o.op);
          this.stack.push(o.to);
          break;
        }
        case 'call': {
          const sig = funcs[d.n % Math.max(1, funcs.length)];
          if (!sig) break;
          this.dropAll();
          this.out.push(0x10, ...uleb(d.n % funcs.length));
          for (const r of sig.results) this.stack.push(asKnown(r));
          break;
        }
        case 'load': {
          if (memories.length === 0) break;
          const [op, t] = LOADS[d.n % LOADS.length]!;
          this.dropAll();
          this.out.push(op, ...this.memarg(d.n));
          this.stack.push(t);
          break;
        }
        case 'store':
          if (memories.length === 0) break;
          this.dropAll();
          this.out.push(STORES[d.n % STORES.length]!, ...this.memarg(d.n));
          break;
        case 'size':
          if (memories.length === 0) break;
          this.out.push(0x3f, 0x00);
          this.stack.push(memories[0]!.is64 ? 'i64' : 'i32');
          break;
        case 'global': {
          if (globals.length === 0) break;
          const g = d.n % globals.length;
          this.out.push(0x23, ...uleb(g));
          this.stack.push(asKnown(globals[g]!.type));
          break;
        }
        case 'br':
          this.dropAll();
          this.out.push(0x0c, ...uleb(d.n % (labels + 1)));
          break;
        case 'drop':
          if (this.stack.length > 0) this.drop();
          else this.out.push(0x1a);
          break;
        case 'unreachable':
          this.out.push(0x00);
          this.stack.length = 0;
          break;
        case 'block': {
          this.dropAll();
          // a block's inside starts reachable: `unreachable` first keeps its body dead code too
          this.out.push(0x02, 0x40, 0x00);
          const inner = new DeadEncoder(this.layout);
          inner.encode(d.body, labels + 1);
          this.out.push(...inner.out, 0x0b);
          break;
        }
      }
    }
    this.dropAll();
  }
}

/** Dead code for a module with `layout`, inside `labels` labels of its own dead region. */
export function encodeDead(ops: readonly DeadOp[], layout: ModuleLayout, labels: number): number[] {
  const e = new DeadEncoder(layout);
  e.encode(ops, labels);
  return e.out;
}
