/**
 * `trapcheck mutate SOURCE --seed S --runs N --out DIR [--transform a,b]`: writes N mutated cases
 * (src/mutate/, issue #18 §4) as case files (`<name>.wasm` + `<name>.json`, the corpus format, so
 * `trapcheck run --corpus DIR --runs 0` runs them) and prints one replay line per case.
 *
 * SOURCE is a list of cases, mutated round robin (case k mod L, mutation index k div L):
 *   `core-traps/1/5`   generated case 5 of core-traps under seed 1 (a shrunk path `5:3:0` too)
 *   `core-traps/1`     generated cases 0, 1, 2 … of core-traps under seed 1 (mutation 0 of each)
 *   a case .json file, or a folder of them (the corpus: every case below it)
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { toCaseFile } from '../../case.ts';
import { loadCaseFile, loadCorpus } from '../../conformance/corpus.ts';
import { usageError } from '../../errors.ts';
import { parseCasePath, replayCommand } from '../../replay-token.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { writeFileAtomic } from '../../report/write-file.ts';
import { FAMILY_NAMES } from '../../../generators/names.ts';
import { mutateCase, TRANSFORM_NAMES } from '../../mutate/index.ts';
import type { TransformName } from '../../mutate/index.ts';
import { checkChoices, intOption, listOption, parse } from '../args.ts';
import type { CliIo } from '../io.ts';
import { resolveSeed } from '../seed.ts';

const OPTIONS = { seed: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' }, transform: { type: 'string', multiple: true } } as const;

const FORMS = '`FAMILY/SEED/PATH` (one generated case), `FAMILY/SEED` (generated cases 0, 1, …), a case .json file or a folder of them';

/** The source as a case list: `at(k)` is case k (generated lazily), `size` how many (Infinity: a generated stream). */
interface CaseList {
  size: number;
  at(k: number): Case;
}

async function generated(family: string, seed: number, path: string | undefined): Promise<CaseList> {
  checkChoices('family', [family], FAMILY_NAMES, 'UNKNOWN_FAMILY');
  const { generateCase, getFamily } = await import('../../../generators/index.ts');
  if (path === undefined) return { size: Infinity, at: (k) => generateCase(family, seed, k) };
  const p = parseCasePath(path);
  const c = p.shrink ? (await import('../../fuzz/shrink-path.ts')).caseAtPath(getFamily(family), seed, p) : generateCase(family, seed, p.index);
  return { size: 1, at: () => c };
}

async function caseList(source: string): Promise<CaseList> {
  if (existsSync(source)) {
    const cases = statSync(source).isDirectory() ? await loadCorpus([source]) : [await loadCaseFile(source)];
    if (cases.length === 0) throw usageError(`${source}: no case files below it`);
    return { size: cases.length, at: (k) => cases[k]! };
  }
  const m = /^([\w-]+)\/(\d+)(?:\/(\d+(?::\d+)*))?$/.exec(source);
  if (!m) throw usageError(`\`trapcheck mutate\` takes ${FORMS}; got \`${source}\` (no such file either)`);
  return generated(m[1]!, Number(m[2]), m[3]);
}

function fileName(id: string): string {
  return id.replace(/[^\w.~-]+/g, '_');
}

function tally(into: Map<string, number>, key: string): void {
  into.set(key, (into.get(key) ?? 0) + 1);
}

const listed = (m: Map<string, number>): string =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} (${n})`)
    .join(', ') || 'none';

export async function mutateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('mutate', argv, OPTIONS);
  if (positionals.length !== 1) throw usageError(`\`trapcheck mutate\` takes one source: ${FORMS}`);
  const seed = resolveSeed(values);
  const runs = intOption(values, 'runs', 10, 1);
  const only = listOption(values, 'transform');
  if (only) checkChoices('transform', only, TRANSFORM_NAMES);
  const options = only ? { transforms: only as TransformName[] } : {};
  const out = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : `reports/mutate-${seed}`);
  const list = await caseList(positionals[0]!);
  io.out(`trapcheck mutate: seed ${seed}; ${runs} mutations of ${positionals[0]} → ${out}`);
  const applied = new Map<string, number>();
  const skipped = new Map<string, number>();
  let written = 0;
  for (let k = 0; k < runs; k++) {
    const original = list.at(k % list.size);
    const index = list.size === Infinity ? 0 : Math.floor(k / list.size);
    const m = mutateCase(original, { seed, index }, options);
    m.skipped.forEach((s) => tally(skipped, s));
    const c = m.case;
    if (!c) continue;
    if (c.modules.length !== 1) {
      tally(skipped, 'case: several modules (a case file holds one)');
      continue;
    }
    const name = fileName(c.id);
    writeFileAtomic(join(out, `${name}.wasm`), c.modules[0]!.bytes);
    writeFileAtomic(join(out, `${name}.json`), `${JSON.stringify(toCaseFile(c, `${name}.wasm`), null, 1)}\n`);
    m.applied.forEach((t) => tally(applied, t));
    written++;
    io.out(`${replayCommand(c, 'reference')}  # ${c.id}: ${m.applied.join(' ')}`);
  }
  io.out(`trapcheck mutate: wrote ${written} mutated cases of ${runs} to ${out}`);
  io.out(`  applied: ${listed(applied)}`);
  io.out(`  skipped: ${listed(skipped)}`);
  return 0;
}
