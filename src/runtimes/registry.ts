/**
 * The runtime registry: names → factories. An unknown name lists the valid ones.
 * `name=path` selects a binary for CLI adapters (e.g. `wasmtime=/opt/wasmtime`).
 */
import { TrapcheckError, listChoices } from '../errors.ts';
import type { Runtime } from './adapter.ts';

type Factory = (binary?: string) => Promise<Runtime>;

const FACTORIES: Record<string, Factory> = {
  // sharded over child processes on a multi-core host (see defaultReferenceProcesses)
  reference: async () => {
    const { createReferenceRuntime, defaultReferenceProcesses } = await import('./reference.ts');
    return createReferenceRuntime({ processes: defaultReferenceProcesses() });
  },
  node: async (binary) => (await import('./engine.ts')).createEngineRuntime('node', binary),
  deno: async (binary) => (await import('./engine.ts')).createEngineRuntime('deno', binary),
  bun: async (binary) => (await import('./engine.ts')).createEngineRuntime('bun', binary),
  wabt: async (binary) => (await import('./wabt.ts')).createWabtRuntime(binary),
  'wasmer-sdk': async () => (await import('./wasmer-sdk.ts')).createWasmerSdkRuntime(),
  jco: async () => (await import('./jco.ts')).createJcoRuntime(),
  wasmtime: async (binary) => (await import('./cli.ts')).createCliRuntime('wasmtime', binary),
  wasmer: async (binary) => (await import('./cli.ts')).createCliRuntime('wasmer', binary),
  wasmedge: async (binary) => (await import('./cli.ts')).createCliRuntime('wasmedge', binary),
  wazero: async (binary) => (await import('./cli.ts')).createCliRuntime('wazero', binary),
  iwasm: async (binary) => (await import('./cli.ts')).createCliRuntime('iwasm', binary),
};

export const RUNTIME_NAMES: readonly string[] = Object.keys(FACTORIES);

export function parseRuntimeSpec(spec: string): { name: string; binary?: string } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { name: spec } : { name: spec.slice(0, eq), binary: spec.slice(eq + 1) };
}

export function checkRuntimeName(name: string): void {
  if (!FACTORIES[name]) throw new TrapcheckError('UNKNOWN_RUNTIME', `unknown runtime \`${name}\`; valid runtimes: ${listChoices(RUNTIME_NAMES)}`);
}

export async function createRuntime(spec: string): Promise<Runtime> {
  const { name, binary } = parseRuntimeSpec(spec);
  checkRuntimeName(name);
  return FACTORIES[name]!(binary);
}
