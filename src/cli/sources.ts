/**
 * Where a run's cases come from: corpus directories and generated families, filtered by
 * --family. Generated cases are produced lazily so the suite runner can overlap generation
 * with execution.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Case } from '../case.ts';
import { loadCorpus } from '../conformance/corpus.ts';
import { FAMILY_NAMES } from '../../generators/names.ts';
import { checkChoices } from './args.ts';

/** The corpus shipped with trapcheck (used when no --corpus is given). */
export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));

export interface SourceOptions {
  corpusDirs?: string[];
  families?: string[];
  seed: number;
  runs: number;
}

export interface CaseSources {
  corpus: Case[];
  generatedFamilies: string[];
  /** Corpus first, then generated cases with families interleaved (case i of every family, then i+1). */
  cases: Iterable<Case>;
  total: number;
}

type GenerateCase = (family: string, seed: number, index: number) => Case;

function* generated(generateCase: GenerateCase, families: readonly string[], seed: number, runs: number): Generator<Case> {
  for (let i = 0; i < runs; i++) for (const f of families) yield generateCase(f, seed, i);
}

export async function collectCases(options: SourceOptions): Promise<CaseSources> {
  const dirs = options.corpusDirs ?? (existsSync(DEFAULT_CORPUS_DIR) ? [DEFAULT_CORPUS_DIR] : []);
  const corpusAll = await loadCorpus(dirs);
  const corpusFamilies = [...new Set(corpusAll.map((c) => c.family))];
  const valid = [...new Set([...FAMILY_NAMES, ...corpusFamilies])].sort();
  if (options.families) checkChoices('family', options.families, valid, 'UNKNOWN_FAMILY');
  const wanted = options.families ? new Set(options.families) : undefined;
  const corpus = wanted ? corpusAll.filter((c) => wanted.has(c.family)) : corpusAll;
  const generatedFamilies: string[] = FAMILY_NAMES.filter((f) => !wanted || wanted.has(f));
  const corpusIterable = corpus;
  // Loading the generators loads binaryen: only when cases will be generated.
  const generateCase: GenerateCase | undefined =
    options.runs > 0 && generatedFamilies.length ? (await import('../../generators/index.ts')).generateCase : undefined;
  return {
    corpus,
    generatedFamilies,
    cases: (function* () {
      yield* corpusIterable;
      if (generateCase) yield* generated(generateCase, generatedFamilies, options.seed, options.runs);
    })(),
    total: corpus.length + generatedFamilies.length * options.runs,
  };
}
