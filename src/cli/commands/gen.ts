/**
 * `trapcheck gen FAMILY --seed S --count N --out DIR`: writes each generated case as
 * `<name>.wasm`, `<name>.wat` and `<name>.json` (corpus format, so the folder can be given to
 * `trapcheck run --corpus DIR` or one file to `trapcheck replay`).
 */
import { join, resolve } from 'node:path';
import { toCaseFile } from '../../case.ts';
import { usageError } from '../../errors.ts';
import { prepareOutDir } from '../../report/out-dir.ts';
import { writeFileAtomic } from '../../report/write-file.ts';
import { binaryToWat } from '../../wasm/wabt.ts';
import { FAMILY_NAMES } from '../../../generators/names.ts';
import { checkChoices, intOption, parse } from '../args.ts';
import type { CliIo } from '../io.ts';
import { resolveSeed } from '../seed.ts';

const OPTIONS = { seed: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' } } as const;

export async function genCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('gen', argv, OPTIONS);
  const family = positionals[0];
  if (!family || positionals.length > 1) throw usageError(`\`trapcheck gen\` takes one family: ${FAMILY_NAMES.join(', ')}`);
  checkChoices('family', [family], FAMILY_NAMES, 'UNKNOWN_FAMILY');
  const seed = resolveSeed(values);
  const count = intOption(values, 'count', 10, 1);
  const { generateCase } = await import('../../../generators/index.ts');
  const out = prepareOutDir(typeof values['out'] === 'string' ? values['out'] : `reports/gen-${family}-${seed}`);
  for (let i = 0; i < count; i++) {
    const c = generateCase(family, seed, i);
    const name = `${family}-${seed}-${i}`;
    const bytes = c.modules[0]!.bytes;
    writeFileAtomic(join(out, `${name}.wasm`), bytes);
    writeFileAtomic(join(out, `${name}.wat`), await binaryToWat(bytes));
    writeFileAtomic(join(out, `${name}.json`), `${JSON.stringify(toCaseFile(c, `${name}.wasm`), null, 1)}\n`);
  }
  io.out(`trapcheck gen: seed ${seed}; wrote ${count} ${family} cases (.wasm, .wat, .json) to ${out}`);
  return 0;
}
