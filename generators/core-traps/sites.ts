/**
 * Every core-traps site, in a fixed order (the site draw and the declared coverage follow it).
 */
import { ATOMIC_SITES } from './sites-atomics.ts';
import { BULK_MEMORY_SITES } from './sites-bulk-memory.ts';
import { RECURSION_SITE, UNREACHABLE_SITE } from './sites-control.ts';
import { DIVISION_SITES } from './sites-division.ts';
import { MEMORY_SITES } from './sites-memory.ts';
import { SEGMENT_SITES } from './sites-segments.ts';
import { CALL_INDIRECT_SITES, TABLE_SITES } from './sites-table.ts';
import { TRUNCATION_SITES } from './sites-truncation.ts';
import type { SiteDef } from './site.ts';

export const SITES: readonly SiteDef[] = [
  UNREACHABLE_SITE,
  ...DIVISION_SITES,
  ...TRUNCATION_SITES,
  ...MEMORY_SITES,
  ...BULK_MEMORY_SITES,
  ...TABLE_SITES,
  ...CALL_INDIRECT_SITES,
  RECURSION_SITE,
  ...ATOMIC_SITES,
  ...SEGMENT_SITES,
];

export const SITE_KEYS: readonly string[] = SITES.map((s) => s.key);
const BY_KEY = new Map(SITES.map((s) => [s.key, s]));

export function siteByKey(key: string): SiteDef {
  const site = BY_KEY.get(key);
  if (!site) throw new Error(`core-traps: unknown site ${JSON.stringify(key)}`);
  return site;
}

/** Sites whose module needs the table `t`. */
export const TABLE_USERS: ReadonlySet<string> = new Set(['table.get', 'table.set', 'table.fill', 'table.copy', 'call_indirect', 'elem-segment']);
