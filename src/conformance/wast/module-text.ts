/**
 * The text of a module command as the assembler gets it: sliced out of the script with its
 * positions kept (blank lines and columns before it, so the assembler's line:col are the
 * file's), with text-only rewrites applied in place that wabt needs to read it.
 */
import type { SList } from './sexpr.ts';
import { isAtom, readSExprs, SourceText } from './sexpr.ts';
import { concatBytes } from '../../wasm/concat-bytes.ts';

export interface Edit {
  start: number;
  end: number;
  /** Replacement text (padded with spaces to the original length). */
  text: string;
}

/**
 * Source bytes of a module preceded by blank lines/columns so that the assembler's line:col
 * are the file's, with `edits` applied. `wrapped` means the node is already a `(module …)`
 * list in the source (else it is a synthetic list of bare fields).
 */
export function moduleText(src: SourceText, node: SList, line: number, col: number, edits: Edit[], wrapped: boolean): Uint8Array {
  const { start, end } = node;
  collectTextEdits(node, edits);
  edits.sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [ascii('\n'.repeat(line - 1) + ' '.repeat(col - 1))];
  if (!wrapped) parts.push(ascii('(module '));
  let at = start;
  for (const e of edits) {
    if (e.start < at) continue; // nested inside an earlier edit (an annotation inside an annotation)
    parts.push(src.bytes(at, e.start));
    // Same length where possible so later columns stay right.
    parts.push(ascii(e.text.padEnd(e.end - e.start, ' ')));
    at = e.end;
  }
  parts.push(src.bytes(at, end));
  if (!wrapped) parts.push(ascii('\n)'));
  return concatBytes(parts);
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

export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
