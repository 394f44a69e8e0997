/**
 * Lunatic's limits and defaults as the reference host applies them (lunatic-process/src/config.rs
 * and state.rs @ 28a2f387), plus the bounds that keep one case from exhausting the worker.
 */
import type { ProcessConfig } from './proc.ts';

/** Lunatic's UNIT_OF_COMPUTE_IN_INSTRUCTIONS: one fuel slice, and the unit of `config_set_max_fuel`. */
export const FUEL_SLICE = 100_000n;
/** Lunatic's default max_memory (4 GiB). */
export const DEFAULT_MAX_MEMORY = 4n * 1024n * 1024n * 1024n;
/** Bytes of guest memory lent to Asyncify while a process is parked (swapped out otherwise). */
export const ASYNC_BYTES = 16 * 1024;
/** Most processes one case may spawn (a fork bomb ends as a host error, not a hung worker). */
export const MAX_PROCESSES = 4096;
/** The version `lunatic::version` reports: the source the host functions were read from. */
export const LUNATIC_VERSION = [0, 13, 2] as const;

const PAGE = 65536;

/** Wasm pages a process may have under `maxMemory` bytes (capped at the 32-bit address space). */
export function maxPages(maxMemory: bigint): number {
  const pages = maxMemory / BigInt(PAGE);
  return pages > 65536n ? 65536 : Number(pages);
}

/** The root process's config: Lunatic's initial one, every permission and no limits. */
export function rootConfig(): ProcessConfig {
  return { maxMemory: DEFAULT_MAX_MEMORY, maxFuel: 0n, canCompileModules: true, canCreateConfigs: true, canSpawnProcesses: true };
}

/** What `create_config` returns: every permission denied, default limits. */
export function deniedConfig(): ProcessConfig {
  return { maxMemory: DEFAULT_MAX_MEMORY, maxFuel: 0n, canCompileModules: false, canCreateConfigs: false, canSpawnProcesses: false };
}
