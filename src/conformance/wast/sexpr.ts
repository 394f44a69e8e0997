/**
 * S-expression reader for `.wast` scripts (the WebAssembly text format's token rules).
 *
 * The source is handled as bytes (decoded latin1, so one char = one byte): spec files contain raw
 * control bytes and non-UTF-8 bytes inside comments and strings (`comments.wast`), and module text
 * is handed to the assembler byte for byte. Every node keeps its byte span and 1-based line/column
 * so commands can slice their module text out of the file and errors can point at it.
 */
import { TrapcheckError } from '../../errors.ts';

export interface Pos {
  /** Byte offset of the node's first byte. */
  start: number;
  /** Byte offset just past the node's last byte. */
  end: number;
  line: number;
  col: number;
}

export type SNode = SAtom | SString | SList;

/** A keyword, identifier (`$x`, `$"x"`), number or reserved token. */
export interface SAtom extends Pos {
  kind: 'atom';
  text: string;
}

/** A string literal; `bytes` are the decoded contents, `raw` the source text between the quotes. */
export interface SString extends Pos {
  kind: 'string';
  bytes: Uint8Array;
  raw: string;
}

export interface SList extends Pos {
  kind: 'list';
  /** Items without annotations. */
  items: SNode[];
  /** Annotations `(@id …)` found directly in this list (trivia for the script grammar). */
  annotations?: SList[];
}

export function isAtom(n: SNode | undefined, text?: string): n is SAtom {
  return n !== undefined && n.kind === 'atom' && (text === undefined || n.text === text);
}
export function isList(n: SNode | undefined, head?: string): n is SList {
  return n !== undefined && n.kind === 'list' && (head === undefined || isAtom(n.items[0], head));
}
/** The keyword a list starts with, or undefined. */
export function headOf(n: SNode | undefined): string | undefined {
  return n?.kind === 'list' && n.items[0]?.kind === 'atom' ? n.items[0].text : undefined;
}

/** Latin1 view of bytes: char code i === byte i. */
export function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

export class SourceText {
  private lineStarts: number[] | undefined;
  constructor(
    readonly file: string,
    /** Latin1 text (one char per byte). */
    readonly text: string,
  ) {}

  static fromBytes(file: string, bytes: Uint8Array): SourceText {
    return new SourceText(file, bytesToLatin1(bytes));
  }

  /** 1-based line and column of a byte offset. */
  position(offset: number): { line: number; col: number } {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  error(offset: number, problem: string): TrapcheckError {
    const { line, col } = this.position(offset);
    return new TrapcheckError('SPEC_PARSE_ERROR', `${this.file}:${line}:${col}: ${problem}`);
  }

  /** The source bytes of a span (for handing module text to the assembler). */
  bytes(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = this.text.charCodeAt(i);
    return out;
  }
}

const HEX = /^[0-9a-fA-F]$/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Characters that end an atom (`;` only when it starts a `;;` comment). */
function endsAtom(c: number, next: number): boolean {
  return isSpace(c) || c === 0x28 /* ( */ || c === 0x29 /* ) */ || c === 0x22 /* " */ || (c === 0x3b && next === 0x3b);
}

/** Appends the UTF-8 encoding of a code point. */
function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/**
 * Reads all top-level S-expressions of a source. Comments (`;; …`, nested `(; … ;)`) and
 * whitespace are skipped; anything else outside a list (a stray atom) is kept as a node so the
 * command parser can report it at its position. `strict` also rejects the lexical errors the
 * text format defines for identifiers and annotation ids (empty, or not UTF-8), which the
 * assembler lets through.
 */
export function readSExprs(src: SourceText, strict = false): SNode[] {
  const text = src.text;
  const n = text.length;
  let i = 0;

  const skipTrivia = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
      } else if (c === 0x3b && text.charCodeAt(i + 1) === 0x3b) {
        while (i < n && text.charCodeAt(i) !== 0x0a) i++;
      } else if (c === 0x28 && text.charCodeAt(i + 1) === 0x3b) {
        const open = i;
        let depth = 1;
        i += 2;
        while (depth > 0) {
          if (i >= n) throw src.error(open, 'unterminated block comment');
          if (text.charCodeAt(i) === 0x28 && text.charCodeAt(i + 1) === 0x3b) {
            depth++;
            i += 2;
          } else if (text.charCodeAt(i) === 0x3b && text.charCodeAt(i + 1) === 0x29) {
            depth--;
            i += 2;
          } else i++;
        }
      } else return;
    }
  };

  const readString = (): { bytes: Uint8Array; raw: string; end: number } => {
    const open = i;
    i++; // opening quote
    const out: number[] = [];
    for (;;) {
      if (i >= n) throw src.error(open, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x0a) throw src.error(open, 'unterminated string (newline inside a string)');
      if (c !== 0x5c) {
        out.push(c);
        i++;
        continue;
      }
      const e = text[i + 1];
      switch (e) {
        case 'n':
          out.push(10);
          i += 2;
          break;
        case 't':
          out.push(9);
          i += 2;
          break;
        case 'r':
          out.push(13);
          i += 2;
          break;
        case '"':
        case "'":
        case '\\':
          out.push(e.charCodeAt(0));
          i += 2;
          break;
        case 'u': {
          const close = text.indexOf('}', i);
          const hex = text.slice(i + 3, close);
          if (text[i + 2] !== '{' || close < 0 || !/^[0-9a-fA-F](_?[0-9a-fA-F])*$/.test(hex))
            throw src.error(i, 'malformed \\u{…} escape in string');
          const cp = parseInt(hex.replaceAll('_', ''), 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw src.error(i, 'malformed \\u{…} escape in string');
          pushUtf8(out, cp);
          i = close + 1;
          break;
        }
        default: {
          const h1 = text[i + 1] ?? '';
          const h2 = text[i + 2] ?? '';
          if (!HEX.test(h1) || !HEX.test(h2)) throw src.error(i, 'unknown escape in string');
          out.push(parseInt(h1 + h2, 16));
          i += 3;
        }
      }
    }
    i++; // closing quote
    return { bytes: Uint8Array.from(out), raw: text.slice(open + 1, i - 1), end: i };
  };

  const readNode = (): SNode => {
    const start = i;
    const { line, col } = src.position(start);
    const c = text.charCodeAt(i);
    if (c === 0x28) {
      i++;
      const items: SNode[] = [];
      let annotations: SList[] | undefined;
      for (;;) {
        skipTrivia();
        if (i >= n) throw src.error(start, 'unclosed parenthesis');
        if (text.charCodeAt(i) === 0x29) {
          i++;
          const list: SList = { kind: 'list', items, start, end: i, line, col };
          if (annotations) list.annotations = annotations;
          return list;
        }
        const item = readNode();
        // Annotations `(@id …)` are trivia for the script grammar (they stay in module text).
        if (isAnnotationList(item)) (annotations ??= []).push(item);
        else items.push(item);
      }
    }
    if (c === 0x29) throw src.error(start, 'unexpected ")"');
    if (c === 0x22) {
      const s = readString();
      return { kind: 'string', bytes: s.bytes, raw: s.raw, start, end: s.end, line, col };
    }
    // Atom; `$"…"` is an identifier written as a string, `@"…"` an annotation id.
    while (i < n && !endsAtom(text.charCodeAt(i), text.charCodeAt(i + 1))) i++;
    if (i === start) i++; // a lone reserved character such as `;`
    let quoted: Uint8Array | undefined;
    if (text.charCodeAt(i) === 0x22 && i - start === 1 && (text.charCodeAt(start) === 0x24 || text.charCodeAt(start) === 0x40)) {
      quoted = readString().bytes;
    }
    if (strict) {
      const sigil = text[start];
      if ((sigil === '$' || sigil === '@') && (i - start === 1 || (quoted && quoted.length === 0)))
        throw src.error(start, sigil === '$' ? 'empty identifier' : 'empty annotation id');
      if (quoted && utf8(quoted) === undefined) throw src.error(start, 'malformed UTF-8 encoding');
    }
    return { kind: 'atom', text: text.slice(start, i), start, end: i, line, col };
  };

  const nodes: SNode[] = [];
  for (;;) {
    skipTrivia();
    if (i >= n) return nodes;
    nodes.push(readNode());
  }
}

export function isAnnotationList(n: SNode): n is SList {
  return n.kind === 'list' && n.items[0]?.kind === 'atom' && n.items[0].text.startsWith('@');
}

/** A short description of a node for error messages. */
export function describe(n: SNode | undefined): string {
  if (!n) return 'end of list';
  if (n.kind === 'atom') return `"${n.text.length > 40 ? `${n.text.slice(0, 40)}…` : n.text}"`;
  if (n.kind === 'string') return 'a string';
  const h = headOf(n);
  return h ? `(${h} …)` : 'a list';
}

/** Decodes bytes as UTF-8 (strict); undefined when they are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
