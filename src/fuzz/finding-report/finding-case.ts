/**
 * The smallest case a finding's record lets us rebuild, and how small it is:
 *   1. `promoted`: the corpus case `--save-findings` wrote (parameters shrunk, then the module
 *      reduced): the smallest there is;
 *   2. `parameter-shrunk`: the case at the verified shrink path (src/fuzz/shrink-path.ts); the
 *      module reduction the campaign applied after it is not in the record;
 *   3. `unshrunk`: the first case that showed the finding, as generated (the record says why it
 *      was not shrunk);
 *   4. none: a mutated or non-generated case, which only its replay line rebuilds.
 * Rebuilding is exact (DESIGN §6): same family, seed and path ⇒ the same bytes the campaign ran.
 */
import { existsSync } from 'node:fs';
import type { Case } from '../../case.ts';
import { loadCaseFile } from '../../conformance/corpus.ts';
import type { Family } from '../../../generators/family.ts';
import type { IndexedFinding } from '../findings-index.ts';
import { caseAtPath } from '../shrink-path.ts';

export type CaseSource = 'promoted' | 'parameter-shrunk' | 'unshrunk';

export interface FindingCase {
  case: Case;
  source: CaseSource;
  /** One sentence for the report: where the module comes from and how it was reduced. */
  note: string;
  /** The corpus file of a promoted case. */
  file?: string;
}

export async function findingCase(f: IndexedFinding, seed: number | undefined, families: Readonly<Record<string, Family<unknown>>>): Promise<FindingCase | { none: string }> {
  const saved = f.shrink?.saved?.find((p) => p.endsWith('.json') && existsSync(p));
  if (saved) {
    const c = await loadCaseFile(saved);
    const reduced = f.shrink!.reductions.length ? ` and reduced (${f.shrink!.reductions.join(', ')})` : '';
    return { case: c, source: 'promoted', file: saved, note: `The case the campaign saved (\`${saved}\`): parameters shrunk by fast-check${reduced}.` };
  }
  if (f.first.repro.includes('--mutate')) return { none: `a mutated case: only its replay line rebuilds it (\`${f.first.repro}\`)` };
  const family = families[f.family];
  if (!family || seed === undefined) return { none: `not a generated case of a known family (${f.family}): only its replay line rebuilds it (\`${f.first.repro}\`)` };
  if (f.shrink?.verified) {
    const c = caseAtPath(family, seed, f.shrink.path);
    const size = f.shrink.size;
    const after = f.shrink.reductions.length
      ? ` The campaign then reduced the module further (${size.afterParams.bytes} → ${size.after.bytes} bytes: ${f.shrink.reductions.join(', ')}), but did not save it: run the campaign with \`--save-findings DIR\` for that module.`
      : '';
    return { case: c, source: 'parameter-shrunk', note: `Rebuilt from the shrink path \`${f.shrink.path}\` (family ${f.family}, seed ${seed}): parameters shrunk by fast-check, ${size.before.bytes} → ${size.afterParams.bytes} bytes.${after}` };
  }
  const c = caseAtPath(family, seed, String(f.first.index));
  const why = f.notShrunk ?? (f.shrink ? 'the shrunk case did not reproduce the finding' : 'no shrink result recorded');
  return { case: c, source: 'unshrunk', note: `**Not shrunk** (${why}): this is the first case that showed the finding, as generated (family ${f.family}, seed ${seed}, case ${f.first.index}).` };
}
