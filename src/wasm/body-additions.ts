/**
 * What a wrapped function's context appends to its module (src/wasm/wrap-body.ts), section by
 * section: how many entries each section gains, and their encoding, written straight into the
 * section being rebuilt.
 */
import { ByteWriter } from './byte-writer.ts';
import type { BodyContext } from './wrap-body.ts';

/** An appended code entry's body, written before its size prefix is known. */
const entry = new ByteWriter(64);

/** The entries a context appends, by section: types (1), functions (3, 10), its table (4) and the segment filling it (9). */
export class BodyAdditions {
  constructor(
    private readonly ctx: BodyContext,
    private readonly tableIndex: number,
  ) {}

  private get tableLength(): number {
    return this.ctx.table?.length ?? 0;
  }

  count(id: number): number {
    switch (id) {
      case 1:
        return this.ctx.types.length;
      case 3:
      case 10:
        return this.ctx.functions.length;
      case 4:
      case 9:
        return this.tableLength > 0 ? 1 : 0;
      default:
        return 0;
    }
  }

  write(id: number, out: ByteWriter): void {
    const { ctx } = this;
    if (id === 1)
      for (const [params, results] of ctx.types) {
        out.byte(0x60);
        out.uleb(params.length);
        out.list(params);
        out.uleb(results.length);
        out.list(results);
      }
    else if (id === 3) for (const f of ctx.functions) out.uleb(f.type);
    else if (id === 10)
      for (const f of ctx.functions) {
        entry.reset();
        entry.uleb(f.locals.length);
        for (const t of f.locals) {
          entry.byte(1);
          entry.byte(t);
        }
        entry.list(f.body);
        out.sized(entry);
      }
    else if (id === 4 && this.tableLength > 0) {
      out.byte(0x70);
      out.byte(0x01);
      out.uleb(this.tableLength);
      out.uleb(this.tableLength);
    } else if (id === 9 && this.tableLength > 0) {
      // flag 0 (table 0, MVP encoding) when the table is the module's first; else flag 2 (explicit table, funcref)
      if (this.tableIndex === 0) out.byte(0x00);
      else {
        out.byte(0x02);
        out.uleb(this.tableIndex);
      }
      out.list([0x41, 0x00, 0x0b]);
      if (this.tableIndex !== 0) out.byte(0x00);
      out.uleb(this.tableLength);
      for (const f of ctx.table!) out.uleb(f);
    }
  }
}
