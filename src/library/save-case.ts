/**
 * Saving a case for the library (`saveCase` in src/index.ts): the corpus format that
 * `trapcheck gen` writes and `loadCaseFile` / `trapcheck replay FILE.json` read back.
 */
import { join } from 'node:path';
import type { Case } from '../case.ts';
import { toCaseFile } from '../case.ts';
import { TrapcheckError } from '../errors.ts';
import { writeFileAtomic } from '../report/write-file.ts';

/** The files `saveCase` wrote. */
export interface SavedCase {
  /** `<dir>/<name>.json`: give it to `loadCaseFile` or `trapcheck replay`. */
  json: string;
  wasm: string;
  /** Written when the case carries its module's text. */
  wat?: string;
}

/** A case id (`core-traps/1/17`) as a file name (`core-traps-1-17`). */
export function caseFileName(c: Pick<Case, 'id'>): string {
  return c.id.replace(/[^\w.@-]+/g, '-');
}

/**
 * Writes `c` into `dir` as `<name>.json` beside `<name>.wasm` (and `<name>.wat` when the case has
 * the text), creating `dir` as needed. The case file format holds one module, so a case of
 * several modules is refused with an error naming it.
 *
 * @param name - file name without extension. @defaultValue the case id, `/` → `-`
 */
export function saveCase(c: Case, dir: string, name: string = caseFileName(c)): SavedCase {
  const module = c.modules[0];
  if (!module || c.modules.length > 1) throw new TrapcheckError('INVALID_CASE', `saveCase: case ${c.id} has ${c.modules.length} modules; the case file format holds exactly one`);
  const saved: SavedCase = { json: join(dir, `${name}.json`), wasm: join(dir, `${name}.wasm`) };
  writeFileAtomic(saved.wasm, module.bytes);
  if (module.wat !== undefined) {
    saved.wat = join(dir, `${name}.wat`);
    writeFileAtomic(saved.wat, module.wat);
  }
  writeFileAtomic(saved.json, `${JSON.stringify(toCaseFile(c, `${name}.wasm`), null, 1)}\n`);
  return saved;
}
