/**
 * `fuzz --schedules N` / `--threads real`: the reference runtime wrapped so each threads case runs
 * under N seeded schedules (or on real threads) while the campaign still sees one observation per
 * case: the schedule with the worst verdict (the first of equals), with the set of outcomes all of them
 * observed (`raw.outcomes`). The case's `schedule` tag becomes that schedule, so a finding's
 * replay line carries `--schedule S` (src/replay-token.ts).
 */
import type { Case } from '../case.ts';
import { judge } from '../judge.ts';
import type { Observation } from '../observation.ts';
import type { Runtime } from '../runtimes/adapter.ts';
import type { ProbeRunner, ThreadScheduling } from './thread-schedules.ts';
import { lastStepOutcome, scheduledCases, worseVerdict } from './thread-schedules.ts';

async function variantsOf(c: Case, t: ThreadScheduling, probe: ProbeRunner): Promise<Case[]> {
  const out: Case[] = [];
  for await (const v of scheduledCases([c], t, probe)) out.push(v);
  return out;
}

export function exploringSchedules(inner: Runtime, t: ThreadScheduling): Runtime {
  if (inner.name !== 'reference' || (t.schedules <= 1 && !t.dfs && !t.real && t.schedule === undefined)) return inner;
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
        const variants = await variantsOf(c, t, (cs) => inner.executeAll(cs));
        spans.push([expanded.length, variants.length]);
        expanded.push(...variants);
      }
      const observed = await inner.executeAll(expanded);
      return cases.map((c, i) => {
        const [at, n] = spans[i]!;
        const group = observed.slice(at, at + n);
        // `--schedules dfs`: whether the search was complete or cut (every variant carries it)
        const dfs = expanded[at]?.tags?.['dfs'];
        if (dfs !== undefined) c.tags = { ...c.tags, dfs };
        if (n === 1) return group[0]!;
        // the worst verdict, as `run --schedules` folds them (thread-schedules.ts)
        const verdicts = group.map((o) => judge(c, o, inner.profile).verdict);
        const chosen = group[verdicts.reduce((w, v, j) => (worseVerdict(v, verdicts[w]!) ? j : w), 0)]!;
        const outcomes = [...new Set(group.map((o) => lastStepOutcome(o) ?? '(no step)'))].sort();
        const schedule = chosen.raw?.['schedule'];
        if (typeof schedule === 'string') c.tags = { ...c.tags, schedule };
        return { ...chosen, raw: { ...chosen.raw, schedules: n, outcomes } };
      });
    },
  };
}
