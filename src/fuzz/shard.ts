/**
 * Shards split a campaign's case-index space deterministically (DESIGN §1 "sharded across
 * machines"). Shard k/n takes the indices i ≡ k-1 (mod n): its position p runs case index
 * `k-1 + n·p` of every family. Strided, not blocked, so a time-bounded shard still covers the
 * low indices and `--runs N` on each of n shards is exactly `--runs n·N` on one machine.
 */
import { usageError } from '../errors.ts';

export interface Shard {
  /** 1-based shard number. */
  k: number;
  n: number;
}

export const WHOLE: Shard = { k: 1, n: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw usageError(`--shard must look like \`k/n\` with 1 ≤ k ≤ n (e.g. \`3/8\`), got \`${text}\``);
  return { k, n };
}

/** The case index of a shard's position p. */
export function caseIndexAt(shard: Shard, position: number): number {
  return shard.k - 1 + shard.n * position;
}

export function formatShard(shard: Shard): string {
  return `${shard.k}/${shard.n}`;
}
