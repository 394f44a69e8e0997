/**
 * `add-table`: an unused table after every existing one (no table index changes; call_indirect
 * and table instructions name their table). A second table, or an externref one, needs
 * reference types, which the case then declares.
 */
import fc from 'fast-check';
import type { Feature } from '../../features.ts';
import { uleb } from '../../wasm/leb.ts';
import { appendEntries } from '../../wasm/sections.ts';
import type { Transform } from '../transform.ts';

export interface AddTableParams {
  min: number;
  extra: number | null;
  externref: boolean;
}

export const addTableTransform: Transform<AddTableParams> = {
  name: 'add-table',
  description: 'declare an unused table after the existing ones (reference-types when it is not the only one, or holds externref)',
  arbitrary: fc.record({ min: fc.integer({ min: 0, max: 8 }), extra: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }), externref: fc.boolean() }),
  apply({ facts }, p) {
    const limits = p.extra === null ? [0x00, ...uleb(p.min)] : [0x01, ...uleb(p.min), ...uleb(p.min + p.extra)];
    const features: Feature[] = facts.tables > 0 || p.externref ? ['reference-types'] : [];
    return { bytes: appendEntries(facts.bytes, 4, [[p.externref ? 0x6f : 0x70, ...limits]]), features };
  },
};
