/**
 * Starting a discovered runtime: its adapter module's one factory, taking NativeRuntimeOptions
 * (src/runtimes/native/options.ts), or the generic CLI adapter for wasmtime / wasmer / wasmedge
 * binaries. Modules are imported by path at run time, so a runtime whose adapter module is missing
 * (a trimmed install) is still listed with its version; starting it is a one-line error.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TrapcheckError } from '../errors.ts';
import type { Runtime } from './adapter.ts';
import type { DiscoveredRuntime } from './discovery.ts';
import type { AdapterRef } from './native-kinds.ts';
import type { NativeRuntimeOptions } from './native/options.ts';

type NativeFactory = (opts: NativeRuntimeOptions) => Promise<Runtime>;

/** Which adapter runs this kind: its native module, or the generic CLI adapter (src/runtimes/cli.ts). */
export function adapterStatus(ref: AdapterRef): { uses: 'native' | 'cli'; module: string } {
  if ('cli' in ref) return { uses: 'cli', module: 'src/runtimes/cli.ts' };
  return { uses: 'native', module: `src/runtimes/${ref.module.slice(2)}` };
}

export async function createNativeRuntime(d: DiscoveredRuntime): Promise<Runtime> {
  const ref = d.nativeKind.adapter;
  const status = adapterStatus(ref);
  if ('cli' in ref) return named(await (await import('./cli.ts')).createCliRuntime(ref.cli, d.binary), d.name);
  // adapters are named by their source file; the published package (dist/, compiled) has the .js beside this module
  const url = new URL(ref.module.replace(/\.ts$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${d.name}: adapter not available (${status.module} does not exist); binary ${d.binary} (${d.versionLine})`);
  const mod = (await import(url.href)) as Record<string, unknown>;
  const factory = mod[ref.factory];
  if (typeof factory !== 'function') throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${d.name}: adapter not available (${status.module} exports no ${ref.factory})`);
  const options: NativeRuntimeOptions = { name: d.name, kind: d.kind, binary: d.binary, version: d.version, versionLine: d.versionLine };
  return (factory as NativeFactory)(options);
}

/** The CLI adapter names its runtimes by family (`iwasm`); the matrix needs the versioned name. */
function named(rt: Runtime, name: string): Runtime {
  return {
    name,
    profile: rt.profile,
    capabilities: rt.capabilities,
    version: () => rt.version(),
    executeAll: (cases) => rt.executeAll(cases),
    close: () => rt.close(),
  };
}
