/**
 * The drawn parameters normalised into the process graph a case builds: at most seven children
 * with named fates and traps, and the child links deduplicated (one per pair, a > b). Module and
 * expected end state are both derived from this one plan.
 */
import type { ChildParams, Fate, IsolationParams, RootFate, TrapName } from './params.ts';
import { FATES, ROOT_FATES, ROOT_TRAPS, TRAPS } from './params.ts';

export interface Plan {
  n: number;
  kids: Array<ChildParams & { fateName: Fate; trapName: TrapName; code: number }>;
  /** Normalised child links: a > b, one per pair. */
  links: Array<{ a: number; b: number; tag: number }>;
  rootFate: RootFate;
  rootTrap: TrapName;
  rootCode: number;
}

export function plan(p: IsolationParams): Plan {
  const kids = p.children.slice(0, 7).map((k) => ({
    ...k,
    // a fuel-limited child (one slice) must finish its setup: no stack-exhausting catch there
    catchTrap: FATES[k.fate % FATES.length] === 'fuel' && TRAPS[k.catchTrap % TRAPS.length] === 'stack' ? 0 : k.catchTrap,
    fateName: FATES[k.fate % FATES.length]!,
    trapName: TRAPS[k.trap % TRAPS.length]!,
    code: 2 + (k.code % 124),
    spawnTag: k.spawnTag % 1000,
  }));
  const seen = new Set<string>();
  const links: Plan['links'] = [];
  for (const [x, y, tag] of p.links) {
    const a = Math.max(x, y) % Math.max(1, kids.length);
    const b = Math.min(x, y) % Math.max(1, kids.length);
    if (a === b || a < b || seen.has(`${a}/${b}`)) continue;
    seen.add(`${a}/${b}`);
    links.push({ a, b, tag: 1 + (tag % 999) });
  }
  return { n: kids.length + 1, kids, links, rootFate: ROOT_FATES[p.rootFate % ROOT_FATES.length]!, rootTrap: ROOT_TRAPS[p.rootTrap % ROOT_TRAPS.length]!, rootCode: 2 + (p.rootCode % 124) };
}
