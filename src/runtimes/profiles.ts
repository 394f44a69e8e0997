/**
 * Loads a runtime's profile (profiles/<name>.json) and merges the known divergences filed for
 * it in known-divergences.json, so one data file lists every divergence with its reason and
 * link, and the judge sees them through the profile (DESIGN §2 "Profile").
 */
import { readFileSync } from 'node:fs';
import type { KnownDivergence, Profile } from '../profile.ts';

export interface FiledDivergence extends KnownDivergence {
  /** The runtime (profile name) it applies to. */
  runtime: string;
}

const DIR = new URL('./profiles/', import.meta.url);

export function knownDivergences(): FiledDivergence[] {
  return JSON.parse(readFileSync(new URL('./known-divergences.json', import.meta.url), 'utf8')) as FiledDivergence[];
}

export function loadProfile(name: string): Profile {
  const profile = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as Profile;
  const filed = knownDivergences()
    .filter((d) => d.runtime === profile.runtime)
    .map(({ runtime: _runtime, ...d }) => d);
  return { ...profile, knownDivergences: [...profile.knownDivergences, ...filed] };
}
