/**
 * What transforms need to know about one module, read once per transform from its bytes: the
 * index spaces (src/wasm/layout.ts), the function bodies, and (lazily, since it walks every
 * body) which functions lie on a call cycle.
 */
import { readLayout } from '../wasm/layout.ts';
import type { ModuleLayout } from '../wasm/layout.ts';
import { sectionCount } from '../wasm/sections.ts';
import { recursiveFunctions } from './call-graph.ts';
import type { CodeEntry } from './code-entries.ts';
import { readCodeEntries } from './code-entries.ts';

export class ModuleFacts {
  readonly layout: ModuleLayout;
  /** Imported functions: the first defined function's index. */
  readonly imported: number;
  readonly bodies: CodeEntry[];
  /** Tables and memories, imported ones included. */
  readonly tables: number;
  readonly memories: number;
  private recursive: Set<number> | undefined;

  constructor(readonly bytes: Uint8Array) {
    this.layout = readLayout(bytes);
    this.imported = this.layout.imports.filter((i) => i.kind === 'func').length;
    this.bodies = readCodeEntries(bytes);
    this.tables = this.layout.imports.filter((i) => i.kind === 'table').length + sectionCount(bytes, 4);
    this.memories = this.layout.memories.length;
  }

  /** Every function index, imports included. */
  get funcCount(): number {
    return this.layout.funcs.length;
  }

  /** The body of function `f` (a defined function's index in the whole index space). */
  body(f: number): CodeEntry {
    const e = this.bodies[f - this.imported];
    if (!e) throw new Error(`mutate: function ${f} is not a defined function`);
    return e;
  }

  /**
   * Defined functions a transform may grow (locals, frames, stack height): every one not on a call
   * cycle. Walks every body: throws UnknownInstruction for code the walker does not know.
   */
  growable(): number[] {
    this.recursive ??= recursiveFunctions(this.bytes, this.layout, this.bodies);
    const out: number[] = [];
    for (let f = this.imported; f < this.funcCount; f++) if (!this.recursive.has(f)) out.push(f);
    return out;
  }
}
