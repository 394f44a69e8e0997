/**
 * The form a case takes to cross into a pooled worker: no WAT text, no provenance, module bytes
 * in buffers of their own (a view into a larger buffer would clone all of it), and the features
 * the worker needs flattened into flags. Used by every runtime that feeds the pool.
 */
import type { Case } from '../case.ts';
import type { RunnableCase } from './exec.ts';

/** A case as the pool ships it: no WAT text, no provenance; bytes in their own buffer. */
export interface PoolCase extends RunnableCase {
  timeoutMs?: number;
}

export function toPoolCase(c: Case | PoolCase): PoolCase {
  const out: PoolCase = {
    id: c.id,
    modules: c.modules.map((m) => ({ bytes: m.bytes.byteLength === m.bytes.buffer.byteLength ? m.bytes : m.bytes.slice() })),
    steps: c.steps,
  };
  if (c.wasi) out.wasi = c.wasi;
  if (c.timeoutMs !== undefined) out.timeoutMs = c.timeoutMs;
  if ('features' in c ? c.features.includes('wasi-threads') : c.threads) out.threads = true;
  const schedule = 'features' in c ? c.tags?.['schedule'] : c.schedule;
  if (schedule !== undefined) out.schedule = schedule;
  if ('features' in c ? c.features.includes('lunatic') : c.lunatic) out.lunatic = true;
  if ('features' in c ? c.features.includes('fuel') : c.fuel) out.fuel = true;
  if ('features' in c ? c.features.includes('asyncify') : c.asyncify) out.asyncify = true;
  if (c.component) out.component = c.component;
  return out;
}
