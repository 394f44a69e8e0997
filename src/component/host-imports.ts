/**
 * The core imports a component instance's module gets from its host (conventions shared with
 * the jco adapter): world-level function imports as `$root.<name>`, and `wasi:cli/exit`'s
 * `exit` as `wasi:cli/exit@0.2.0`.`exit` taking the result discriminant (0 ok → exit 0, 1 err →
 * exit 1). Every import is a lowered function: called while the instance's may_leave is clear
 * (from realloc or post-return) it traps `cannot leave component instance` (C11, C13).
 */
import type { HostImport } from '../case.ts';
import { ProcExit } from '../runtime/wasi/wasi.ts';
import { CANNOT_ENTER, CANNOT_LEAVE, HostImportFailure, INVALID_RESULT } from './errors.ts';
import type { ComponentInstance } from './instance.ts';

export const ROOT_NAMESPACE = '$root';
export const EXIT_NAMESPACE = 'wasi:cli/exit@0.2.0';
export const EXIT_FUNCTION = 'exit';

export type ImportNamespaces = Record<string, Record<string, (...args: number[]) => unknown>>;

/** The import namespaces of `caller`'s core module, one host function per configured import. */
export function hostImports(caller: ComponentInstance, imports: Readonly<Record<string, HostImport>>): ImportNamespaces {
  const root: Record<string, (...args: number[]) => unknown> = {};
  const out: ImportNamespaces = { [ROOT_NAMESPACE]: root };
  for (const [name, h] of Object.entries(imports)) {
    const body = hostFunction(caller, h);
    const fn = (...args: number[]): unknown => {
      if (!caller.mayLeave) throw CANNOT_LEAVE;
      return body(args);
    };
    if (h.kind === 'exit') out[EXIT_NAMESPACE] = { [EXIT_FUNCTION]: fn };
    else root[name] = fn;
  }
  return out;
}

function hostFunction(caller: ComponentInstance, h: HostImport): (args: number[]) => unknown {
  switch (h.kind) {
    case 'return': {
      const value = h.value ?? 0;
      return () => value;
    }
    case 'throw':
      return () => {
        throw new HostImportFailure(h.message);
      };
    case 'exit':
      return (args) => {
        // lifting `result<_, _>`: 0 ok, 1 err, anything else traps (Canonical ABI lift_flat_variant)
        if (args[0] !== 0 && args[0] !== 1) throw INVALID_RESULT;
        const e = new ProcExit();
        e.code = args[0] as number;
        throw e;
      };
    case 'call':
    case 'adapter':
      return (args) => {
        const callee = caller.store.instance(h.instance);
        if (callee === undefined) throw new HostImportFailure(`host import calls instance ${JSON.stringify(h.instance)}, which does not exist`);
        // A fused guest→guest adapter whose lift and lower are the same instance (C10): wasmtime's
        // adapter traps unconditionally (may-enter-2025, wasmtime #12349); since CM PR #705 the spec
        // runs it as an ordinary nested call (test/async/trap-on-reenter.wast was removed).
        if (h.kind === 'adapter' && callee === caller && caller.store.rules.reentry === 'may-enter-2025') throw CANNOT_ENTER;
        return callee.callNested(h.export, h.args ?? args);
      };
  }
}
