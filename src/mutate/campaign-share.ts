/**
 * `trapcheck fuzz --mutate [SHARE]`: which generated cases of a campaign run mutated, and the
 * mutation they get: mutation 0 under the campaign seed, for a share of the cases chosen by a hash
 * of (seed, case id), so a resumed or sharded campaign mutates exactly the same cases. A case no
 * transform fits runs as generated. The mutation is in the case's tags, so findings print a replay
 * line that re-applies it.
 */
import type { Case } from '../case.ts';
import { usageError } from '../errors.ts';
import { caseSeed } from '../random.ts';
import { mutateCase } from './mutate-case.ts';

/** `1`, `0.25` or `25%` → a share in (0, 1]. */
export function parseMutateShare(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const share = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(share > 0 && share <= 1)) throw usageError(`--mutate takes the share of cases to mutate: nothing (all), a fraction like \`0.25\` or a percentage like \`25%\`; got \`${text}\``);
  return share;
}

export function campaignMutator(seed: number, share: number): (c: Case) => Case {
  return (c) => {
    if (share < 1 && caseSeed(seed, `mutate-share/${c.id}`, 0) / 2 ** 32 >= share) return c;
    return mutateCase(c, { seed, index: 0 }).case ?? c;
  };
}
