/**
 * Starting a discovered runtime: its adapter module's one factory, taking NativeRuntimeOptions
 * (src/runtimes/native/options.ts), or the generic CLI adapter for wasmtime / wasmer / wasmedge
 * binaries. Modules are imported by path at run time, so a runtime whose adapter is not written
 * yet is still listed with its version; starting it is a one-line error.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TrapcheckError } from '../errors.ts';
import type { Runtime } from './adapter.ts';
import type { DiscoveredRuntime } from './discovery.ts';
import type { AdapterRef } from './native-kinds.ts';
import type { NativeRuntimeOptions } from './native/options.ts';

type NativeFactory = (opts: NativeRuntimeOptions) => Promise<Runtime>;

/** Which adapter runs this kind here: its native module, the CLI adapter, or none yet. */
export function adapterStatus(ref: AdapterRef): { uses: 'native' | 'cli'; module: string } | { uses: 'none'; module: string } {
  if ('cli' in ref) return { uses: 'cli', module: 'src/runtimes/cli.ts' };
  const module = `src/runtimes/${ref.module.slice(2)}`;
  if (existsSync(fileURLToPath(new URL(ref.module, import.meta.url)))) return { uses: 'native', module };
  return ref.cliFallback ? { uses: 'cli', module: 'src/runtimes/cli.ts' } : { uses: 'none', module };
}

export async function createNativeRuntime(d: DiscoveredRuntime): Promise<Runtime> {
  const ref = d.nativeKind.adapter;
  const status = adapterStatus(ref);
  if (status.uses === 'none') throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${d.name}: adapter not available (${status.module} does not exist yet); binary ${d.binary} (${d.versionLine})`);
  if (status.uses === 'cli') {
    const cli = 'cli' in ref ? ref.cli : ref.cliFallback!;
    return named(await (await import('./cli.ts')).createCliRuntime(cli, d.binary), d.name);
  }
  if ('cli' in ref) throw new Error('unreachable: a CLI adapter reference has no module');
  const mod = (await import(new URL(ref.module, import.meta.url).href)) as Record<string, unknown>;
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
