import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCase } from '../../generators/index.ts';
import { loadCaseFile } from '../../src/conformance/corpus.ts';
import { TrapcheckError } from '../../src/errors.ts';
import { saveCase } from '../../src/library/save-case.ts';

describe('saveCase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-save-case-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the corpus format, which loadCaseFile reads back as the same case', async () => {
    const c = generateCase('core-traps', 5, 2);
    const saved = saveCase(c, join(dir, 'out'));
    expect(saved).toEqual({ json: join(dir, 'out', 'core-traps-5-2.json'), wasm: join(dir, 'out', 'core-traps-5-2.wasm') });
    const back = await loadCaseFile(saved.json);
    expect(Buffer.from(back.modules[0]!.bytes).equals(Buffer.from(c.modules[0]!.bytes))).toBe(true);
    // A loaded case names its file (the replay line points there); everything else round-trips.
    expect(back.file).toBe(saved.json);
    expect({ ...back, modules: [], file: undefined }).toEqual({ ...c, modules: [], file: undefined });
  });

  it('writes the module text beside it when the case has it, under the name given', () => {
    const c = generateCase('wasi-exit', 5, 0);
    const saved = saveCase({ ...c, modules: [{ ...c.modules[0]!, wat: '(module)' }] }, dir, 'named');
    expect(saved.wat).toBe(join(dir, 'named.wat'));
    expect(readdirSync(dir).filter((f) => f.startsWith('named')).sort()).toEqual(['named.json', 'named.wasm', 'named.wat']);
  });

  it('refuses a case of several modules, naming it', () => {
    const c = generateCase('wasi-exit', 5, 0);
    expect(() => saveCase({ ...c, modules: [c.modules[0]!, c.modules[0]!] }, dir)).toThrow(new TrapcheckError('INVALID_CASE', 'saveCase: case wasi-exit/5/0 has 2 modules; the case file format holds exactly one'));
  });
});
