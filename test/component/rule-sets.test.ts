/**
 * The re-entry rule sets runtimes declare (profiles/*.json `componentRules`) against the rules the
 * executor applies (src/component/rules.ts): a runtime runs only the component profiles it
 * declares, each of those profiles follows one of the re-entry rule sets it declares, and no known
 * divergence stands in for a rule set (C7 / C9 / C10 are judged by the declared rules).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Case, ComponentProfile } from '../../src/case.ts';
import { COMPONENT_PROFILES } from '../../src/case.ts';
import { PROFILE_RULES, REENTRY_RULE_SETS } from '../../src/component/rules.ts';
import type { ReentryRuleSet } from '../../src/component/rules.ts';
import { jcoCaseProblem } from '../../src/runtimes/jco.ts';
import { knownDivergences } from '../../src/runtimes/profiles.ts';

interface ComponentRules {
  profiles: ComponentProfile[];
  reentry: ReentryRuleSet[];
}

function declared(runtime: string): ComponentRules {
  const json = JSON.parse(readFileSync(new URL(`../../src/runtimes/profiles/${runtime}.json`, import.meta.url), 'utf8')) as { componentRules?: ComponentRules };
  if (!json.componentRules) throw new Error(`${runtime}.json declares no componentRules`);
  return json.componentRules;
}

const componentCase = (profile: ComponentProfile): Case => ({
  id: 'rule-sets',
  family: 'component',
  modules: [{ bytes: new Uint8Array() }],
  features: ['component'],
  component: { profile, exports: {} },
  steps: [],
  provenance: { kind: 'hand-written', note: 'test' },
});

describe.each(['reference', 'jco'])('%s: declared component rules', (runtime) => {
  it('every declared profile exists and follows one of the declared re-entry rule sets, each of which is used', () => {
    const rules = declared(runtime);
    for (const r of rules.reentry) expect(REENTRY_RULE_SETS).toContain(r);
    for (const p of rules.profiles) {
      expect(COMPONENT_PROFILES).toContain(p);
      expect(rules.reentry, `${runtime}: profile ${p}`).toContain(PROFILE_RULES[p].reentry);
    }
    expect(new Set(rules.profiles.map((p) => PROFILE_RULES[p].reentry))).toEqual(new Set(rules.reentry));
  });
});

describe('jco', () => {
  it('declares the current rule only (CM PR #705): spec, reentrant-2026', () => {
    expect(declared('jco')).toEqual({ profiles: ['spec'], reentry: ['reentrant-2026'] });
  });
  it('the adapter runs exactly the declared profiles', () => {
    const rules = declared('jco');
    for (const p of COMPONENT_PROFILES) expect(jcoCaseProblem(componentCase(p)) === undefined, p).toBe(rules.profiles.includes(p));
  });
});

describe('known divergences', () => {
  it('none covers a re-entry row: the declared rule set judges C7 / C9 / C10', () => {
    const reentryRows = new Set(['C7', 'C9', 'C10']);
    const covering = knownDivergences().filter((d) => d.match.family === 'component' && reentryRows.has(d.match.tag?.['row'] ?? ''));
    expect(covering.map((d) => d.id)).toEqual([]);
  });
});
