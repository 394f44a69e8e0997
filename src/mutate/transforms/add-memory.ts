/**
 * `add-memory`: an unused, unexported memory in a module that has none. No instruction can address
 * it (the module's code was valid without a memory), and no host sees it; not for a case whose
 * steps read memory (`memory` expectations read the first memory when none is exported).
 */
import fc from 'fast-check';
import { uleb } from '../../wasm/leb.ts';
import { appendEntries } from '../../wasm/sections.ts';
import type { Transform } from '../transform.ts';

export interface AddMemoryParams {
  min: number;
  /** Pages the maximum allows beyond the minimum; null: no maximum. */
  extra: number | null;
}

export const addMemoryTransform: Transform<AddMemoryParams> = {
  name: 'add-memory',
  description: 'declare an unused, unexported memory in a module that has none',
  arbitrary: fc.record({ min: fc.integer({ min: 0, max: 2 }), extra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }),
  apply({ facts, constraints }, p) {
    if (facts.memories > 0) return { skip: 'the module has a memory' };
    if (constraints.readsMemory) return { skip: 'a step reads memory' };
    const limits = p.extra === null ? [0x00, ...uleb(p.min)] : [0x01, ...uleb(p.min), ...uleb(p.min + p.extra)];
    return { bytes: appendEntries(facts.bytes, 5, [limits]), features: [] };
  },
};
