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
import type { GenerationJob } from './generation-pool.ts';
import { GenerationPool } from './generation-pool.ts';

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
  cases: AsyncIterable<Case>;
  total: number;
  /** Stops generation workers, if any were started. */
  close(): Promise<void>;
}

/** Below this many generated cases, starting workers (each loads binaryen) costs more than it saves. */
const POOL_THRESHOLD = 400;

function* jobs(families: readonly string[], seed: number, runs: number): Generator<GenerationJob> {
  for (let i = 0; i < runs; i++) for (const f of families) yield [f, seed, i];
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
  const generatedCount = generatedFamilies.length * options.runs;
  const pool = generatedCount >= POOL_THRESHOLD ? new GenerationPool() : undefined;
  // Inline generation loads binaryen on this thread: only when cases will be generated.
  const inline = !pool && generatedCount > 0 ? (await import('../../generators/index.ts')).generateCase : undefined;
  async function* all(): AsyncGenerator<Case> {
    yield* corpus;
    const list = jobs(generatedFamilies, options.seed, options.runs);
    if (pool) yield* pool.generate(list);
    else if (inline) for (const [f, seed, i] of list) yield inline(f, seed, i);
  }
  return {
    corpus,
    generatedFamilies,
    cases: all(),
    total: corpus.length + generatedCount,
    close: async () => pool?.close(),
  };
}
