/**
 * Rewrites a case's module so that binaryen's wasm-shell can show every step: wasm-shell prints
 * nothing for `(invoke …)` but a trap, so each step becomes a parameterless export `__tc_<i>` that
 * prints a marker (`print_f64(i)`), calls the case's export with its constant arguments and prints
 * every result through the `spectest` print imports wasm-shell provides: integers as they are,
 * floats as their bit patterns (exact, NaN payloads included). Readers for the globals and memory
 * bytes an expectation inspects follow their step the same way.
 */
import type { Case, Step } from '../../case.ts';
import type { WasmValue } from '../../outcome.ts';
import { singleInstanceProblem } from '../../runtimes/adapter.ts';
import type { SigType } from '../../wasm/signatures.ts';
import { readSignatures } from '../../wasm/signatures.ts';

export type ShellEntry =
  | { kind: 'step'; step: number; results: SigType[] }
  | { kind: 'global'; step: number; global: string; type: SigType }
  | { kind: 'memory'; step: number; region: number; offset: number; length: number };

/** Entry i is exported as `__tc_<i>` and prints `i : f64` first. */
export interface ShellPlan {
  bytes: Uint8Array;
  entries: ShellEntry[];
}

const NUMERIC = new Set<SigType>(['i32', 'i64', 'f32', 'f64']);
const PRINT = { i32: '__tc_print_i32', i64: '__tc_print_i64', f64: '__tc_print_f64' } as const;


/** The plan, or why wasm-shell cannot run the case (then it is not evaluable here). */
export async function planShellRun(c: Case): Promise<ShellPlan | string> {
  const shape = singleInstanceProblem(c);
  if (shape) return shape;
  const bad = c.steps.find((s) => s.op !== 'instantiate' && s.op !== 'invoke' && s.op !== 'get');
  if (bad) return `step ${bad.op} through wasm-shell`;
  const bytes = c.modules[0]!.bytes;
  let sigs;
  try {
    sigs = readSignatures(bytes);
  } catch (e) {
    return `a module the signature reader refuses (${(e as Error).message})`;
  }
  if (sigs.imports.length) return `imports (${sigs.imports[0]!.module}.${sigs.imports[0]!.name}): wasm-shell links only spectest`;
  const { binaryen, valueConst } = await import('../../wasm/builder.ts');
  let m: InstanceType<typeof binaryen.Module>;
  try {
    m = binaryen.readBinary(bytes);
  } catch (e) {
    return `a module binaryen cannot read (${(e as Error).message})`;
  }
  try {
    m.setFeatures(binaryen.Features.All);
    m.addFunctionImport(PRINT.i32, 'spectest', 'print_i32', binaryen.i32, binaryen.none);
    m.addFunctionImport(PRINT.i64, 'spectest', 'print_i64', binaryen.i64, binaryen.none);
    m.addFunctionImport(PRINT.f64, 'spectest', 'print_f64', binaryen.f64, binaryen.none);
    const typeOf = (t: SigType): number => ({ i32: binaryen.i32, i64: binaryen.i64, f32: binaryen.f32, f64: binaryen.f64 })[t as 'i32'];
    /** Prints a value of type `t` held by `e`: floats as their bits. */
    const print = (e: number, t: SigType): number =>
      t === 'f32' ? m.call(PRINT.i32, [m.i32.reinterpret(e)], binaryen.none) : t === 'f64' ? m.call(PRINT.i64, [m.i64.reinterpret(e)], binaryen.none) : m.call(t === 'i64' ? PRINT.i64 : PRINT.i32, [e], binaryen.none);
    const constOf = (a: WasmValue): number => valueConst(m, a);
    const entries: ShellEntry[] = [];
    const add = (entry: ShellEntry, body: number[], locals: number[] = []): void => {
      const name = `__tc_${entries.length}`;
      const marker = m.call(PRINT.f64, [m.f64.const(entries.length)], binaryen.none);
      m.addFunction(name, binaryen.none, binaryen.none, locals, m.block(null, [marker, ...body], binaryen.none));
      m.addFunctionExport(name, name);
      entries.push(entry);
    };
    const inspect = (k: number, step: Step): string | undefined => {
      for (const g of Object.keys(step.expect.globals ?? {})) {
        const sig = sigs.exports.get(g);
        const exp = sig?.kind === 'global' ? binaryen.getExportInfo(m.getExport(g)) : undefined;
        if (!exp || sig?.kind !== 'global') continue; // the judge reports it missing
        if (!NUMERIC.has(sig.type)) return `reading a ${sig.type} global through wasm-shell`;
        add({ kind: 'global', step: k, global: g, type: sig.type }, [print(m.global.get(exp.value, typeOf(sig.type)), sig.type)]);
      }
      (step.expect.memory ?? []).forEach((region, r) => {
        const length = region.hex.length / 2;
        const reads = Array.from({ length }, (_, b) => m.call(PRINT.i32, [m.i32.load8_u(0, 1, m.i32.const(region.offset + b))], binaryen.none));
        add({ kind: 'memory', step: k, region: r, offset: region.offset, length }, reads);
      });
      return undefined;
    };
    for (let k = 0; k < c.steps.length; k++) {
      const step = c.steps[k]!;
      if (step.op === 'invoke') {
        const sig = sigs.exports.get(step.export);
        if (sig?.kind !== 'func') return `invoking a missing export ${JSON.stringify(step.export)}`;
        const bad = [...sig.params, ...sig.results].find((t) => !NUMERIC.has(t));
        if (bad) return `${bad} values through wasm-shell's print imports`;
        const internal = binaryen.getExportInfo(m.getExport(step.export)).value;
        const resultType = sig.results.length === 0 ? binaryen.none : binaryen.createType(sig.results.map(typeOf));
        const call = m.call(internal, (step.args ?? []).map(constOf), resultType);
        if (sig.results.length === 0) add({ kind: 'step', step: k, results: [] }, [call]);
        else if (sig.results.length === 1) add({ kind: 'step', step: k, results: sig.results }, [print(call, sig.results[0]!)]);
        else {
          // a tuple in a local, then each element printed in order
          const prints = sig.results.map((t, i) => print(m.tuple.extract(m.local.get(0, resultType), i), t));
          add({ kind: 'step', step: k, results: sig.results }, [m.local.set(0, call), ...prints], [resultType]);
        }
      } else if (step.op === 'get') {
        const sig = sigs.exports.get(step.global);
        if (sig?.kind !== 'global') return `reading a missing global ${JSON.stringify(step.global)}`;
        if (!NUMERIC.has(sig.type)) return `${sig.type} values through wasm-shell's print imports`;
        const internal = binaryen.getExportInfo(m.getExport(step.global)).value;
        add({ kind: 'step', step: k, results: [sig.type] }, [print(m.global.get(internal, typeOf(sig.type)), sig.type)]);
      }
      const problem = inspect(k, step);
      if (problem) return problem;
    }
    if (!m.validate()) return 'the rewritten module does not validate in binaryen';
    return { bytes: m.emitBinary(), entries };
  } finally {
    m.dispose();
  }
}
