/**
 * The values inside `.wast` commands: argument constants (`(i32.const 1)`, `(v128.const …)`,
 * `(ref.extern 1)`) and result patterns (NaN patterns, lane patterns, `(ref.func)`, `either`).
 * Literal errors become SPEC_PARSE_ERROR `file:line:col: problem` at the literal.
 */
import type { TrapcheckError } from '../../errors.ts';
import { LiteralError, parseFloatLiteral, parseIntBits } from './numbers.ts';
import type { Const, ResultPattern } from './script-commands.ts';
import type { SList, SNode, SourceText } from './sexpr.ts';
import { describe, headOf, isAtom, isList } from './sexpr.ts';
import type { LanePattern, V128Shape } from './v128-lanes.ts';
import { LANES, lanesToBytes } from './v128-lanes.ts';

export class ScriptValueParser {
  constructor(private readonly src: SourceText) {}

  private err(node: { start: number } | undefined, problem: string, fallback = 0): TrapcheckError {
    return this.src.error(node?.start ?? fallback, problem);
  }

  private literal<T>(n: SNode | undefined, parent: SNode, f: (text: string) => T): T {
    if (!isAtom(n)) throw this.err(n ?? parent, `expected a number, found ${describe(n)}`);
    try {
      return f(n.text);
    } catch (e) {
      if (e instanceof LiteralError) throw this.err(n, e.message);
      throw e;
    }
  }

  constant(n: SNode): Const {
    if (!isList(n)) throw this.err(n, `expected a constant, found ${describe(n)}`);
    const head = headOf(n);
    const arity = (k: number): void => {
      if (n.items.length !== k + 1) throw this.err(n.items[k + 1] ?? n, `${head}: expected ${k} operand${k === 1 ? '' : 's'}`);
    };
    switch (head) {
      case 'i32.const':
      case 'i64.const':
        arity(1);
        return { type: head === 'i32.const' ? 'i32' : 'i64', bits: this.literal(n.items[1], n, (t) => parseIntBits(t, head === 'i32.const' ? 32 : 64)) };
      case 'f32.const':
      case 'f64.const': {
        arity(1);
        const type = head === 'f32.const' ? 'f32' : 'f64';
        const lit = this.literal(n.items[1], n, (t) => parseFloatLiteral(t, type));
        if (lit.kind !== 'bits') throw this.err(n.items[1], 'NaN patterns are only allowed in results');
        return { type, bits: lit.bits };
      }
      case 'v128.const': {
        const { shape, lanes } = this.v128(n, false);
        return { type: 'v128', bytes: lanesToBytes(shape, lanes.map((l) => ('bits' in l ? l.bits : 0n))) };
      }
      case 'ref.null': {
        arity(1);
        const ht = n.items[1];
        if (!isAtom(ht)) throw this.err(ht ?? n, 'ref.null: expected a heap type');
        return { type: 'ref.null', heap: ht.text };
      }
      case 'ref.extern':
      case 'ref.host': {
        arity(1);
        const index = Number(this.literal(n.items[1], n, (t) => parseIntBits(t, 32)));
        return { type: head, index };
      }
      default:
        throw this.err(n, `unknown constant ${describe(n)}`);
    }
  }

  private v128(n: SList, patterns: boolean): { shape: V128Shape; lanes: LanePattern[] } {
    const shapeNode = n.items[1];
    if (!isAtom(shapeNode) || !(shapeNode.text in LANES)) throw this.err(shapeNode ?? n, `v128.const: expected a lane shape (i8x16 … f64x2), found ${describe(shapeNode)}`);
    const shape = shapeNode.text as V128Shape;
    const info = LANES[shape];
    const laneNodes = n.items.slice(2);
    if (laneNodes.length !== info.count) throw this.err(laneNodes[info.count] ?? n, `v128.const ${shape}: expected ${info.count} lanes, found ${laneNodes.length}`);
    const lanes = laneNodes.map((l): LanePattern => {
      if (info.float) {
        const lit = this.literal(l, n, (t) => parseFloatLiteral(t, info.float!, patterns));
        return lit.kind === 'bits' ? { bits: lit.bits } : { nan: lit.nan };
      }
      return { bits: this.literal(l, n, (t) => parseIntBits(t, info.width)) };
    });
    return { shape, lanes };
  }

  result(n: SNode): ResultPattern {
    if (!isList(n)) throw this.err(n, `expected a result, found ${describe(n)}`);
    const head = headOf(n);
    switch (head) {
      case 'i32.const':
      case 'i64.const': {
        const c = this.constant(n);
        return c as ResultPattern;
      }
      case 'f32.const':
      case 'f64.const': {
        if (n.items.length !== 2) throw this.err(n, `${head}: expected 1 operand`);
        const type = head === 'f32.const' ? 'f32' : 'f64';
        const lit = this.literal(n.items[1], n, (t) => parseFloatLiteral(t, type, true));
        return lit.kind === 'bits' ? { type, bits: lit.bits } : { type, nan: lit.nan };
      }
      case 'v128.const':
        return { type: 'v128', ...this.v128(n, true) };
      case 'ref.null': {
        if (n.items.length > 2) throw this.err(n.items[2], 'ref.null: unexpected extra item');
        const ht = n.items[1];
        if (ht !== undefined && !isAtom(ht)) throw this.err(ht, 'ref.null: expected a heap type');
        return ht ? { type: 'ref.null', heap: ht.text } : { type: 'ref.null' };
      }
      case 'ref.extern':
      case 'ref.host':
      case 'ref.func':
      case 'ref.struct':
      case 'ref.array':
      case 'ref.i31':
      case 'ref.eq':
      case 'ref.any':
      case 'ref.exn': {
        if (n.items.length > 2) throw this.err(n.items[2], `${head}: unexpected extra item`);
        const idx = n.items[1];
        // `(ref.func $f)` names a function we cannot see from outside; it only asks for a non-null funcref.
        if (idx === undefined || (isAtom(idx) && idx.text.startsWith('$'))) return { type: head };
        return { type: head, index: Number(this.literal(idx, n, (t) => parseIntBits(t, 32))) };
      }
      case 'either':
        if (n.items.length < 2) throw this.err(n, 'either: expected at least one result');
        return { type: 'either', options: n.items.slice(1).map((r) => this.result(r)) };
      default:
        throw this.err(n, `unknown result ${describe(n)}`);
    }
  }
}
