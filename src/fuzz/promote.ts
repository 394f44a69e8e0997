/**
 * Promotion: a minimised finding becomes a corpus case (`corpus/regressions/` by default) as
 * `<name>.wat` + `<name>.json`, provenance kind `finding` (generator, seed, path, runtime and its
 * version, date: metadata, never judged). The expectations are the case's own, which the
 * reference runtime passes, so the case runs in every later `npm test` (the corpus test) and
 * fails again on the runtime that had the bug.
 */
import { join, resolve } from 'node:path';
import type { Case, Provenance } from '../case.ts';
import { toCaseFile } from '../case.ts';
import { writeFileAtomic } from '../report/write-file.ts';
import { binaryToWat, watToBinary } from '../wasm/wabt.ts';

export interface PromoteInput {
  case: Case;
  dir: string;
  generator?: string;
  seed?: number;
  path?: string;
  runtime: string;
  runtimeVersion: string;
  /** ISO date, from the CLI edge. */
  date: string;
}

export function findingName(input: Pick<PromoteInput, 'case' | 'seed' | 'path' | 'runtime'>): string {
  const base = input.path !== undefined && input.seed !== undefined ? `${input.case.family}-s${input.seed}-p${input.path}` : input.case.id;
  return `${base}-${input.runtime}`.replace(/[^\w.-]+/g, '_');
}

/** Writes the case; returns the paths written (the .json first). */
export async function promoteFinding(input: PromoteInput): Promise<string[]> {
  const name = findingName(input);
  const bytes = input.case.modules[0]!.bytes;
  let moduleFile = `${name}.wat`;
  let wat: string | undefined;
  try {
    wat = await binaryToWat(bytes, { file: moduleFile });
    await watToBinary(wat, moduleFile); // the corpus loader will assemble it: make sure it can
  } catch {
    wat = undefined;
    moduleFile = `${name}.wasm`;
  }
  const provenance: Provenance = {
    kind: 'finding',
    ...(input.generator !== undefined ? { generator: input.generator } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.path !== undefined ? { path: input.path } : {}),
    runtime: input.runtime,
    version: input.runtimeVersion,
    date: input.date,
  };
  const c: Case = { ...input.case, id: `regressions/${name}`, provenance };
  const dir = resolve(input.dir);
  const jsonPath = join(dir, `${name}.json`);
  const modulePath = join(dir, moduleFile);
  writeFileAtomic(modulePath, wat ?? bytes);
  writeFileAtomic(jsonPath, `${JSON.stringify(toCaseFile(c, moduleFile), null, 1)}\n`);
  return [jsonPath, modulePath];
}
