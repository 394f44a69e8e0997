/**
 * Values at the JS boundary of the case's core exports: WasmValue text ↔ the JS values the
 * WebAssembly API takes and returns, and the case's host references (numbered `{hostRef: n}`
 * objects handed to wasm, and numbers for references the case did not hand out).
 */
import type { ComponentValue } from '../../case.ts';
import type { Outcome, WasmValue } from '../../outcome.ts';
import { fromJs, toJs } from '../../values.ts';
import type { ExportSig, SigType } from '../../wasm/signatures.ts';
import { crossesJsBoundary } from '../../wasm/signatures.ts';
import type { Modules } from './modules.ts';
import type { CoreInstance } from './types.ts';

/** `return []`: shared, frozen, so steps that return nothing allocate nothing. */
export const RETURN_NOTHING: Outcome = Object.freeze({ kind: 'return', values: Object.freeze([]) as unknown as WasmValue[] }) as Outcome;

/** A JS-boundary call: the export's result types and the arguments as JS values. */
export interface PreparedCall {
  results: readonly SigType[];
  js: unknown[];
}

export class Values {
  private hostRefs: Map<number, object> | undefined;
  private refIds: Map<unknown, number> | undefined;
  /** Bound once per case, so converting a reference allocates no closure. */
  private readonly toHostRef = (n: number): object => this.hostRef(n);
  private readonly toRefIndex = (x: unknown): number => this.refIndex(x);

  constructor(private readonly modules: Modules) {}

  /**
   * What `invoke` and `call` check before calling a core export: it is a function with a
   * signature whose values cross the JS boundary, the argument count fits, and the arguments as
   * JS values. Or the outcome saying why not.
   */
  prepareCall(op: 'invoke' | 'call', inst: CoreInstance, name: string, args: ReadonlyArray<WasmValue | ComponentValue>): PreparedCall | Outcome {
    if (typeof inst.exports[name] !== 'function') return { kind: 'crash', detail: `${op}: no exported function ${JSON.stringify(name)}` };
    let sig: ExportSig | undefined;
    try {
      sig = this.modules.exportSig(inst, name);
    } catch (e) {
      return { kind: 'crash', detail: String(e) };
    }
    if (!sig || sig.kind !== 'func') return { kind: 'crash', detail: `${op}: export ${JSON.stringify(name)} has no function signature` };
    const blocked = boundaryProblem(sig.params) ?? boundaryProblem(sig.results);
    if (blocked) return blocked;
    if (args.length !== sig.params.length)
      return { kind: 'crash', detail: `${op} ${name}: ${args.length} argument(s) for ${sig.params.length} parameter(s)` };
    const js = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      js[i] = a.type === 'i32' ? Number(a.value) | 0 : toJs(a as WasmValue, this.toHostRef);
    }
    return { results: sig.results, js };
  }

  value(t: SigType, x: unknown): WasmValue {
    if (t === 'i32') return { type: 'i32', value: String((x as number) | 0) };
    return fromJs(t as Exclude<SigType, `other:${string}`>, x, this.toRefIndex);
  }

  results(types: readonly SigType[], r: unknown): WasmValue[] {
    if (types.length === 0) return [];
    if (types.length === 1) return [this.value(types[0]!, r)];
    const list = r as unknown[];
    return types.map((t, i) => this.value(t, list[i]));
  }

  private hostRef(n: number): object {
    this.hostRefs ??= new Map();
    let r = this.hostRefs.get(n);
    if (!r) {
      r = Object.freeze({ hostRef: n });
      this.hostRefs.set(n, r);
      (this.refIds ??= new Map()).set(r, n);
    }
    return r;
  }

  private refIndex(x: unknown): number {
    this.refIds ??= new Map();
    let n = this.refIds.get(x);
    if (n === undefined) {
      // a reference we did not hand out (a funcref): number it after every host ref index seen so far
      n = 1_000_000 + this.refIds.size;
      this.refIds.set(x, n);
    }
    return n;
  }
}

/** Why values of these types cannot cross the JS boundary, or undefined when they can. */
export function boundaryProblem(types: readonly SigType[]): Outcome | undefined {
  for (const t of types) {
    if (t === 'v128') return { kind: 'unsupported', feature: 'v128 at the JS boundary' };
    if (!crossesJsBoundary(t)) return { kind: 'unsupported', feature: `value type ${t.slice(6)} at the JS boundary` };
  }
  return undefined;
}
