/**
 * Which proposals a spec-script module uses, read from the module itself (its text, or the text
 * wabt prints for a binary module), and which of them a runtime supports, found by probing the
 * runtime with one minimal binary per proposal. A module that needs a proposal the runtime lacks
 * is `skip` with the proposal named; nothing here knows file names.
 *
 * The names are finer than src/features.ts where the engines differ: `exnref` (try_table,
 * throw_ref: the final exception-handling proposal) is not `exceptions` (tags and `throw`, which
 * V8 11 runs through its legacy EH support); `table64` is not `memory64`.
 */
import type { Case } from '../../case.ts';
import type { Runtime } from '../../runtimes/adapter.ts';
import type { SList, SNode } from './sexpr.ts';
import { headOf, isAtom } from './sexpr.ts';

export const SPEC_FEATURES = [
  'simd',
  'threads',
  'tail-call',
  'exceptions',
  'exnref',
  'extended-const',
  'memory64',
  'table64',
  'multi-memory',
  'relaxed-simd',
  'gc',
  'function-references',
  'custom-page-sizes',
  'wide-arithmetic',
] as const;
export type SpecFeature = (typeof SPEC_FEATURES)[number];

/** One minimal module per proposal (hand-encoded binaries; each uses exactly that proposal). */
const PROBES: Record<SpecFeature, string> = {
  simd: '0061736d010000000105016000017b030201000a16011400fd0c000000000000000000000000000000000b',
  threads: '0061736d01000000050401030101',
  'tail-call': '0061736d01000000010401600000030201000a0601040012000b',
  exceptions: '0061736d01000000010401600000030201000d030100000a0601040008000b',
  exnref: '0061736d01000000010401600000030201000a080106001f40000b0b',
  'extended-const': '0061736d010000000609017f00410141026a0b',
  memory64: '0061736d010000000503010401',
  table64: '0061736d01000000040401700401',
  'multi-memory': '0061736d0100000005050200010001',
  'relaxed-simd': '0061736d010000000105016000017b030201000a19011700fd0c00000000000000000000000000000000fd81020b',
  gc: '0061736d010000000103015f00',
  'function-references': '0061736d01000000010401600000030201000a070105010163000b',
  'custom-page-sizes': '0061736d01000000050401080100',
  'wide-arithmetic': '0061736d01000000010a0160047e7e7e7e027e7e030201000a0e010c002000200120022003fc130b',
};

function hexBytes(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));
}

/** The probe case: one `compile` step per proposal. */
export function probeCase(): Case {
  const features = SPEC_FEATURES;
  return {
    id: 'spec/feature-probes',
    family: 'spec',
    modules: features.map((f) => ({ bytes: hexBytes(PROBES[f]) })),
    features: [],
    steps: features.map((f, i) => ({ op: 'compile', module: i, expect: {}, at: `probe:${f}` })),
    provenance: { kind: 'hand-written', note: 'one minimal module per proposal, to learn what the runtime compiles' },
  };
}

/** Asks the runtime which proposals it compiles. */
export async function probeFeatures(runtime: Runtime): Promise<Set<SpecFeature>> {
  const [obs] = await runtime.executeAll([probeCase()]);
  const out = new Set<SpecFeature>();
  SPEC_FEATURES.forEach((f, i) => {
    if (obs?.steps[i]?.outcome.kind === 'return') out.add(f);
  });
  return out;
}

const GC_HEAP = new Set(['any', 'eq', 'i31', 'struct', 'array', 'none', 'nofunc', 'noextern']);
const GC_REFTYPES = new Set(['anyref', 'eqref', 'i31ref', 'structref', 'arrayref', 'nullref', 'nullfuncref', 'nullexternref']);
const EXN_HEAP = new Set(['exn', 'noexn']);
const FUNCREF_OPS = new Set(['call_ref', 'return_call_ref', 'br_on_null', 'br_on_non_null', 'ref.as_non_null']);
const EXNREF_OPS = new Set(['try_table', 'throw_ref', 'exnref', 'nullexnref', 'catch_ref', 'catch_all_ref']);
const WIDE_OPS = new Set(['i64.add128', 'i64.sub128', 'i64.mul_wide_s', 'i64.mul_wide_u']);
const CONST_ARITH = new Set(['i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul']);
const GC_TYPE_FORMS = new Set(['struct', 'array', 'sub', 'rec']);

/**
 * Proposals a text module uses. `node` is the `(module …)` list (or a synthetic one holding bare
 * fields). Over-approximates only where the syntax is unambiguous; it never looks at names.
 */
export function detectFeatures(node: SList): Set<SpecFeature> {
  const out = new Set<SpecFeature>();
  let memories = 0;

  const visitAtom = (t: string): void => {
    if (t.startsWith('$') || t.startsWith('"')) return;
    if (t === 'v128' || /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|v128)\./.test(t)) out.add('simd');
    if (t.includes('.relaxed_')) out.add('relaxed-simd');
    if (t === 'return_call' || t === 'return_call_indirect') out.add('tail-call');
    if (t === 'return_call_ref') out.add('tail-call');
    if (FUNCREF_OPS.has(t)) out.add('function-references');
    if (EXNREF_OPS.has(t)) out.add('exnref');
    if (t === 'throw' || t === 'tag') out.add('exceptions');
    if (WIDE_OPS.has(t)) out.add('wide-arithmetic');
    if (t.includes('.atomic.') || t === 'atomic.fence' || t === 'shared') out.add('threads');
    if (GC_REFTYPES.has(t) || /^(struct|array|i31|ref\.i31|any|extern)\./.test(t) || /^(ref\.(test|cast|eq|i31)|br_on_cast(_fail)?)$/.test(t))
      out.add('gc');
  };

  // Globals in index order (imports first) → imported? For `global.get` in constant expressions.
  const globals = globalSpace(node);

  const visit = (n: SNode, parent: string | undefined, inConstExpr: boolean): void => {
    if (n.kind === 'atom') {
      visitAtom(n.text);
      if (inConstExpr && CONST_ARITH.has(n.text)) out.add('extended-const');
      return;
    }
    if (n.kind !== 'list') return;
    const head = headOf(n);
    const items = n.items;
    switch (head) {
      case 'ref': {
        // (ref null? ht): nullable abstract func/extern are MVP+reference-types; anything else is typed.
        const nullable = isAtom(items[1], 'null');
        const ht = items[nullable ? 2 : 1];
        const htText = isAtom(ht) ? ht.text : '';
        if (GC_HEAP.has(htText)) out.add('gc');
        else if (EXN_HEAP.has(htText)) out.add('exnref');
        else if (!(nullable && (htText === 'func' || htText === 'extern'))) out.add('function-references');
        break;
      }
      case 'ref.null': {
        const ht = items[1];
        if (isAtom(ht) && GC_HEAP.has(ht.text)) out.add('gc');
        if (isAtom(ht) && EXN_HEAP.has(ht.text)) out.add('exnref');
        if (isAtom(ht) && ht.text.startsWith('$')) out.add('function-references');
        break;
      }
      case 'type': {
        // (type $t? (struct …) | (array …) | (sub …)) ; a plain (func …) is MVP
        for (const it of items.slice(1)) if (GC_TYPE_FORMS.has(headOf(it) ?? '')) out.add('gc');
        break;
      }
      case 'rec':
        if (parent === 'module') out.add('gc');
        break;
      case 'memory': {
        if (parent === 'module' || parent === 'import') {
          memories++;
          const rest = items.slice(1).filter((x) => !(isAtom(x) && x.text.startsWith('$')) && !['export', 'import'].includes(headOf(x) ?? ''));
          if (isAtom(rest[0], 'i64')) out.add('memory64');
          if (rest.some((x) => headOf(x) === 'pagesize')) out.add('custom-page-sizes');
        }
        break;
      }
      case 'table': {
        if (parent === 'module' || parent === 'import') {
          const rest = items.slice(1).filter((x) => !(isAtom(x) && x.text.startsWith('$')) && !['export', 'import'].includes(headOf(x) ?? ''));
          if (isAtom(rest[0], 'i64')) out.add('table64');
          // (table min max? reftype init-expr): table initialisers arrived with function references
          const typeAt = rest.findIndex((x) => (isAtom(x) && /ref$/.test(x.text)) || headOf(x) === 'ref');
          if (parent === 'module' && typeAt >= 0 && rest.slice(typeAt + 1).some((x) => x.kind === 'list' && headOf(x) !== 'elem'))
            out.add('function-references');
        }
        break;
      }
      default:
        break;
    }
    // Constant expressions: global initialisers, data/elem offsets and elem items.
    const constContext = inConstExpr || head === 'global' || head === 'offset' || head === 'item' || (parent === 'module' && (head === 'data' || head === 'elem'));
    if (constContext && head !== 'func') {
      // `global.get` of a global defined in this module (not imported) in a constant expression
      // was allowed by the GC proposal (Wasm 3.0); earlier engines reject it.
      items.forEach((it, i) => {
        if (isAtom(it, 'global.get') && !globals.isImported(items[i + 1])) out.add('gc');
      });
    }
    for (const it of items) visit(it, head, constContext && head !== 'func');
  };

  for (const it of node.items.slice(1)) visit(it, 'module', false);
  // Inline imports `(memory (import "m" "n") 1)` count once via the `memory` field itself.
  if (memories > 1) out.add('multi-memory');
  return out;
}

function globalSpace(node: SList): { isImported: (ref: SNode | undefined) => boolean } {
  const imported: boolean[] = [];
  const names = new Map<string, boolean>();
  const defined: Array<string | undefined> = [];
  for (const f of node.items.slice(1)) {
    const h = headOf(f);
    if (f.kind !== 'list') continue;
    if (h === 'import') {
      const desc = f.items[3];
      if (headOf(desc) === 'global' && desc?.kind === 'list') {
        const id = desc.items[1];
        if (isAtom(id) && id.text.startsWith('$')) names.set(id.text, true);
        imported.push(true);
      }
    } else if (h === 'global') {
      const id = isAtom(f.items[1]) && f.items[1].text.startsWith('$') ? f.items[1].text : undefined;
      const isImport = f.items.some((x) => headOf(x) === 'import');
      if (id) names.set(id, isImport);
      if (isImport) imported.push(true);
      else defined.push(id);
    }
  }
  const importCount = imported.length;
  return {
    isImported(ref) {
      if (!isAtom(ref)) return true;
      if (ref.text.startsWith('$')) return names.get(ref.text) ?? true;
      const idx = Number(ref.text);
      return Number.isInteger(idx) ? idx < importCount : true;
    },
  };
}

/**
 * Proposals a binary module uses, from its section headers only (types, imports, tables,
 * memories, tags): enough for modules the disassembler cannot read.
 */
export function detectBinaryFeatures(bytes: Uint8Array): Set<SpecFeature> {
  const out = new Set<SpecFeature>();
  let pos = 8;
  const u32 = (): number => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('end');
      r += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return r;
      shift += 7;
    }
  };
  const limits = (kind: 'memory' | 'table'): void => {
    const flags = bytes[pos++]!;
    if (flags & 0x04) out.add(kind === 'memory' ? 'memory64' : 'table64');
    if (flags & 0x08) out.add('custom-page-sizes');
    if (flags & 0x02 && kind === 'memory') out.add('threads');
    u32();
    if (flags & 0x01) u32();
    if (flags & 0x08) u32();
  };
  const refType = (): void => {
    const b = bytes[pos++]!;
    if (b === 0x63 || b === 0x64) {
      out.add('function-references');
      u32();
    }
  };
  let memories = 0;
  try {
    while (pos < bytes.length) {
      const id = bytes[pos++]!;
      const size = u32();
      const end = pos + size;
      if (id === 1) {
        for (let n = u32(); n > 0 && pos < end; n--) {
          const form = bytes[pos]!;
          if (form !== 0x60) {
            out.add('gc');
            break;
          }
          pos++;
          for (let k = 0; k < 2; k++)
            for (let m = u32(); m > 0; m--) {
              const t = bytes[pos++]!;
              if (t === 0x63 || t === 0x64) {
                out.add('function-references');
                u32();
              } else if (t === 0x69 || t === 0x74) out.add('exnref');
              else if (t >= 0x65 && t <= 0x73 && t !== 0x70 && t !== 0x6f) out.add('gc');
            }
        }
      } else if (id === 2) {
        for (let n = u32(); n > 0; n--) {
          pos += u32();
          pos += u32();
          const kind = bytes[pos++];
          if (kind === 0x00) u32();
          else if (kind === 0x01) {
            refType();
            limits('table');
          } else if (kind === 0x02) {
            memories++;
            limits('memory');
          } else if (kind === 0x03) {
            refType();
            pos++;
          } else if (kind === 0x04) {
            out.add('exceptions');
            pos++;
            u32();
          } else break;
        }
      } else if (id === 4) {
        for (let n = u32(); n > 0; n--) {
          if (bytes[pos] === 0x40) {
            out.add('function-references'); // table with an initialiser expression
            break;
          }
          refType();
          limits('table');
        }
      } else if (id === 5) {
        for (let n = u32(); n > 0; n--) {
          memories++;
          limits('memory');
        }
      } else if (id === 13) out.add('exceptions');
      pos = end;
    }
  } catch {
    // truncated or malformed: keep what was found
  }
  if (memories > 1) out.add('multi-memory');
  return out;
}

/** Module names a text module imports from (`(import "m" …)` anywhere at field level). */
export function importedModules(node: SList): Set<string> {
  const out = new Set<string>();
  const visit = (n: SNode): void => {
    if (n.kind !== 'list') return;
    if (headOf(n) === 'import' && n.items[1]?.kind === 'string') out.add(new TextDecoder('utf-8', { ignoreBOM: true }).decode(n.items[1].bytes));
    if (headOf(n) === 'func' || headOf(n) === 'type') {
      // only the (import …) abbreviation inside a func header matters; bodies are skipped
      for (const it of n.items) if (headOf(it) === 'import') visit(it);
      return;
    }
    for (const it of n.items) visit(it);
  };
  for (const it of node.items.slice(1)) visit(it);
  return out;
}
