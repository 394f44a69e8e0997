/**
 * The iwasm command-line flags a case needs, shared by command runs and REPL sessions, and the
 * module file the case runs (written once per module, after the memory-import rename).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { renameMemoryImport } from './iwasm-lowering.ts';

/**
 * Threads per cluster for wasi-threads cases. iwasm's `--max-threads` (default 4) counts the
 * main thread and bounds LIVE threads (measured: `--max-threads=1` refuses the first spawn with
 * `thread manager error: maximum number of threads exceeded`); cases have main + up to 4.
 */
export const IWASM_MAX_THREADS = 17;

/**
 * The interpreter's wasm stack in bytes. iwasm's default is 64 KiB; the stack depth a program
 * may reach is implementation-defined, and trapcheck's controls recurse 2,000 frames deep
 * (a depth every engine it compares allows), so the adapter gives iwasm 1 MiB like a V8 thread.
 */
export const IWASM_STACK_SIZE = 1024 * 1024;

export function iwasmFlags(c: Pick<Case, 'features' | 'wasi'>): string[] {
  const flags = [`--stack-size=${IWASM_STACK_SIZE}`];
  if (c.features.includes('wasi-threads')) flags.push(`--max-threads=${IWASM_MAX_THREADS}`);
  // `--env=K=V` in one argument: 2.4 prints its usage for `--env K=V`
  for (const kv of c.wasi?.env ?? []) flags.push(`--env=${kv}`);
  for (const d of c.wasi?.dirs ?? []) flags.push(`--map-dir=${d.guest}::${d.host}`);
  return flags;
}

/** Writes a module for iwasm (renaming a lone imported memory to `env.memory`); returns its path. */
export function writeModuleFile(dir: string, label: string, bytes: Uint8Array): { file: string; renamed?: string } {
  const lowered = renameMemoryImport(bytes);
  const file = join(dir, `${label.replace(/[^\w.-]+/g, '_')}.wasm`);
  writeFileSync(file, lowered.bytes);
  return lowered.renamed !== undefined ? { file, renamed: lowered.renamed } : { file };
}
