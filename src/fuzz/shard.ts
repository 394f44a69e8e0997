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

/**
 * `--shard auto`: the shard from the CI system's own parallel-job variables, so one job
 * definition serves every shard of a matrix. In order: `TRAPCHECK_SHARD` (`k/n`); GitLab
 * `parallel:` (`CI_NODE_INDEX` 1-based, `CI_NODE_TOTAL`); CircleCI (`CIRCLE_NODE_INDEX` 0-based,
 * `CIRCLE_NODE_TOTAL`); Buildkite (`BUILDKITE_PARALLEL_JOB` 0-based, `BUILDKITE_PARALLEL_JOB_COUNT`);
 * a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX` 0-based, with `TRAPCHECK_SHARD_COUNT` set
 * from the Job's `completions`: Kubernetes exports no total); and the generic
 * `TRAPCHECK_SHARD_INDEX` (0-based) + `TRAPCHECK_SHARD_COUNT`, which a GitHub Actions matrix sets
 * from `strategy.job-index` and `strategy.job-total` (GitHub exports no variable of its own).
 */
export function shardFromEnvironment(env: Readonly<Record<string, string | undefined>>): { shard: Shard; source: string } {
  const direct = env['TRAPCHECK_SHARD'];
  if (direct) return { shard: parseShard(direct), source: 'TRAPCHECK_SHARD' };
  const pairs: ReadonlyArray<[index: string, total: string, base: 0 | 1]> = [
    ['CI_NODE_INDEX', 'CI_NODE_TOTAL', 1],
    ['CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL', 0],
    ['BUILDKITE_PARALLEL_JOB', 'BUILDKITE_PARALLEL_JOB_COUNT', 0],
    ['JOB_COMPLETION_INDEX', 'TRAPCHECK_SHARD_COUNT', 0],
    ['TRAPCHECK_SHARD_INDEX', 'TRAPCHECK_SHARD_COUNT', 0],
  ];
  for (const [indexVar, totalVar, base] of pairs) {
    const index = env[indexVar];
    if (index === undefined || index === '') continue;
    const total = env[totalVar];
    if (total === undefined || total === '') throw usageError(`--shard auto: ${indexVar} is set but ${totalVar} is not (set it to the number of shards)`);
    if (!/^\d+$/.test(index) || !/^\d+$/.test(total)) throw usageError(`--shard auto: ${indexVar}=${index} and ${totalVar}=${total} must be whole numbers`);
    const k = Number(index) + 1 - base;
    return { shard: parseShard(`${k}/${Number(total)}`), source: `${indexVar}/${totalVar}` };
  }
  throw usageError('--shard auto: no shard in the environment (set TRAPCHECK_SHARD=k/n, or run under a GitLab, CircleCI, Buildkite or Kubernetes Indexed Job parallel job)');
}
