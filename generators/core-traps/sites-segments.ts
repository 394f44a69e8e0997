/**
 * Active segments out of bounds: instantiation itself traps. The module builder (./module.ts)
 * adds the segment from the detail; there is no function body, so no context either.
 */
import type { SiteDef } from './site.ts';

export const SEGMENT_SITES: SiteDef[] = [
  {
    key: 'data-segment',
    site: 'data-segment',
    group: 'segment',
    trap: 'out of bounds memory access',
    features: ['bulk-memory'],
    details: ['straddle', 'past-end', 'len0-past-end', 'huge-offset'],
    segment: true,
    build: () => ({ expr: 0, type: 'none' }),
  },
  {
    key: 'elem-segment',
    site: 'elem-segment',
    group: 'segment',
    trap: 'out of bounds table access',
    features: ['bulk-memory'],
    details: ['straddle', 'past-end', 'len0-past-end'],
    segment: true,
    build: () => ({ expr: 0, type: 'none' }),
  },
];
