/**
 * Which cases a mutation may touch at all, and what the case allows its transforms. A case is left
 * alone when a transform could change one of its observations however carefully it is made:
 * instruction counts are observable (fuel, asyncify, Lunatic fuel slices), component instances
 * follow their own ABI, a module expected to be rejected is not ours to repair, and a WASI
 * `random_get` stream is seeded by the case id (a mutated case has its own id). Spec and suite
 * cases have no replay line a mutation could extend.
 */
import type { Case } from '../case.ts';
import { readLayout } from '../wasm/layout.ts';
import type { CaseConstraints } from './transform.ts';

/** Why the whole case is left unmutated, or undefined. */
export function caseSkipReason(c: Case): string | undefined {
  if (c.component !== undefined || c.features.includes('component')) return 'component case';
  if (c.features.includes('fuel') || c.features.includes('asyncify')) return 'fuel or asyncify case (instruction counts are observable)';
  if (c.features.includes('lunatic')) return 'lunatic case (fuel slices are observable)';
  if (c.tags?.['mutation'] !== undefined) return 'already mutated';
  if (c.provenance.kind === 'spec' || (c.provenance.kind === 'hand-written' && c.provenance.note.startsWith('wasi-testsuite:'))) return 'spec or suite case';
  if (c.steps.some((s) => s.expect.outcome?.kind === 'rejected')) return 'a module is expected to be rejected';
  for (const m of c.modules) {
    let imports;
    try {
      imports = readLayout(m.bytes).imports;
    } catch {
      return 'a module cannot be read';
    }
    if (imports.some((i) => i.name === 'random_get')) return 'WASI random_get (seeded by the case id)';
  }
  return undefined;
}

export function caseConstraints(c: Case): CaseConstraints {
  return { readsMemory: c.steps.some((s) => s.expect.memory !== undefined || s.expect.processes?.some((p) => p.memory !== undefined)) };
}

/**
 * WASI argv defaults to the case id: a mutated case, which has its own id, passes the original's
 * explicitly when a module can read its arguments.
 */
export function pinnedWasi(c: Case): Case['wasi'] {
  if (c.wasi?.args !== undefined) return c.wasi;
  const readsArgs = c.modules.some((m) => readLayout(m.bytes).imports.some((i) => i.name === 'args_get' || i.name === 'args_sizes_get'));
  return readsArgs ? { ...c.wasi, args: [c.id] } : c.wasi;
}
