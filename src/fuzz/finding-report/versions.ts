/**
 * Bisection across the versions available here (issue #16 §4): the finding's case runs on every
 * discovered version of each runtime family the finding names (iwasm 2.0.0 / 2.4.5 /
 * iwasm-classic 2.4.5, wasm3 0.5.0 / 0.9.0, wasmtime 36.0.2 / 42.0.1 …), through trapcheck's own
 * adapters (createRuntime) and the judge, exactly as the campaign ran it. A version "has the bug"
 * when it fails with the finding's failure class (the signature without the runtime's name);
 * "fixed in" is the oldest version newer than every buggy one that passes.
 */
import type { Case } from '../../case.ts';
import type { Discovery, DiscoveredRuntime } from '../../runtimes/discovery.ts';
import { compareVersions } from '../../runtimes/discovery.ts';
import { createRuntime } from '../../runtimes/registry.ts';
import { judgeCases, recoveringTarget } from '../../pipeline/judge-cases.ts';
import type { Observation } from '../../observation.ts';
import { outcomeClass, failureClass } from '../signature.ts';
import type { Finding } from '../state.ts';

export type VersionStatus = 'has the bug' | 'passes' | 'fails differently' | 'cannot run' | 'observed';

export interface VersionResult {
  runtime: string;
  family: string;
  version: string;
  status: VersionStatus;
  /** The judge's verdict and reason, or why it could not run. */
  detail: string;
  /** What each step observed (outcome classes), for the report's table. */
  observed: string;
  /** The step the judge decided on. */
  step?: number;
}

export interface Bisection {
  results: VersionResult[];
  /** Per family: the oldest version newer than every buggy one that passes. */
  fixedIn: Record<string, string>;
}

/** The discovered runtimes of the families the finding names, oldest first (variants after their base). */
export function versionsToRun(f: Pick<Finding, 'runtimes'>, discovery: Discovery): DiscoveredRuntime[] {
  const families = [...new Set(f.runtimes.map((n) => discovery.runtimes.find((r) => r.name === n)?.family).filter((x): x is string => x !== undefined))];
  return families.flatMap((fam) =>
    discovery.runtimes
      .filter((r) => r.family === fam)
      .sort((a, b) => compareVersions(a.version, b.version) || Number(a.base !== fam) - Number(b.base !== fam) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
}

function observedSteps(c: Case, obs: Observation | undefined): string {
  if (!obs) return '';
  const label = (k: number): string => {
    const s = c.steps[k];
    return s ? `${s.op}${'export' in s && s.export ? ` ${s.export}` : ''}` : String(k);
  };
  return obs.steps.map((s, k) => `${label(k)}: ${outcomeClass(s.outcome)}${s.outcome.kind === 'return' && s.outcome.values.length ? ` ${s.outcome.values.map((v) => v.value).join(', ')}` : ''}`).join('; ');
}

/** The finding's failure class: its signature after the runtime's (or the pair's) name. */
export function findingClass(f: Pick<Finding, 'signature' | 'kind'>): string {
  const parts = f.signature.split(' · ');
  // verdict `fail · fam · rt · …`, oracle `suspected oracle bug · fam · …`, differential `differential · fam · a vs b · …`
  return parts.slice(f.kind === 'oracle' ? 2 : 3).join(' · ');
}

export async function bisect(f: Finding, c: Case, discovery: Discovery): Promise<Bisection> {
  const wanted = findingClass(f);
  const results: VersionResult[] = [];
  for (const d of versionsToRun(f, discovery)) {
    const base = { runtime: d.name, family: d.family, version: d.version };
    let runtime;
    try {
      runtime = await createRuntime(d.name);
    } catch (e) {
      results.push({ ...base, status: 'cannot run', detail: (e as Error).message.split('\n')[0]!, observed: '' });
      continue;
    }
    try {
      const [judged] = await judgeCases(recoveringTarget(runtime), [c]);
      const v = judged!.verdict;
      const observed = observedSteps(c, judged!.observation);
      const detail = `${v.verdict}${v.reason ? `: ${v.reason}` : ''}`;
      let status: VersionStatus;
      if (v.verdict === 'skip') status = 'cannot run';
      else if (f.kind === 'differential') status = 'observed';
      else if (v.verdict === 'fail') status = failureClass(c, v, judged!.observation) === wanted ? 'has the bug' : 'fails differently';
      else status = v.verdict === 'pass' || v.verdict === 'imprecise' ? 'passes' : 'fails differently';
      results.push({ ...base, status, detail, observed, ...(v.step !== undefined ? { step: v.step } : {}) });
    } finally {
      await runtime.close();
    }
  }
  const fixedIn: Record<string, string> = {};
  for (const fam of new Set(results.map((r) => r.family))) {
    const mine = results.filter((r) => r.family === fam);
    const buggy = mine.filter((r) => r.status === 'has the bug');
    if (!buggy.length) continue;
    const newest = buggy.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a)).version;
    const fixed = mine.find((r) => r.status === 'passes' && compareVersions(r.version, newest) > 0);
    if (fixed) fixedIn[fam] = fixed.runtime;
  }
  return { results, fixedIn };
}
