/**
 * What a JS host needs to call a module correctly: the type of every export (function
 * params/results, global value types) and the module's imports, derived from the module's index
 * spaces (layout.ts, the one parser of module structure; sections it does not need are skipped by
 * their size, so it never needs to understand code or proposals it does not use).
 *
 * The JS API cannot tell us an export's signature (type reflection is behind a flag in Node 20),
 * and we need it to turn JS results back into typed WasmValues (an f32 and an f64 both arrive
 * as a JS number; an i64 arrives as a BigInt, a funcref as a function).
 */
import type { ValueType } from '../outcome.ts';
import { SignatureError } from './binary-reader.ts';
import { readLayout } from './layout.ts';

export { SignatureError };

/** A value type as declared in the binary; `other:…` for types with no JS-boundary form here (GC refs). */
export type SigType = ValueType | `other:${string}`;

export interface FuncSig {
  params: SigType[];
  results: SigType[];
}

export type ExportSig =
  | ({ kind: 'func' } & FuncSig)
  | { kind: 'global'; type: SigType; mutable: boolean }
  | { kind: 'memory' }
  | { kind: 'table' }
  | { kind: 'tag' };

export interface ImportSig {
  module: string;
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global' | 'tag';
}

export interface ModuleSignatures {
  exports: Map<string, ExportSig>;
  imports: ImportSig[];
  /** Function index of the start function, if the module has one. */
  start?: number;
}


/** Reads the export and import signatures of a module. Throws SignatureError on a malformed binary. */
export function readSignatures(bytes: Uint8Array): ModuleSignatures {
  const layout = readLayout(bytes);
  const exports = new Map<string, ExportSig>();
  for (const [name, { kind, index }] of layout.exports) {
    switch (kind) {
      case 'func': {
        const t = layout.funcs[index];
        if (!t) throw new SignatureError(`export ${JSON.stringify(name)}: function ${index} has no function type`);
        exports.set(name, { kind: 'func', params: t.params, results: t.results });
        break;
      }
      case 'global': {
        const g = layout.globals[index];
        if (!g) throw new SignatureError(`export ${JSON.stringify(name)}: no global ${index}`);
        exports.set(name, { kind: 'global', type: g.type, mutable: g.mutable });
        break;
      }
      default:
        exports.set(name, { kind });
    }
  }
  return layout.start === undefined ? { exports, imports: layout.imports } : { exports, imports: layout.imports, start: layout.start };
}

/** True when a value of this type can be passed to / returned from JS by our value conversions. */
export function crossesJsBoundary(t: SigType): t is Exclude<ValueType, 'v128'> {
  return t !== 'v128' && !t.startsWith('other:');
}
