/**
 * `fuzz --schedules N` / `--threads real`: the reference runtime wrapped so each threads case runs
 * under N seeded schedules (or on real threads) while the campaign still sees one observation per
 * case: the first schedule the judge fails (else the first), with the set of outcomes all of them
 * observed (`raw.outcomes`). The case's `schedule` tag becomes that schedule, so a finding's
 * replay line carries `--schedule S` (src/replay-token.ts).
 */
import type { Case } from '../case.ts';
import { judge } from '../judge.ts';
import type { Observation } from '../observation.ts';
import { formatOutcome } from '../outcome.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import type { ThreadScheduling } from './thread-schedules.ts';
import { scheduledCases } from './thread-schedules.ts';

async function variantsOf(c: Case, t: ThreadScheduling): Promise<Case[]> {
  const out: Case[] = [];
  for await (const v of scheduledCases([c], t)) out.push(v);
  return out;
}

export function exploringSchedules(inner: Runtime, t: ThreadScheduling): Runtime {
  if (inner.name !== 'reference' || (t.schedules <= 1 && !t.real && t.schedule === undefined)) return inner;
  return {
    name: inner.name,
    profile: inner.profile,
    capabilities: inner.capabilities,
    version: () => inner.version(),
    close: () => inner.close(),
    async executeAll(cases: readonly Case[]): Promise<Observation[]> {
      const expanded: Case[] = [];
      const spans: Array<[number, number]> = [];
      for (const c of cases) {
        const variants = await variantsOf(c, t);
        spans.push([expanded.length, variants.length]);
        expanded.push(...variants);
      }
      const observed = await inner.executeAll(expanded);
      return cases.map((c, i) => {
        const [at, n] = spans[i]!;
        const group = observed.slice(at, at + n);
        if (n === 1) return group[0]!;
        const chosen = group.find((o) => judge(c, o, inner.profile).verdict === 'fail') ?? group[0]!;
        const outcomes = [...new Set(group.map((o) => (o.steps.length ? formatOutcome(o.steps[o.steps.length - 1]!.outcome) : '(no step)')))].sort();
        const schedule = chosen.raw?.['schedule'];
        if (typeof schedule === 'string') c.tags = { ...c.tags, schedule };
        return { ...chosen, raw: { ...chosen.raw, schedules: n, outcomes } };
      });
    },
  };
}
