/**
 * `.wast` command parser: S-expressions → typed commands. Module text is not parsed here; it is
 * sliced out of the file (positions preserved) for the assembler. Every error is a
 * SPEC_PARSE_ERROR `file:line:col: problem`.
 */
import type { SList, SNode, SString } from './sexpr.ts';
import { describe, headOf, isAtom, isList, readSExprs, SourceText } from './sexpr.ts';
import type { FloatType } from './numbers.ts';
import { LiteralError, parseFloatLiteral, parseIntBits } from './numbers.ts';
import type { TrapcheckError } from '../../errors.ts';
import { concatBytes } from '../../wasm/concat-bytes.ts';

export interface Located {
  /** 1-based line/column of the command's opening parenthesis. */
  line: number;
  col: number;
}

export type ModuleSource =
  /**
   * Module text: a complete `(module …)` whose byte positions match the file (earlier lines
   * blank), with annotations blanked and text-only abbreviations the assembler lacks expanded.
   * `node` is the parsed module (for feature detection).
   */
  | { kind: 'text'; text: Uint8Array; node: SList }
  | { kind: 'binary'; bytes: Uint8Array }
  /** `(module quote …)`: the strings concatenated, wrapped as `(module …)`. */
  | { kind: 'quote'; text: Uint8Array };

export interface ModuleCommand extends Located {
  type: 'module';
  /** `$name` of the module (or of the definition). */
  name?: string;
  /** `(module definition …)`: compiled, not instantiated. */
  definition: boolean;
  source: ModuleSource;
}

/** `(module instance $I $M)`: instantiates a module definition. */
export interface InstanceCommand extends Located {
  type: 'instance';
  name?: string;
  module?: string;
}

export interface RegisterCommand extends Located {
  type: 'register';
  as: string;
  name?: string;
}

export type Const =
  | { type: 'i32' | 'i64' | 'f32' | 'f64'; bits: bigint }
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'ref.null'; heap: string }
  | { type: 'ref.extern' | 'ref.host'; index: number };

export type LanePattern = { bits: bigint } | { nan: 'canonical' | 'arithmetic' };

export type ResultPattern =
  | { type: 'i32' | 'i64'; bits: bigint }
  | { type: FloatType; bits: bigint }
  | { type: FloatType; nan: 'canonical' | 'arithmetic' }
  | { type: 'v128'; shape: V128Shape; lanes: LanePattern[] }
  /** `(ref.null ht?)`: a null of (a subtype of) the heap type; any null when absent. */
  | { type: 'ref.null'; heap?: string }
  /** `(ref.extern n?)` / `(ref.host n?)`: the host reference n, or any non-null one. */
  | { type: 'ref.extern' | 'ref.host'; index?: number }
  /** `(ref.func)`, `(ref.struct)`, `(ref.array)`, `(ref.i31 n?)`, `(ref.eq)`, `(ref.any)`: a non-null reference of that kind. */
  | { type: 'ref.func' | 'ref.struct' | 'ref.array' | 'ref.i31' | 'ref.eq' | 'ref.any' | 'ref.exn'; index?: number }
  | { type: 'either'; options: ResultPattern[] };

export type V128Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';
export const LANES: Record<V128Shape, { count: number; width: 8 | 16 | 32 | 64; float?: FloatType }> = {
  i8x16: { count: 16, width: 8 },
  i16x8: { count: 8, width: 16 },
  i32x4: { count: 4, width: 32 },
  i64x2: { count: 2, width: 64 },
  f32x4: { count: 4, width: 32, float: 'f32' },
  f64x2: { count: 2, width: 64, float: 'f64' },
};

export type Action =
  | { type: 'invoke'; module?: string; field: string; args: Const[] }
  | { type: 'get'; module?: string; field: string };

export interface ActionCommand extends Located {
  type: 'action';
  action: Action;
}

export type Assertion =
  | { type: 'assert_return'; action: Action; results: ResultPattern[] }
  | { type: 'assert_trap'; action: Action; message: string }
  | { type: 'assert_trap_module'; module: ModuleCommand; message: string }
  | { type: 'assert_exhaustion'; action: Action; message: string }
  | { type: 'assert_exception'; action: Action }
  | { type: 'assert_malformed' | 'assert_invalid' | 'assert_unlinkable' | 'assert_uninstantiable'; module: ModuleCommand; message: string };

export type AssertionType = Assertion['type'];

export type AssertionCommand = Located & { type: 'assertion'; assertion: Assertion };

export type Command = ModuleCommand | InstanceCommand | RegisterCommand | ActionCommand | AssertionCommand;

export interface Script {
  file: string;
  commands: Command[];
}

/** Keywords that make a top-level form a module field (a script made of bare fields is one module). */
const MODULE_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data', 'tag']);

/** Parses a whole `.wast` source. Throws SPEC_PARSE_ERROR naming file:line:col. */
export function parseScript(file: string, bytes: Uint8Array): Script {
  const src = SourceText.fromBytes(file, bytes);
  return new ScriptParser(src).parse();
}

class ScriptParser {
  constructor(private readonly src: SourceText) {}

  private err(node: { start: number } | undefined, problem: string, fallback = 0): TrapcheckError {
    return this.src.error(node?.start ?? fallback, problem);
  }

  parse(): Script {
    const nodes = readSExprs(this.src).filter((n) => !isAnnotation(n));
    // A script that consists of module fields only is a single module (inline-module.wast).
    if (nodes.length > 0 && nodes.every((n) => MODULE_FIELDS.has(headOf(n) ?? ''))) {
      const first = nodes[0]!;
      const last = nodes[nodes.length - 1]!;
      const node: SList = { kind: 'list', items: [{ kind: 'atom', text: 'module', start: first.start, end: first.start, line: first.line, col: first.col }, ...nodes], start: first.start, end: last.end, line: first.line, col: first.col };
      const text = this.moduleText(node, first.line, first.col, [], false);
      return {
        file: this.src.file,
        commands: [{ type: 'module', definition: false, source: { kind: 'text', text, node }, line: first.line, col: first.col }],
      };
    }
    return { file: this.src.file, commands: nodes.map((n) => this.command(n)) };
  }

  private command(n: SNode): Command {
    if (!isList(n)) throw this.err(n, `expected a command, found ${describe(n)}`);
    const head = headOf(n);
    const at = { line: n.line, col: n.col };
    switch (head) {
      case 'module':
        return this.module(n);
      case 'register': {
        const name = n.items[1];
        if (name?.kind !== 'string') throw this.err(name ?? n, 'register: expected a module name string');
        const id = n.items[2];
        if (id !== undefined && !isId(id)) throw this.err(id, `register: expected a module $id, found ${describe(id)}`);
        if (n.items.length > 3) throw this.err(n.items[3], 'register: unexpected extra item');
        const cmd: RegisterCommand = { type: 'register', as: this.name(name), ...at };
        if (id) cmd.name = id.text;
        return cmd;
      }
      case 'invoke':
      case 'get':
        return { type: 'action', action: this.action(n), ...at };
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion':
      case 'assert_exception':
      case 'assert_malformed':
      case 'assert_invalid':
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        return { type: 'assertion', assertion: this.assertion(n, head), ...at };
      default:
        throw this.err(n, head ? `unknown command "${head}"` : 'expected a command keyword');
    }
  }

  private assertion(n: SList, head: string): Assertion {
    const target = n.items[1];
    const message = (i: number): string => {
      const m = n.items[i];
      if (m?.kind !== 'string') throw this.err(m ?? n, `${head}: expected a failure message string, found ${describe(m)}`);
      if (n.items.length > i + 1) throw this.err(n.items[i + 1], `${head}: unexpected item after the message`);
      return new TextDecoder().decode(m.bytes);
    };
    switch (head) {
      case 'assert_return': {
        if (!isList(target)) throw this.err(target ?? n, 'assert_return: expected (invoke …) or (get …)');
        return { type: 'assert_return', action: this.action(target), results: n.items.slice(2).map((r) => this.result(r)) };
      }
      case 'assert_trap':
        if (isList(target, 'module')) return { type: 'assert_trap_module', module: this.moduleOnly(target), message: message(2) };
        return { type: 'assert_trap', action: this.actionNode(target, head), message: message(2) };
      case 'assert_exhaustion':
        return { type: 'assert_exhaustion', action: this.actionNode(target, head), message: message(2) };
      case 'assert_exception':
        if (n.items.length > 2) throw this.err(n.items[2], 'assert_exception: unexpected item after the action');
        return { type: 'assert_exception', action: this.actionNode(target, head) };
      default: {
        if (!isList(target, 'module')) throw this.err(target ?? n, `${head}: expected (module …), found ${describe(target)}`);
        const mod = this.moduleOnly(target);
        return { type: head as 'assert_invalid', module: mod, message: message(2) };
      }
    }
  }

  private actionNode(n: SNode | undefined, head: string): Action {
    if (!isList(n)) throw this.err(n, `${head}: expected (invoke …) or (get …), found ${describe(n)}`);
    return this.action(n);
  }

  private action(n: SList): Action {
    const head = headOf(n);
    if (head !== 'invoke' && head !== 'get') throw this.err(n, `expected (invoke …) or (get …), found ${describe(n)}`);
    let i = 1;
    let module: string | undefined;
    if (isId(n.items[i])) module = (n.items[i++] as { text: string }).text;
    const field = n.items[i++];
    if (field?.kind !== 'string') throw this.err(field ?? n, `${head}: expected an export name string, found ${describe(field)}`);
    const name = this.name(field);
    if (head === 'get') {
      if (i < n.items.length) throw this.err(n.items[i], 'get: unexpected item after the export name');
      return module === undefined ? { type: 'get', field: name } : { type: 'get', module, field: name };
    }
    const args = n.items.slice(i).map((a) => this.constant(a));
    return module === undefined ? { type: 'invoke', field: name, args } : { type: 'invoke', module, field: name, args };
  }

  private name(s: SString): string {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(s.bytes);
    } catch {
      throw this.err(s, 'name is not valid UTF-8');
    }
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

  private constant(n: SNode): Const {
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

  private result(n: SNode): ResultPattern {
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

  /** A module inside an assertion: `(module instance …)` is not allowed there. */
  private moduleOnly(n: SList): ModuleCommand {
    const m = this.module(n);
    if (m.type !== 'module') throw this.err(n, 'expected a module, found (module instance …)');
    return m;
  }

  private module(n: SList): ModuleCommand | InstanceCommand {
    const at = { line: n.line, col: n.col };
    let i = 1;
    let definition = false;
    const blank: Edit[] = [];
    if (isAtom(n.items[i], 'definition')) {
      definition = true;
      blank.push({ start: n.items[i]!.start, end: n.items[i]!.end, text: '' });
      i++;
    } else if (isAtom(n.items[i], 'instance')) {
      return this.instance(n);
    }
    let name: string | undefined;
    if (isId(n.items[i])) {
      name = (n.items[i] as { text: string }).text;
      i++;
    }
    const withName = (m: ModuleCommand): ModuleCommand => {
      if (name !== undefined) m.name = name;
      return m;
    };
    const kw = n.items[i];
    if (isAtom(kw, 'binary') || isAtom(kw, 'quote')) {
      const parts = n.items.slice(i + 1);
      const chunks: Uint8Array[] = [];
      for (const p of parts) {
        if (p.kind !== 'string') throw this.err(p, `module ${kw.text}: expected strings, found ${describe(p)}`);
        chunks.push(p.bytes);
      }
      const bytes = concatBytes(chunks);
      if (kw.text === 'binary') return withName({ type: 'module', definition, source: { kind: 'binary', bytes }, ...at });
      return withName({ type: 'module', definition, source: { kind: 'quote', text: concatBytes([ascii('(module '), bytes, ascii('\n)')]) }, ...at });
    }
    // Text module: keep positions; blank out `definition` so the assembler sees a plain module.
    const text = this.moduleText(n, n.line, n.col, blank, true);
    return withName({ type: 'module', definition, source: { kind: 'text', text, node: n }, ...at });
  }

  private instance(n: SList): InstanceCommand {
    const ids = n.items.slice(2);
    for (const id of ids) if (!isId(id)) throw this.err(id, `module instance: expected a $id, found ${describe(id)}`);
    if (ids.length > 2) throw this.err(ids[2], 'module instance: unexpected extra item');
    const cmd: InstanceCommand = { type: 'instance', line: n.line, col: n.col };
    const texts = ids.map((x) => (x as { text: string }).text);
    if (texts.length === 2) {
      cmd.name = texts[0]!;
      cmd.module = texts[1]!;
    } else if (texts.length === 1) cmd.module = texts[0]!;
    return cmd;
  }

  /**
   * Source bytes of a module preceded by blank lines/columns so that the assembler's line:col
   * are the file's, with `edits` applied. `wrapped` means the node is already a `(module …)`
   * list in the source (else it is a synthetic list of bare fields).
   */
  private moduleText(node: SList, line: number, col: number, edits: Edit[], wrapped: boolean): Uint8Array {
    const { start, end } = node;
    collectTextEdits(node, edits);
    edits.sort((a, b) => a.start - b.start);
    const parts: Uint8Array[] = [ascii('\n'.repeat(line - 1) + ' '.repeat(col - 1))];
    if (!wrapped) parts.push(ascii('(module '));
    let at = start;
    for (const e of edits) {
      if (e.start < at) continue; // nested inside an earlier edit (an annotation inside an annotation)
      parts.push(this.src.bytes(at, e.start));
      // Same length where possible so later columns stay right.
      parts.push(ascii(e.text.padEnd(e.end - e.start, ' ')));
      at = e.end;
    }
    parts.push(this.src.bytes(at, end));
    if (!wrapped) parts.push(ascii('\n)'));
    return concatBytes(parts);
  }
}

interface Edit {
  start: number;
  end: number;
  /** Replacement text (padded with spaces to the original length). */
  text: string;
}

/** `(ref null ht)` for abstract heap types has a one-word abbreviation the assembler knows. */
const NULLABLE_ABBREV: Record<string, string> = {
  func: 'funcref',
  extern: 'externref',
  exn: 'exnref',
  any: 'anyref',
  eq: 'eqref',
  i31: 'i31ref',
  struct: 'structref',
  array: 'arrayref',
  none: 'nullref',
  nofunc: 'nullfuncref',
  noextern: 'nullexternref',
  noexn: 'nullexnref',
};

const PLAIN_ID = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/**
 * Text-level rewrites that keep the module's meaning but let wabt 1.0.39 read it: annotations
 * are blanked (they carry no semantics in core modules), `(ref null func)` becomes `funcref`
 * (the spec's own abbreviation), and `$"…"` identifiers become plain identifiers.
 */
function collectTextEdits(node: SList, edits: Edit[]): void {
  for (const a of node.annotations ?? []) edits.push({ start: a.start, end: a.end, text: '' });
  const [h, n, ht] = node.items;
  if (node.items.length === 3 && isAtom(h, 'ref') && isAtom(n, 'null') && isAtom(ht) && ht.text in NULLABLE_ABBREV) {
    edits.push({ start: node.start, end: node.end, text: NULLABLE_ABBREV[ht.text]! });
    return;
  }
  for (const item of node.items) {
    if (item.kind === 'list') collectTextEdits(item, edits);
    else if (item.kind === 'atom' && item.text.startsWith('$"')) edits.push({ start: item.start, end: item.end, text: quotedIdToPlain(item.text) });
  }
}

function quotedIdToPlain(text: string): string {
  // The atom is `$` followed by a string literal; decode it like any string.
  const inner = readSExprs(new SourceText('id', text.slice(1)))[0];
  const bytes = inner?.kind === 'string' ? inner.bytes : new Uint8Array();
  const plain = String.fromCharCode(...bytes);
  if (bytes.length > 0 && PLAIN_ID.test(plain)) return `$${plain}`;
  return `$q${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function isId(n: SNode | undefined): n is SNode & { kind: 'atom'; text: string } {
  return isAtom(n) && n.text.startsWith('$');
}

function isAnnotation(n: SNode): boolean {
  return headOf(n)?.startsWith('@') ?? false;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Little-endian bytes of a v128 from lane bits. */
export function lanesToBytes(shape: V128Shape, lanes: bigint[]): Uint8Array {
  const { width } = LANES[shape];
  const out = new Uint8Array(16);
  const bytesPer = width / 8;
  lanes.forEach((v, i) => {
    let x = BigInt.asUintN(width, v);
    for (let b = 0; b < bytesPer; b++) {
      out[i * bytesPer + b] = Number(x & 0xffn);
      x >>= 8n;
    }
  });
  return out;
}

/** Lane bits of a v128 read with a shape. */
export function bytesToLanes(shape: V128Shape, bytes: Uint8Array): bigint[] {
  const { width, count } = LANES[shape];
  const bytesPer = width / 8;
  const lanes: bigint[] = [];
  for (let i = 0; i < count; i++) {
    let x = 0n;
    for (let b = bytesPer - 1; b >= 0; b--) x = (x << 8n) | BigInt(bytes[i * bytesPer + b]!);
    lanes.push(x);
  }
  return lanes;
}
