/**
 * The one walk over binaryen IR that every instrumentation pass shares. binaryen.js has no
 * generic expression visitor, so this table knows the child fields of every expression kind the
 * modules we instrument use (MVP, threads, bulk memory, reference types, exceptions, SIMD); an
 * expression kind it does not know is reported, never silently skipped.
 */
import { binaryen, emitUnoptimised } from '../builder.ts';
import type { BModule, Expr } from '../builder.ts';

/**
 * What instrumented modules may use: what V8 11 (Node 20) runs. Not `Features.All`: binaryen 132
 * then emits newer encodings (e.g. for imports) that V8 11 cannot decode.
 */
const F = binaryen.Features;
export const INSTRUMENT_FEATURES =
  F.MVP | F.Atomics | F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.Multivalue | F.BulkMemory | F.BulkMemoryOpt | F.ReferenceTypes | F.SIMD128 | F.TailCall | F.ExceptionHandling;

export class InstrumentError extends Error {
  override name = 'InstrumentError';
}

/**
 * The frame every rewriting pass shares: parse (a one-line error naming the pass when binaryen
 * cannot read the module), `rewrite` the IR, validate, emit unoptimised (deterministic bytes),
 * and always free the module. `fail` builds the pass's own error class.
 */
export function rewriteModule<T>(
  bytes: Uint8Array,
  pass: string,
  rewrite: (m: BModule) => T,
  fail: (message: string) => InstrumentError = (message) => new InstrumentError(message),
): { bytes: Uint8Array; result: T } {
  let m: BModule;
  try {
    m = binaryen.readBinary(bytes);
  } catch (e) {
    throw fail(`${pass}: binaryen cannot read the module (${String(e)})`);
  }
  try {
    m.setFeatures(INSTRUMENT_FEATURES);
    const result = rewrite(m);
    if (!m.validate()) throw fail(`${pass}: the rewritten module does not validate`);
    return { bytes: emitUnoptimised(m), result };
  } finally {
    m.dispose();
  }
}

type Kind = { cls: string; fields?: string[]; list?: string };

/** Expression id → binaryen class name and its child-expression fields (scalars excluded). */
const KINDS: Record<string, Kind> = {
  Block: { cls: 'Block', list: 'Child' },
  If: { cls: 'If', fields: ['Condition', 'IfTrue', 'IfFalse'] },
  Loop: { cls: 'Loop', fields: ['Body'] },
  Break: { cls: 'Break', fields: ['Condition', 'Value'] },
  Switch: { cls: 'Switch', fields: ['Condition', 'Value'] },
  Call: { cls: 'Call', list: 'Operand' },
  CallIndirect: { cls: 'CallIndirect', fields: ['Target'], list: 'Operand' },
  LocalGet: { cls: 'LocalGet' },
  LocalSet: { cls: 'LocalSet', fields: ['Value'] },
  GlobalGet: { cls: 'GlobalGet' },
  GlobalSet: { cls: 'GlobalSet', fields: ['Value'] },
  Load: { cls: 'Load', fields: ['Ptr'] },
  Store: { cls: 'Store', fields: ['Ptr', 'Value'] },
  Const: { cls: 'Const' },
  Unary: { cls: 'Unary', fields: ['Value'] },
  Binary: { cls: 'Binary', fields: ['Left', 'Right'] },
  Select: { cls: 'Select', fields: ['IfTrue', 'IfFalse', 'Condition'] },
  Drop: { cls: 'Drop', fields: ['Value'] },
  Return: { cls: 'Return', fields: ['Value'] },
  MemorySize: { cls: 'MemorySize' },
  MemoryGrow: { cls: 'MemoryGrow', fields: ['Delta'] },
  Nop: { cls: 'Nop' },
  Unreachable: { cls: 'Unreachable' },
  AtomicRMW: { cls: 'AtomicRMW', fields: ['Ptr', 'Value'] },
  AtomicCmpxchg: { cls: 'AtomicCmpxchg', fields: ['Ptr', 'Expected', 'Replacement'] },
  AtomicWait: { cls: 'AtomicWait', fields: ['Ptr', 'Expected', 'Timeout'] },
  AtomicNotify: { cls: 'AtomicNotify', fields: ['Ptr', 'NotifyCount'] },
  AtomicFence: { cls: 'AtomicFence' },
  SIMDExtract: { cls: 'SIMDExtract', fields: ['Vec'] },
  SIMDReplace: { cls: 'SIMDReplace', fields: ['Vec', 'Value'] },
  SIMDShuffle: { cls: 'SIMDShuffle', fields: ['Left', 'Right'] },
  SIMDTernary: { cls: 'SIMDTernary', fields: ['A', 'B', 'C'] },
  SIMDShift: { cls: 'SIMDShift', fields: ['Vec', 'Shift'] },
  SIMDLoad: { cls: 'SIMDLoad', fields: ['Ptr'] },
  SIMDLoadStoreLane: { cls: 'SIMDLoadStoreLane', fields: ['Ptr', 'Vec'] },
  MemoryInit: { cls: 'MemoryInit', fields: ['Dest', 'Offset', 'Size'] },
  DataDrop: { cls: 'DataDrop' },
  MemoryCopy: { cls: 'MemoryCopy', fields: ['Dest', 'Source', 'Size'] },
  MemoryFill: { cls: 'MemoryFill', fields: ['Dest', 'Value', 'Size'] },
  RefNull: { cls: 'RefNull' },
  RefIsNull: { cls: 'RefIsNull', fields: ['Value'] },
  RefFunc: { cls: 'RefFunc' },
  RefEq: { cls: 'RefEq', fields: ['Left', 'Right'] },
  RefAs: { cls: 'RefAs', fields: ['Value'] },
  TableGet: { cls: 'TableGet', fields: ['Index'] },
  TableSet: { cls: 'TableSet', fields: ['Index', 'Value'] },
  TableSize: { cls: 'TableSize' },
  TableGrow: { cls: 'TableGrow', fields: ['Value', 'Delta'] },
  Try: { cls: 'Try', fields: ['Body'], list: 'CatchBody' },
  Throw: { cls: 'Throw', list: 'Operand' },
  Rethrow: { cls: 'Rethrow' },
  TupleMake: { cls: 'TupleMake', list: 'Operand' },
  TupleExtract: { cls: 'TupleExtract', fields: ['Tuple'] },
  Pop: { cls: 'Pop' },
};

export type Accessors = Record<string, (e: Expr, ...a: unknown[]) => unknown>;
let byId: Map<number, { name: string; kind: Kind; api: Accessors }> | undefined;
function kinds(): Map<number, { name: string; kind: Kind; api: Accessors }> {
  if (byId) return byId;
  byId = new Map();
  const b = binaryen as unknown as Record<string, unknown>;
  for (const [name, kind] of Object.entries(KINDS)) {
    const id = b[`${name}Id`];
    if (typeof id === 'number') byId.set(id, { name, kind, api: (b[kind.cls] ?? {}) as Accessors });
  }
  return byId;
}

export interface ExpressionInfo {
  /** binaryen's class name: `Loop`, `AtomicWait` … */
  name: string;
  api: Accessors;
}

/** The kind of `e`; `pass` names the instrumentation in the error for an unknown kind. */
export function expressionInfo(e: Expr, pass: string): ExpressionInfo & { kind: Kind } {
  const id = binaryen.getExpressionId(e);
  const k = kinds().get(id);
  if (!k) throw new InstrumentError(`${pass} instrumentation: unsupported expression kind (binaryen id ${id})`);
  return k;
}

const LIST_COUNT: Record<string, string> = { Child: 'Children', CatchBody: 'CatchBodies', Operand: 'Operands' };

/**
 * Calls `f` on every child of `e` in evaluation order; where `f` returns another expression,
 * that one replaces the child in place.
 */
export function mapChildren(e: Expr, pass: string, f: (child: Expr) => Expr): void {
  const { kind, api } = expressionInfo(e, pass);
  for (const field of kind.fields ?? []) {
    const child = api[`get${field}`]!(e) as Expr;
    if (!child) continue;
    const next = f(child);
    if (next !== child) api[`set${field}`]!(e, next);
  }
  if (kind.list) {
    const n = api[`getNum${LIST_COUNT[kind.list]}`]!(e) as number;
    for (let i = 0; i < n; i++) {
      const child = api[`get${kind.list}At`]!(e, i) as Expr;
      const next = f(child);
      if (next !== child) api[`set${kind.list}At`]!(e, i, next);
    }
  }
}
