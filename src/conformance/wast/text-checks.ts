/**
 * Text-format rules wabt 1.0.39 does not enforce, checked on the module's S-expressions before
 * it is assembled. A violation is a rejection by the text parser (an `assert_malformed` on such
 * text is decided here), exactly as if wabt had reported it.
 *
 * - Field identifiers of one struct type must be distinct (`duplicate field`): the binary has no
 *   field names, so no engine can ever see this error; only the text parser can.
 */
import type { SNode } from './sexpr.ts';
import { headOf, isAtom } from './sexpr.ts';

/** The first text-format error in the module text, as `line:col: message`, or undefined. */
export function textFormatError(nodes: readonly SNode[]): string | undefined {
  for (const n of nodes) {
    const e = check(n);
    if (e) return e;
  }
  return undefined;
}

function check(n: SNode): string | undefined {
  if (n.kind !== 'list') return undefined;
  if (headOf(n) === 'struct') {
    const seen = new Set<string>();
    for (const field of n.items) {
      if (headOf(field) !== 'field' || field.kind !== 'list') continue;
      const id = field.items[1];
      if (!isAtom(id) || !id.text.startsWith('$')) continue;
      if (seen.has(id.text)) return `${id.line}:${id.col}: duplicate field ${id.text}`;
      seen.add(id.text);
    }
  }
  for (const item of n.items) {
    const e = check(item);
    if (e) return e;
  }
  return undefined;
}
