/**
 * The host side of a component case: the import object handed to jco's generated
 * `instantiate()`. World-level function imports come from the case's HostImport list;
 * `wasi:cli/exit` is trapcheck's own: preview2-shim's Node version calls `process.exit`, which
 * would end the run instead of the case, so a guest exit throws ExitSignal and the step
 * observes `exit(code)`. Any other WASI interface a world needs comes from preview2-shim.
 */
import type { ComponentConfig, HostImport } from '../../case.ts';
import type { ComponentExports } from './build.ts';

/** A guest `wasi:cli/exit.exit` (or `exit-with-code`): unwinds the call, never the process. */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`component exited with ${code}`);
    this.name = 'ExitSignal';
  }
}

/** A `throw` host import failing: a host error, not a trap (jco lets it propagate unchanged). */
export class HostImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostImportError';
  }
}

/** A case addressing something it does not have (an instance name nobody declared): a harness fault of the case, reported as `crash`. */
export class CaseFault extends Error {
  override name = 'CaseFault';
}

/** World export name → the JS name jco gives it (heck's lowerCamelCase of the kebab name). */
export function jsName(witName: string): string {
  return witName
    .split('-')
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

export const exitOverride = {
  exit(status: { tag: 'ok' | 'err' }): never {
    throw new ExitSignal(status.tag === 'err' ? 1 : 0);
  },
  exitWithCode(code: number): never {
    throw new ExitSignal(code);
  },
};

type Lookup = (instance: string) => ComponentExports | undefined;

function hostFunction(name: string, imp: HostImport & { results: Array<'u32'> }, lookup: Lookup): (...args: unknown[]) => unknown {
  switch (imp.kind) {
    case 'return':
      return () => (imp.results.length ? (imp.value ?? 0) >>> 0 : undefined);
    case 'throw':
      return () => {
        throw new HostImportError(imp.message);
      };
    case 'call':
      // the host calls a lifted export itself: jco runs it like any call from JS (re-entry included)
      return (...own: unknown[]) => {
        const target = lookup(imp.instance);
        if (!target) throw new HostImportError(`host import ${name} calls instance ${JSON.stringify(imp.instance)}, which does not exist`);
        const fn = target[jsName(imp.export)];
        if (!fn) throw new CaseFault(`host import ${name} calls ${imp.instance}.${imp.export}, which the component does not export`);
        const result = fn(...(imp.args ?? own).map((a) => Number(a) >>> 0));
        return imp.results.length ? result : undefined;
      };
    case 'adapter':
    case 'exit':
      // adapter cases are skipped before they run (runtimes/jco.ts); exit is wasi:cli/exit, not a world function
      throw new CaseFault(`host import ${name} of kind ${imp.kind} has no jco host function`);
  }
}

/** `wasi:cli/environment@0.2.0` → preview2-shim's `cli.environment`. */
async function shimInterface(specifier: string): Promise<unknown> {
  const m = /^wasi:([a-z-]+)\/([a-z-]+)(?:@.*)?$/.exec(specifier);
  const shim = (await import('@bytecodealliance/preview2-shim')) as unknown as Record<string, Record<string, unknown> | undefined>;
  const found = m ? shim[m[1]!]?.[jsName(m[2]!)] : undefined;
  if (found === undefined) throw new CaseFault(`the component imports ${specifier}, which preview2-shim does not provide`);
  return found;
}

/** The WASI part of the import object for the interfaces a transpiled component asks for (`exit` always trapcheck's). */
export async function wasiImports(specifiers: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const s of specifiers) {
    if (!s.startsWith('wasi:')) continue;
    out[s] = /^wasi:cli\/exit(?:@|$)/.test(s) ? exitOverride : await shimInterface(s);
  }
  return out;
}

/** The full import object of one component instance: WASI (prepared once per build) plus the case's host functions. */
export function hostImports(config: ComponentConfig, wasi: Record<string, unknown>, lookup: Lookup): Record<string, unknown> {
  const out: Record<string, unknown> = { ...wasi };
  for (const [name, imp] of Object.entries(config.imports ?? {})) {
    if (imp.kind === 'exit') continue; // it is wasi:cli/exit, provided with the WASI interfaces
    out[name] = { default: hostFunction(name, imp, lookup) };
  }
  return out;
}
